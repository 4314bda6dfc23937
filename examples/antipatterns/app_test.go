package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/sales/pricing"
)

// TestTheMistakesRun shows that the antipatterns are operational, not
// compile errors: the page renders real data, and the stateinit mistake
// does what it is said to do, resetting the counter on every rerun.
func TestTheMistakesRun(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "sales.db")
	var err error
	if dialect, dataSource, err = audit.ParseDSN(dsn); err != nil {
		t.Fatal(err)
	}
	if err := prepare(dsn); err != nil {
		t.Fatal(err)
	}
	prices, err := pricing.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		prices.Shutdown(ctx)
	})
	pricingURL = prices.URL()
	t.Cleanup(pool.Forget)

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hs := httptest.NewServer(dash.NewApp(dash.Logger(quiet)).Page("/", "Sales", salesPage).Handler())
	t.Cleanup(hs.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/_dash/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(64 << 20)
	defer ws.CloseNow()
	send := func(msg any) {
		t.Helper()
		b, _ := json.Marshal(msg)
		if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	// props holds the last props received per element: the server leaves
	// out props that did not change since it last sent them.
	props := map[string]json.RawMessage{}
	var resolve func([]node) []node
	resolve = func(ns []node) []node {
		for i := range ns {
			if ns[i].Props != nil {
				props[ns[i].ID] = ns[i].Props
			}
			ns[i].Props = props[ns[i].ID]
			ns[i].Children = resolve(ns[i].Children)
		}
		return ns
	}
	// waitFinal returns the elements of the next final render containing
	// want in its props ("" for the next final render).
	waitFinal := func(want string) []node {
		t.Helper()
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %q: %v", want, err)
			}
			var m struct {
				Type    string `json:"type"`
				Running bool   `json:"running"`
				Error   string `json:"error"`
				Main    []node `json:"main"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type == "error" {
				t.Fatalf("server error: %s", m.Error)
			}
			if m.Type != "render" {
				continue
			}
			els := resolve(m.Main)
			if !m.Running && strings.Contains(flatten(els), want) {
				return els
			}
		}
	}
	send(map[string]any{"type": "hello", "page": "/"})
	first := waitFinal("Clicks counted: 0")
	for _, want := range []string{"Sales, the wrong way", "Revenue", "Largest orders", "List prices", "Dashboard licence"} {
		if !strings.Contains(flatten(first), want) {
			t.Errorf("first render lacks %q", want)
		}
	}
	button := widgetID(t, first, "Count")
	send(map[string]any{"type": "trigger", "id": button})
	waitFinal("Clicks counted: 1")
	// The second click should count to two; the unguarded Set resets the
	// counter first, so it shows one again.
	send(map[string]any{"type": "trigger", "id": button})
	if after := flatten(waitFinal("")); !strings.Contains(after, "Clicks counted: 1 ") {
		t.Errorf("the run of the second click shows %s, want the reset counter at 1", after)
	}
	if errLiveReport == nil || errLiveQuote == nil {
		t.Logf("dash accepted an uncopyable cache at construction (live report: %v, live quote: %v)", errLiveReport, errLiveQuote)
	}
}

// flatten joins the props of every element, for text searches.
func flatten(ns []node) string {
	var b strings.Builder
	for _, n := range ns {
		b.Write(n.Props)
		b.WriteString(flatten(n.Children))
	}
	return b.String()
}

// widgetID finds the id of the element labelled label.
func widgetID(t *testing.T, els []node, label string) string {
	t.Helper()
	var find func([]node) string
	find = func(ns []node) string {
		for _, n := range ns {
			var p struct {
				Label string `json:"label"`
			}
			if json.Unmarshal(n.Props, &p) == nil && p.Label == label {
				return n.ID
			}
			if id := find(n.Children); id != "" {
				return id
			}
		}
		return ""
	}
	id := find(els)
	if id == "" {
		t.Fatalf("no element labelled %q in %s", label, flatten(els))
	}
	return id
}

type node struct {
	ID       string          `json:"id"`
	Props    json.RawMessage `json:"props"`
	Children []node          `json:"children"`
}
