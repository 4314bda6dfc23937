package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/dash/audit/audittest"
	"github.com/dashvet/dashvet/examples/sales/pricing"
	"github.com/dashvet/dashvet/examples/sales/store"
)

const wsTimeout = 30 * time.Second

// element is one node of a render, with its props resolved: the server
// leaves out props the client already has.
type element struct {
	id, kind string
	props    map[string]any
	raw      json.RawMessage
}

// wsClient speaks the dash wire protocol (docs/protocol.md) like the
// browser frontend does.
type wsClient struct {
	t     *testing.T
	ws    *websocket.Conn
	props map[string]json.RawMessage
	last  []element
}

func dialApp(t *testing.T, serverURL, page string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wsTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(serverURL, "http")+"/_dash/ws", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(64 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	c := &wsClient{t: t, ws: ws, props: map[string]json.RawMessage{}}
	c.send(map[string]any{"type": "hello", "page": page})
	return c
}

func (c *wsClient) send(msg any) {
	c.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wsTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

type wireNode struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Props    json.RawMessage `json:"props"`
	Children []*wireNode     `json:"children"`
}

// waitRender reads messages until a final render satisfies ok.
func (c *wsClient) waitRender(what string, ok func([]element) bool) []element {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wsTimeout)
	defer cancel()
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			c.t.Fatalf("waiting for %s: %v; last render: %s", what, err, dump(c.last))
		}
		var m struct {
			Type    string      `json:"type"`
			Error   string      `json:"error"`
			Running bool        `json:"running"`
			Main    []*wireNode `json:"main"`
			Sidebar []*wireNode `json:"sidebar"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("invalid message %q: %v", b, err)
		}
		switch m.Type {
		case "error":
			c.t.Fatalf("server error while waiting for %s: %s", what, m.Error)
		case "render":
			els := c.apply(m.Main, m.Sidebar)
			if m.Running {
				continue
			}
			c.last = els
			if ok(els) {
				return els
			}
		}
	}
}

func (c *wsClient) apply(roots ...[]*wireNode) []element {
	var out []element
	var walk func([]*wireNode)
	walk = func(ns []*wireNode) {
		for _, n := range ns {
			if n.Props != nil {
				c.props[n.ID] = n.Props
			}
			raw := c.props[n.ID]
			var pm map[string]any
			if err := json.Unmarshal(raw, &pm); err != nil {
				c.t.Fatalf("props of %s: %v", n.ID, err)
			}
			out = append(out, element{id: n.ID, kind: n.Kind, props: pm, raw: raw})
			walk(n.Children)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

func dump(els []element) string {
	var b strings.Builder
	for _, e := range els {
		fmt.Fprintf(&b, "\n  %s %s %s", e.id, e.kind, e.raw)
	}
	return b.String()
}

func find(els []element, kind, prop, value string) (element, bool) {
	for _, e := range els {
		if e.kind == kind && e.props[prop] == value {
			return e, true
		}
	}
	return element{}, false
}

func widget(t *testing.T, els []element, kind, label string) string {
	t.Helper()
	e, ok := find(els, kind, "label", label)
	if !ok {
		t.Fatalf("no %s %q in %s", kind, label, dump(els))
	}
	return e.id
}

func metricIs(label, value string) func([]element) bool {
	return func(els []element) bool {
		e, ok := find(els, "metric", "label", label)
		return ok && e.props["value"] == value
	}
}

// expectedRevenue computes in Go, from the seed, what the Revenue metric
// must show for the last n months of the history.
func expectedRevenue(n int) string {
	orders := store.Generate(store.DefaultSeed)
	var months []string
	for _, o := range orders {
		if !slices.Contains(months, o.Month) {
			months = append(months, o.Month)
		}
	}
	slices.Sort(months)
	from := months[len(months)-n]
	var cents int64
	for _, o := range orders {
		if o.Month >= from {
			cents += o.AmountCents
		}
	}
	return money(cents)
}

// TestDashboardEndToEnd runs the sales app in process behind httptest and
// drives it over the WebSocket as a browser would: first render, a slider
// change, a target form submit that writes one audit row, and the audit
// page showing it.
func TestDashboardEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testDashboard(t, filepath.Join(t.TempDir(), "sales.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		testDashboard(t, audittest.PostgresSchema(t))
	})
}

func testDashboard(t *testing.T, dsn string) {
	prices, err := pricing.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		prices.Shutdown(ctx)
	})
	d, err := newDashboard(dsn, prices.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hs := httptest.NewServer(d.App(dash.Logger(quiet)).Handler())
	t.Cleanup(hs.Close)

	c := dialApp(t, hs.URL, "/")
	els := c.waitRender("the first render", metricIs("Revenue", expectedRevenue(12)))
	if _, ok := find(els, "title", "text", "Sales"); !ok {
		t.Errorf("first render has no title Sales: %s", dump(els))
	}
	for _, label := range []string{"Orders", "Average order", "Units", "Revenue in 2025-12"} {
		if _, ok := find(els, "metric", "label", label); !ok {
			t.Errorf("first render has no metric %q", label)
		}
	}
	if !bytes.Contains(rawOf(els), []byte("Dashboard licence")) || !bytes.Contains(rawOf(els), []byte("$299.00")) {
		t.Errorf("the product table lacks a product or its list price from the pricing service: %s", dump(els))
	}

	// A slider move reruns the app with the new filter.
	c.send(map[string]any{"type": "set", "id": widget(t, els, "slider", "Months"), "value": 3})
	els = c.waitRender("revenue of the last 3 months", metricIs("Revenue", expectedRevenue(3)))

	// The target form: one submit, one audit row.
	form := "f:target"
	values := map[string]any{
		widget(t, els, "selectbox", "Region"):                1, // the options are sorted: APAC, EMEA, ...
		widget(t, els, "number_input", "Monthly target ($)"): 57000,
		widget(t, els, "text_input", "Your name"):            "Ada",
		widget(t, els, "text_input", "Reason"):               "Q4 push",
	}
	c.send(map[string]any{"type": "submit", "form": form, "id": widget(t, els, "submit_button", "Save target"), "values": values})
	c.waitRender("the saved target", func(els []element) bool {
		_, ok := find(els, "alert", "text", "Target of EMEA set to $57,000 (was $55,000).")
		return ok
	})

	db, dialect, err := audit.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := audit.New(db, dialect)
	if err != nil {
		t.Fatal(err)
	}
	events, err := log.Recent(context.Background(), audit.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("%d audit rows after one submit, want 1: %+v", len(events), events)
	}
	var details struct {
		Region   string `json:"region"`
		Previous int64  `json:"previous_cents"`
		Target   int64  `json:"target_cents"`
		Note     string `json:"note"`
	}
	if err := json.Unmarshal(events[0].Details, &details); err != nil {
		t.Fatal(err)
	}
	if e := events[0]; e.Who != "Ada" || e.Action != "target.update" || e.Page != "/" ||
		details.Region != "EMEA" || details.Previous != 5_500_000 || details.Target != 5_700_000 || details.Note != "Q4 push" {
		t.Errorf("audit row = %+v with details %+v", e, details)
	}

	// The audit page, in the same session, lists the change.
	c.send(map[string]any{"type": "navigate", "page": "/audit"})
	c.waitRender("the audit log", func(els []element) bool {
		_, ok := find(els, "title", "text", "Audit log")
		return ok && bytes.Contains(rawOf(els), []byte("Ada")) && bytes.Contains(rawOf(els), []byte("target.update"))
	})
}

func rawOf(els []element) []byte {
	var b bytes.Buffer
	for _, e := range els {
		b.Write(e.raw)
	}
	return b.Bytes()
}
