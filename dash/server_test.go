package dash

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestHealthzPagesAndAssets(t *testing.T) {
	hs, _ := startServer(t, NewApp().
		Page("/", "Home", func(ui *UI) { ui.Text("home") }).
		Page("/sales", "Sales", func(ui *UI) { ui.Text("sales") }))

	if resp, body := get(t, hs, "/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", resp.StatusCode, body)
	}
	for _, path := range []string{"/", "/sales"} {
		resp, body := get(t, hs, path)
		if resp.StatusCode != 200 || !strings.Contains(body, `data-page="`+path+`"`) {
			t.Errorf("GET %s = %d, body %q", path, resp.StatusCode, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: CSP = %q", path, csp)
		}
	}
	if resp, _ := get(t, hs, "/nope"); resp.StatusCode != 404 {
		t.Errorf("GET /nope = %d, want 404", resp.StatusCode)
	}
	for _, asset := range []string{"app.js", "app.css"} {
		resp, body := get(t, hs, pathStatic+asset)
		if resp.StatusCode != 200 || len(body) < 100 || resp.Header.Get("ETag") == "" {
			t.Errorf("GET %s = %d (%d bytes, etag %q)", asset, resp.StatusCode, len(body), resp.Header.Get("ETag"))
		}
	}
}

func TestMountedUnderPrefix(t *testing.T) {
	app := NewApp(Logger(quietLogger())).Page("/", "Home", func(ui *UI) { ui.Text("home") })
	mux := http.NewServeMux()
	mux.Handle("/tools/", http.StripPrefix("/tools", app.Handler()))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	_, body := get(t, hs, "/tools/")
	if !strings.Contains(body, `src="/tools/_dash/static/app.js"`) {
		t.Errorf("the shell does not load its script from the prefix: %s", body)
	}
}

func TestMultipageNavigationSharesState(t *testing.T) {
	hs, _ := startServer(t, NewApp().
		Page("/", "Home", func(ui *UI) {
			ui.State().Set("visited-home", true)
			ui.Text("home")
		}).
		Page("/other", "Other", func(ui *UI) {
			_, ok := ui.State().Get("visited-home")
			ui.Text(fmt.Sprintf("other visited-home=%v", ok))
		}))
	c := dial(t, hs, "", "/")
	if len(c.welcome.Pages) != 2 || c.welcome.Pages[1] != (pageInfo{"/other", "Other"}) {
		t.Errorf("welcome pages = %+v", c.welcome.Pages)
	}
	c.waitText("home")
	c.send(map[string]any{"type": "navigate", "page": "/other"})
	c.waitText("other visited-home=true")

	c.send(map[string]any{"type": "navigate", "page": "/missing"})
	if msg := c.expectError(); !strings.Contains(msg, "no page") {
		t.Errorf("navigate to a missing page: error %q", msg)
	}
	// A hello for a page starts there.
	d := dial(t, hs, "", "/other")
	d.waitText("other visited-home=false")
}

func TestInvalidPagesAreReported(t *testing.T) {
	app := NewApp(Logger(quietLogger())).
		Page("/", "Home", func(ui *UI) {}).
		Page("/", "Again", func(ui *UI) {}).
		Page("/_dash/x", "Reserved", func(ui *UI) {}).
		Page("nope", "Relative", func(ui *UI) {})
	err := app.err()
	for _, want := range []string{"added twice", "reserved", "must start with /"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("app.err() = %v, want it to mention %q", err, want)
		}
	}
	hs := httptest.NewServer(app.Handler())
	defer hs.Close()
	if resp, _ := get(t, hs, "/"); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("misconfigured app serves %d, want 500", resp.StatusCode)
	}
}

func TestCrossOriginHandshakeRefused(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, AllowedOrigins("https://dash.example.com"))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	dialWith := func(origin string) (*http.Response, error) {
		h := http.Header{}
		h.Set("Origin", origin)
		ws, resp, err := websocket.Dial(ctx, wsURL(hs), &websocket.DialOptions{HTTPHeader: h})
		if err == nil {
			ws.CloseNow()
		}
		return resp, err
	}
	resp, err := dialWith("https://evil.example")
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin dial: err %v, resp %v; want 403", err, resp)
	}
	if _, err := dialWith(hs.URL); err != nil {
		t.Errorf("same-origin dial refused: %v", err)
	}
	if _, err := dialWith("https://dash.example.com"); err != nil {
		t.Errorf("dial from an allowed origin refused: %v", err)
	}
}

