// Package pricing is the sales example's stand-in for a backend service: a
// small REST API quoting current list prices per region, and its client.
// Dashboards commonly sit in front of such a service (a Java or Go backend
// owned by another team); the dashboard caches its answers with
// dash.CacheData so that a slider move does not turn into a request storm.
package pricing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/dashvet/dashvet/examples/sales/store"
)

// Price is the current list price of one product.
type Price struct {
	Product   string `json:"product"`
	UnitCents int64  `json:"unit_cents"`
}

// Quote is the answer of GET /v1/prices: a region's current price list.
type Quote struct {
	Region   string    `json:"region"`
	Currency string    `json:"currency"`
	Prices   []Price   `json:"prices"`
	AsOf     time.Time `json:"as_of"`
}

// regional adjusts the catalogue's list prices per region (taxes,
// logistics), in per cent of the list price.
var regional = map[string]struct {
	currency string
	percent  int64
}{
	"EMEA":          {"EUR", 108},
	"North America": {"USD", 100},
	"APAC":          {"USD", 104},
	"LATAM":         {"USD", 96},
}

// Handler returns the service's HTTP API:
//
//	GET /v1/prices?region=EMEA → 200 Quote as JSON
//
// An unknown or missing region is a 404 or 400 with a JSON error.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/prices", func(w http.ResponseWriter, r *http.Request) {
		region := r.URL.Query().Get("region")
		if region == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "missing region parameter"})
			return
		}
		adj, ok := regional[region]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown region " + region})
			return
		}
		q := Quote{Region: region, Currency: adj.currency, AsOf: time.Now().UTC().Truncate(time.Second)}
		for _, p := range store.Catalog {
			q.Prices = append(q.Prices, Price{Product: p.Name, UnitCents: roundDiv(p.ListCents*adj.percent, 100)})
		}
		writeJSON(w, http.StatusOK, q)
	})
	return mux
}

func roundDiv(a, b int64) int64 { return int64(math.Round(float64(a) / float64(b))) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The response is already committed; a failed write means the client
	// went away, and there is nobody left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// Server is a running pricing service.
type Server struct {
	srv *http.Server
	url string
	err chan error
}

// Start serves the pricing API on a free port of the loopback interface.
// Loopback is deliberate here: the service lives in the dashboard's own
// process and must not be reachable from outside it.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting pricing service: %w", err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           Handler(),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
		},
		url: "http://" + ln.Addr().String(),
		err: make(chan error, 1),
	}
	go func() { s.err <- s.srv.Serve(ln) }()
	return s, nil
}

// URL is the service's base URL, such as http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Shutdown stops the service, waiting for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stopping pricing service: %w", err)
	}
	if err := <-s.err; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("pricing service: %w", err)
	}
	return nil
}

// maxResponse bounds a response body, so a misbehaving service cannot make
// the dashboard allocate without limit.
const maxResponse = 1 << 20

// Client calls the pricing service.
type Client struct {
	HTTP    *http.Client // a shared client, from dash.CacheSingleton in a dashboard
	BaseURL string
}

// Quote fetches the current price list of region.
func (c *Client) Quote(ctx context.Context, region string) (Quote, error) {
	u := c.BaseURL + "/v1/prices?region=" + url.QueryEscape(region)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Quote{}, fmt.Errorf("pricing request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Quote{}, fmt.Errorf("pricing service: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return Quote{}, fmt.Errorf("pricing service: reading response: %w", err)
	}
	if len(body) > maxResponse {
		return Quote{}, fmt.Errorf("pricing service: response larger than %d bytes", maxResponse)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return Quote{}, fmt.Errorf("pricing service: %s (HTTP %d)", e.Error, resp.StatusCode)
		}
		return Quote{}, fmt.Errorf("pricing service: HTTP %d", resp.StatusCode)
	}
	var q Quote
	if err := json.Unmarshal(body, &q); err != nil {
		return Quote{}, fmt.Errorf("pricing service: decoding quote: %w", err)
	}
	return q, nil
}
