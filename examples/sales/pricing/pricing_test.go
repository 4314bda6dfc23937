package pricing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dashvet/dashvet/examples/sales/store"
)

func TestQuoteThroughTheService(t *testing.T) {
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	}()
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("service URL %s is not on loopback", srv.URL())
	}
	c := &Client{HTTP: &http.Client{Timeout: 5 * time.Second}, BaseURL: srv.URL()}
	ctx := context.Background()

	na, err := c.Quote(ctx, "North America")
	if err != nil {
		t.Fatal(err)
	}
	if na.Region != "North America" || na.Currency != "USD" || len(na.Prices) != len(store.Catalog) || na.AsOf.IsZero() {
		t.Fatalf("quote = %+v", na)
	}
	for i, p := range na.Prices {
		if p.Product != store.Catalog[i].Name || p.UnitCents != store.Catalog[i].ListCents {
			t.Errorf("North America price %+v, want the list price %+v", p, store.Catalog[i])
		}
	}
	emea, err := c.Quote(ctx, "EMEA")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range emea.Prices {
		if want := roundDiv(store.Catalog[i].ListCents*108, 100); p.UnitCents != want {
			t.Errorf("EMEA price of %s = %d, want %d", p.Product, p.UnitCents, want)
		}
	}

	if _, err := c.Quote(ctx, "Atlantis"); err == nil || !strings.Contains(err.Error(), "unknown region") {
		t.Errorf("quote for an unknown region: %v", err)
	}
	if _, err := c.Quote(ctx, ""); err == nil || !strings.Contains(err.Error(), "missing region") {
		t.Errorf("quote without region: %v", err)
	}
}

func TestHandlerRejectsOtherMethods(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/prices?region=EMEA", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST answered %d, want 405", rec.Code)
	}
}

func TestClientBoundsTheResponse(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"region":"` + strings.Repeat("x", maxResponse) + `"}`))
	}))
	defer big.Close()
	c := &Client{HTTP: big.Client(), BaseURL: big.URL}
	if _, err := c.Quote(context.Background(), "EMEA"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized response: %v", err)
	}
}
