package dash

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// This file holds a protocol-level test client: a real WebSocket client
// that keeps the element tree the way the browser does (props cached by id,
// omitted props reused), so tests check what a user would see.

const testTimeout = 10 * time.Second

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startServer serves app on an httptest server and returns it with the
// underlying *server. configure, if given, adjusts the server before it
// serves.
func startServer(t testing.TB, app *App, configure ...func(*server)) (*httptest.Server, *server) {
	t.Helper()
	app.opts = append([]Option{Logger(quietLogger())}, app.opts...)
	h := app.Handler()
	srv, ok := h.(*server)
	if !ok {
		t.Fatalf("Handler is %T, not *server: %v", h, app.err())
	}
	for _, f := range configure {
		f(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		srv.shutdown(ctx)
	})
	return hs, srv
}

func startPage(t testing.TB, fn func(*UI), opts ...Option) (*httptest.Server, *server) {
	return startServer(t, NewApp(opts...).Page("/", "Home", fn))
}

type element struct {
	id    string
	kind  string
	props map[string]any
	raw   json.RawMessage
	depth int
}

type testClient struct {
	t       testing.TB
	ws      *websocket.Conn
	welcome welcomeMsg
	props   map[string]json.RawMessage
	last    []element // flattened tree of the last final render
	renders int
}

func wsURL(hs *httptest.Server) string {
	return "ws" + strings.TrimPrefix(hs.URL, "http") + pathWS
}

// dial connects and says hello; it returns after the welcome.
func dial(t testing.TB, hs *httptest.Server, session, page string) *testClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(64 << 20)
	c := &testClient{t: t, ws: ws, props: map[string]json.RawMessage{}}
	t.Cleanup(func() { ws.CloseNow() })
	c.send(map[string]any{"type": "hello", "session": session, "page": page})
	m := c.read()
	if m["type"] != msgWelcome {
		t.Fatalf("first message is %v, want welcome", m["type"])
	}
	if err := json.Unmarshal(m["raw"].(json.RawMessage), &c.welcome); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *testClient) send(msg any) {
	c.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// read returns the next message decoded as a map, with the raw bytes
// under "raw".
func (c *testClient) read() map[string]any {
	c.t.Helper()
	m, err := c.tryRead(testTimeout)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *testClient) tryRead(d time.Duration) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("server sent invalid JSON %q: %w", b, err)
	}
	m["raw"] = json.RawMessage(b)
	return m, nil
}

// apply folds a render message into the client's view and returns the
// flattened tree (main first, then sidebar).
func (c *testClient) apply(raw json.RawMessage) ([]element, renderMsg) {
	c.t.Helper()
	var r renderMsg
	if err := json.Unmarshal(raw, &r); err != nil {
		c.t.Fatal(err)
	}
	var out []element
	var walk func([]*wireNode, int)
	walk = func(ns []*wireNode, depth int) {
		for _, n := range ns {
			if n.Props != nil {
				c.props[n.ID] = n.Props
			}
			p, ok := c.props[n.ID]
			if !ok {
				c.t.Fatalf("node %s (%s) came without props and the client has none", n.ID, n.Kind)
			}
			var pm map[string]any
			if err := json.Unmarshal(p, &pm); err != nil {
				c.t.Fatal(err)
			}
			out = append(out, element{id: n.ID, kind: n.Kind, props: pm, raw: p, depth: depth})
			walk(n.Children, depth+1)
		}
	}
	walk(r.Main, 0)
	walk(r.Sidebar, 0)
	return out, r
}

// waitRender reads until a final render satisfies ok and returns its tree.
// Error messages from the server fail the test.
func (c *testClient) waitRender(what string, ok func([]element) bool) []element {
	c.t.Helper()
	deadline := time.Now().Add(testTimeout)
	for time.Now().Before(deadline) {
		m, err := c.tryRead(time.Until(deadline))
		if err != nil {
			break
		}
		switch m["type"] {
		case msgError:
			c.t.Fatalf("server error while waiting for %s: %v", what, m["error"])
		case msgRender:
			els, r := c.apply(m["raw"].(json.RawMessage))
			if r.Running {
				continue
			}
			c.renders++
			c.last = els
			if ok(els) {
				return els
			}
		}
	}
	c.t.Fatalf("no render with %s; last render: %s", what, dump(c.last))
	return nil
}

// waitText waits for a final render that contains an element whose text
// prop is exactly text.
func (c *testClient) waitText(text string) []element {
	c.t.Helper()
	return c.waitRender(fmt.Sprintf("text %q", text), func(els []element) bool { return hasText(els, text) })
}

// expectError reads until an error message arrives and returns it.
func (c *testClient) expectError() string {
	c.t.Helper()
	for {
		m := c.read()
		if m["type"] == msgError {
			return m["error"].(string)
		}
	}
}

func hasText(els []element, text string) bool {
	for _, e := range els {
		if e.props["text"] == text {
			return true
		}
	}
	return false
}

// widgetID returns the id of the widget with kind and label in els.
func widgetID(t testing.TB, els []element, kind, label string) string {
	t.Helper()
	for _, e := range els {
		if e.kind == kind && e.props["label"] == label {
			return e.id
		}
	}
	t.Fatalf("no %s %q in %s", kind, label, dump(els))
	return ""
}

func find(els []element, kind string) []element {
	var out []element
	for _, e := range els {
		if e.kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func dump(els []element) string {
	var b strings.Builder
	for _, e := range els {
		fmt.Fprintf(&b, "\n%s%s %s %s", strings.Repeat("  ", e.depth), e.kind, e.id, e.raw)
	}
	return b.String()
}

func (c *testClient) set(id string, v any) {
	c.t.Helper()
	c.send(map[string]any{"type": "set", "id": id, "value": v})
}

func (c *testClient) click(id string) {
	c.t.Helper()
	c.send(map[string]any{"type": "trigger", "id": id})
}

func (c *testClient) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
}

// get fetches a path of hs.
func get(t testing.TB, hs *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := hs.Client().Get(hs.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func jsonUnmarshal(raw any, v any) error { return json.Unmarshal(raw.(json.RawMessage), v) }