func TestMalformedMessagesAreAnswered(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 0)
		ui.Text(fmt.Sprintf("n=%d", n))
		ui.Button("b")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=0")
	slider, button := widgetID(t, els, kindSlider, "n"), widgetID(t, els, kindButton, "b")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cases := []struct {
		name string
		msg  string
		want string
	}{
		{"not JSON", `{"type":`, "malformed message"},
		{"no type", `{}`, "no type"},
		{"unknown type", `{"type":"explode"}`, "unknown message type"},
		{"second hello", `{"type":"hello"}`, "first message"},
		{"unknown widget", `{"type":"set","id":"w0","value":1}`, "unknown widget"},
		{"out of range", fmt.Sprintf(`{"type":"set","id":%q,"value":11}`, slider), "not an integer in [0, 10]"},
		{"wrong value type", fmt.Sprintf(`{"type":"set","id":%q,"value":"x"}`, slider), "want a number"},
		{"set on a button", fmt.Sprintf(`{"type":"set","id":%q,"value":true}`, button), "send a trigger"},
		{"trigger on a slider", fmt.Sprintf(`{"type":"trigger","id":%q}`, slider), "wrong message"},
		{"set without value", fmt.Sprintf(`{"type":"set","id":%q}`, slider), "needs id and value"},
	}
	for _, tc := range cases {
		if err := c.ws.Write(ctx, websocket.MessageText, []byte(tc.msg)); err != nil {
			t.Fatalf("%s: write: %v", tc.name, err)
		}
		if got := c.expectError(); !strings.Contains(got, tc.want) {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, got, tc.want)
		}
	}
	if err := c.ws.Write(ctx, websocket.MessageBinary, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if got := c.expectError(); !strings.Contains(got, "binary") {
		t.Errorf("binary message: error %q", got)
	}
	// The connection still works.
	c.set(slider, 3)
	c.waitText("n=3")
}

func TestOversizedMessageClosesConnection(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.TextInput("t", "") }, MaxMessageSize(1024))
	c := dial(t, hs, "", "/")
	els := c.waitRender("the text input", func(els []element) bool { return len(find(els, kindTextInput)) == 1 })
	c.set(widgetID(t, els, kindTextInput, "t"), strings.Repeat("x", 4096))
	for {
		_, err := c.tryRead(testTimeout)
		if err == nil {
			continue
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
			t.Errorf("close status %v (%v), want %v", got, err, websocket.StatusMessageTooBig)
		}
		return
	}
}

func TestHelloRequired(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.Write(ctx, websocket.MessageText, []byte(`{"type":"set","id":"x","value":1}`))
	_, _, err = ws.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
		t.Errorf("close status %v (%v), want policy violation", got, err)
	}
}

func TestSessionTakenOverByNewConnection(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) { ui.Text("hi") })
	a := dial(t, hs, "", "/")
	a.waitText("hi")
	b := dial(t, hs, a.welcome.Session, "/")
	if !b.welcome.Resumed {
		t.Fatal("the second connection did not resume the session")
	}
	b.waitText("hi")
	for {
		_, err := a.tryRead(testTimeout)
		if err == nil {
			continue
		}
		if got := websocket.CloseStatus(err); got != closeTakenOver {
			t.Errorf("first connection closed with %v (%v), want %d", got, err, closeTakenOver)
		}
		break
	}
	if n := srv.sessionCount(); n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
}

func TestSessionCapEvictsDetachedFirst(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) { ui.Text("hi") }, MaxSessions(2))
	a := dial(t, hs, "", "/")
	a.waitText("hi")
	b := dial(t, hs, "", "/")
	b.waitText("hi")
	// Both connected: a third is refused.
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.Write(ctx, websocket.MessageText, []byte(`{"type":"hello"}`))
	_, _, err = ws.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusTryAgainLater {
		t.Errorf("third session: close status %v (%v), want try again later", got, err)
	}
	ws.CloseNow()
	// Once one disconnects, its session makes room.
	a.close()
	waitFor(t, "a detached session", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		s := srv.sessions[a.welcome.Session]
		return s != nil && s.isDetached()
	})
	c := dial(t, hs, "", "/")
	c.waitText("hi")
	if n := srv.sessionCount(); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
}

func TestGoroutinesEndOnDisconnect(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 0)
		if n == 5 {
			<-ui.Context().Done() // a run in flight when the client leaves
		}
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	// Warm up the HTTP machinery so its goroutines are in the baseline.
	c := dial(t, hs, "", "/")
	c.waitText("n=0")
	c.close()
	waitFor(t, "the warm-up connection to end", func() bool { return srv.connCount() == 0 })
	base := runtime.NumGoroutine()

	for i := 0; i < 5; i++ {
		c := dial(t, hs, "", "/")
		c.set(widgetID(t, c.waitText("n=0"), kindSlider, "n"), 5)
		c.close()
	}
	waitFor(t, "goroutines back to the baseline", func() bool {
		return srv.connCount() == 0 && runtime.NumGoroutine() <= base
	})
}

func TestShutdownClosesConnectionsGoingAway(t *testing.T) {
	app := NewApp(Logger(quietLogger())).Page("/", "", func(ui *UI) { ui.Text("hi") })
	srv := app.Handler().(*server)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := dial(t, hs, "", "/")
	c.waitText("hi")
	// A browser answers the close handshake at once; read concurrently
	// like one.
	readErr := make(chan error, 1)
	go func() {
		for {
			if _, err := c.tryRead(testTimeout); err != nil {
				readErr <- err
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := srv.shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	err := <-readErr
	if got := websocket.CloseStatus(err); got != websocket.StatusGoingAway {
		t.Errorf("close status %v (%v), want going away", got, err)
	}
	if resp, _ := get(t, hs, "/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz after shutdown = %d, want 503", resp.StatusCode)
	}
}

func TestServeRunsUntilCancelled(t *testing.T) {
	app := NewApp().Page("/", "", func(ui *UI) { ui.Text("hi") })
	cfg := DefaultConfig()
	cfg.Logger = quietLogger()
	ln, err := listenLocal()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- app.serve(ctx, cfg, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz = %d", resp.StatusCode)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("serve returned %v after cancel, want nil", err)
	}
}

func TestUploadHook(t *testing.T) {
	// Part 2's FileUploader plugs into meta.upload; this test stands in
	// for it with a widget that reads the body as text.
	hs, _ := startPage(t, func(ui *UI) {
		v := widget(ui, widgetSpec[string]{kind: "test_upload", label: "file", decode: decodeString(0),
			upload: func(r *http.Request) (string, error) {
				b, err := io.ReadAll(r.Body)
				return string(b), err
			}})
		ui.Text("got=" + v)
	}, MaxUploadSize(16))
	c := dial(t, hs, "", "/")
	els := c.waitText("got=")
	id := widgetID(t, els, "test_upload", "file")
	post := func(body string) int {
		url := fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, pathUpload, c.welcome.Session, id)
		resp, err := hs.Client().Post(url, "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("hello"); got != http.StatusNoContent {
		t.Fatalf("upload = %d", got)
	}
	c.waitText("got=hello")
	if got := post(strings.Repeat("x", 17)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload = %d, want 413", got)
	}
}

func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func listenLocal() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func TestFloodOfBadMessagesClosesConnection(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") })
	c := dial(t, hs, "", "/")
	c.waitText("x")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	go func() {
		for i := 0; i <= maxMalformed+5; i++ {
			if c.ws.Write(ctx, websocket.MessageText, []byte(`{"type":"nonsense"}`)) != nil {
				return
			}
		}
	}()
	for {
		m, err := c.tryRead(testTimeout)
		if err == nil {
			if m["type"] != msgError {
				t.Fatalf("unexpected %v", m["type"])
			}
			continue
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
			t.Errorf("close status %v (%v), want policy violation", got, err)
		}
		return
	}
}

func TestExtraRoutesAreMounted(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "custom 1\n") })
	hs, _ := startPage(t, func(ui *UI) {}, withRoute("GET /custom", metrics))
	if resp, body := get(t, hs, "/custom"); resp.StatusCode != 200 || body != "custom 1\n" {
		t.Errorf("/custom = %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, hs, "/"); resp.StatusCode != 200 {
		t.Errorf("/ = %d next to an extra route", resp.StatusCode)
	}
}

func TestOriginAllowed(t *testing.T) {
	cases := []struct {
		origin   string
		patterns []string
		want     bool
	}{
		{"", nil, true}, // not a browser
		{"http://app.local:8501", nil, true},
		{"http://APP.local:8501", nil, true},
		{"http://evil.example", nil, false},
		{"http://app.local:9999", nil, false},
		{"https://dash.example.com", []string{"https://dash.example.com"}, true},
		{"http://dash.example.com", []string{"https://dash.example.com"}, false},
		{"https://a.example.com", []string{"*.example.com"}, true},
		{"not a url\x7f", nil, false},
		{"null", nil, false},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("POST", "http://app.local:8501/_dash/upload", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := originAllowed(r, tc.patterns); got != tc.want {
			t.Errorf("originAllowed(%q, %q) = %v, want %v", tc.origin, tc.patterns, got, tc.want)
		}
	}
}

func TestMountPrefix(t *testing.T) {
	cases := []struct{ requestURI, path, want string }{
		{"/", "/", ""},
		{"/sales?x=1", "/sales", ""},
		{"/tools/sales", "/sales", "/tools"},
		{"/tools/", "/", "/tools"},
		{"http://evil.example/", "/", ""},
		{"//evil.example/", "/", ""},
		{"/a%20b/x", "/x", "/a%20b"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "http://app.local"+tc.path, nil)
		r.RequestURI = tc.requestURI
		if got := mountPrefix(r); got != tc.want {
			t.Errorf("mountPrefix(%q, path %q) = %q, want %q", tc.requestURI, tc.path, got, tc.want)
		}
	}
}
