package dash

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The abuse suite: hostile clients over a real WebSocket (and plain HTTP)
// against httptest servers. Each test plays one attack and asserts that the
// process is alive, that honest sessions still work, and that time, memory
// and close codes stay within the documented limits (docs/runtime.md,
// "Safety limits"). Time bounds are generous, many times what the work
// costs, so that a loaded machine does not make them flake; they catch the
// regressions that cost seconds or minutes, not milliseconds.

// logCounter is a slog handler that counts records by message.
type logCounter struct {
	mu   sync.Mutex
	msgs map[string]int
	all  []string
}

func newLogCounter() *logCounter { return &logCounter{msgs: map[string]int{}} }

func (l *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.msgs[r.Message]++
	l.all = append(l.all, b.String())
	l.mu.Unlock()
	return nil
}
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }

func (l *logCounter) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.msgs[msg]
}

func (l *logCounter) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// lineWith returns the first logged line containing s.
func (l *logCounter) lineWith(s string) string {
	for _, line := range l.lines() {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

// readUntilClosed reads until the server closes the connection and returns
// the close status, failing after d.
func readUntilClosed(t *testing.T, ws *websocket.Conn, d time.Duration) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatalf("connection still open after %v", d)
			}
			return websocket.CloseStatus(err)
		}
	}
}

// markdownApp renders what the user types as Markdown, as a notes box or a
// chat log does.
func markdownApp(ui *UI) {
	text := ui.TextArea("notes", "")
	ui.Markdown(text)
	ui.Text(fmt.Sprintf("rendered %d bytes", len(text)))
}

// setRaw sends a set of text that needs no JSON escaping as it is:
// json.Marshal would escape each '>' to six bytes.
func setRaw(t *testing.T, c *testClient, id, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	msg := fmt.Sprintf(`{"type":"set","id":%q,"value":"%s"}`, id, text)
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// heavyTimeout bounds the tests that move megabytes through JSON, which
// the race detector on a loaded machine makes slow (seconds for what takes
// a tenth of that otherwise). Time bounds on the Markdown renderer itself
// are in its package's tests.
const heavyTimeout = time.Minute

// readRawUntil reads messages until one contains s and returns it.
func readRawUntil(t *testing.T, c *testClient, s string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), heavyTimeout)
	defer cancel()
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			t.Fatalf("no message with %q: %v", s, err)
		}
		if strings.Contains(string(b), s) {
			return string(b)
		}
	}
}

// TestAbuseMarkdownDeepNesting sends one message of a million '>' to an
// app that renders user text as Markdown. It once overflowed the stack, a
// fatal error that ended the process and every session in it.
func TestAbuseMarkdownDeepNesting(t *testing.T) {
	hs, _ := startPage(t, markdownApp)
	c := dial(t, hs, "", "/")
	els := c.waitText("rendered 0 bytes")
	setRaw(t, c, widgetID(t, els, kindTextArea, "notes"), strings.Repeat(">", 1_000_000))
	// The render is megabytes of escaped text: look for the result in the
	// raw messages instead of decoding each (slow under -race).
	raw := readRawUntil(t, c, "rendered 1000000 bytes")
	if n := strings.Count(raw, `\u003cblockquote\u003e`); n != 16 {
		t.Errorf("%d nested block quotes rendered, want the limit of 16", n)
	}
	// The process is alive and serves others.
	dial(t, hs, "", "/").waitText("rendered 0 bytes")
}

// TestAbuseMarkdownBracketRun sends 300 KB of '[': the link parser was
// quadratic (29 s for one run, minutes under -race). A linear parser
// renders it in milliseconds (BenchmarkHostile in the markdown package);
// here the run must complete, and a superseding run must not wait for it.
func TestAbuseMarkdownBracketRun(t *testing.T) {
	hs, _ := startPage(t, markdownApp)
	c := dial(t, hs, "", "/")
	els := c.waitText("rendered 0 bytes")
	id := widgetID(t, els, kindTextArea, "notes")
	setRaw(t, c, id, strings.Repeat("[", 300<<10))
	readRawUntil(t, c, fmt.Sprintf("rendered %d bytes", 300<<10))
	setRaw(t, c, id, "done")
	readRawUntil(t, c, "rendered 4 bytes")
}

// floodAndExpectClose sends frames until the server closes the connection,
// and returns how many it sent and the close status.
func floodAndExpectClose(t *testing.T, c *testClient, typ websocket.MessageType, frame []byte) (int, websocket.StatusCode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	sent := make(chan int, 1)
	go func() {
		n := 0
		for n < 10_000 && c.ws.Write(ctx, typ, frame) == nil {
			n++
		}
		sent <- n
	}()
	status := readUntilClosed(t, c.ws, testTimeout)
	return <-sent, status
}

// TestAbuseBadMessageFloods sends each kind of bad message as a flood. Every
// kind counts toward the limit; the connection is closed with 1008 after
// maxMalformed of them, and the log gets a handful of lines, not one per
// frame.
func TestAbuseBadMessageFloods(t *testing.T) {
	floods := []struct {
		name  string
		typ   websocket.MessageType
		frame string
	}{
		{"binary frames", websocket.MessageBinary, "\x00\x01\x02"},
		{"malformed JSON", websocket.MessageText, `{"type":`},
		{"not an object", websocket.MessageText, `[1,2,3]`},
		{"unknown type", websocket.MessageText, `{"type":"explode"}`},
		{"unknown widget", websocket.MessageText, `{"type":"set","id":"nope","value":1}`},
		{"huge type", websocket.MessageText, `{"type":"` + strings.Repeat("x", 100_000) + `"}`},
	}
	for _, f := range floods {
		t.Run(f.name, func(t *testing.T) {
			logs := newLogCounter()
			hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, Logger(slog.New(logs)))
			c := dial(t, hs, "", "/")
			c.waitText("x")
			sent, status := floodAndExpectClose(t, c, f.typ, []byte(f.frame))
			if status != websocket.StatusPolicyViolation {
				t.Errorf("close status %v, want 1008 (policy violation)", status)
			}
			if sent >= 10_000 {
				t.Errorf("all %d frames were accepted", sent)
			}
			waitFor(t, "the connection's summary line", func() bool {
				return logs.count("dash: more client messages rejected (not logged one by one)") == 1
			})
			if n := logs.count("dash: rejected client message"); n != rejectLogs {
				t.Errorf("%d rejected messages logged one by one, want %d", n, rejectLogs)
			}
			if n := logs.count("dash: closing a connection that keeps sending bad messages"); n != 1 {
				t.Errorf("%d closing lines, want 1", n)
			}
			for _, l := range logs.lines() {
				if len(l) > 2*maxEchoed+200 {
					t.Errorf("a log line of %d bytes: client text reaches the log unclipped", len(l))
				}
			}
			dial(t, hs, "", "/").waitText("x")
		})
	}
}

// TestAbuseErrorsAreClipped checks that a bad message with a huge type is
// answered with a short error: the server must not echo a megabyte back per
// message.
func TestAbuseErrorsAreClipped(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") })
	c := dial(t, hs, "", "/")
	c.waitText("x")
	c.send(map[string]any{"type": strings.Repeat("x", 500_000)})
	if got := c.expectError(); len(got) > 2*maxEchoed {
		t.Errorf("error message of %d bytes", len(got))
	}
}

// TestAbuseNoHello connects and says nothing: the server closes with 1008
// once the hello timeout passes, not with a bare EOF.
func TestAbuseNoHello(t *testing.T) {
	hs, _ := startServer(t, NewApp().Page("/", "Home", func(ui *UI) {}), func(s *server) {
		s.helloTimeout = 100 * time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if got := readUntilClosed(t, ws, testTimeout); got != websocket.StatusPolicyViolation {
		t.Errorf("close status %v, want 1008 (policy violation)", got)
	}
}

// TestAbuseNullValues sends null for widgets: it was accepted as the zero
// value (a slider in [5, 10] at 0).
func TestAbuseNullValues(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 5, 10, 7)
		ok := ui.Checkbox("ok", true)
		name := ui.TextInput("name", "x")
		ui.Text(fmt.Sprintf("n=%d ok=%v name=%s", n, ok, name))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=7 ok=true name=x")
	for _, w := range []struct{ kind, label string }{{kindSlider, "n"}, {kindCheckbox, "ok"}, {kindTextInput, "name"}} {
		id := widgetID(t, els, w.kind, w.label)
		c.send(map[string]any{"type": "set", "id": id, "value": json.RawMessage(" null ")})
		if got := c.expectError(); !strings.Contains(got, "null") {
			t.Errorf("set %s to null: error %q", w.label, got)
		}
	}
	c.send(map[string]any{"type": "rerun"})
	c.waitText("n=7 ok=true name=x")
}

// settleUploadMemory collects garbage until the upload memory of earlier
// tests' files has come back, and returns what is still held.
func settleUploadMemory() int64 {
	for range 20 {
		runtime.GC()
		if uploadMemory.Load() == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond) // cleanups run after the GC, on their own goroutine
	}
	return uploadMemory.Load()
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestAbuseUploadMemoryBudget has four sessions upload 24 files of 1 MiB
// in all, each small enough to be held in memory, against a budget of 4
// MiB: the rest must go to disk. Before the budget, such uploads took a
// server from 20 MB to 863 MB.
func TestAbuseUploadMemoryBudget(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	const budget = 4 << 20
	settleUploadMemory()
	before := heapAlloc()
	hs, _ := startPage(t, func(ui *UI) {
		fs := ui.FileUploader("files", AcceptMultiple())
		spooled := 0
		for _, f := range fs {
			if f.file != nil {
				spooled++
			}
		}
		ui.Text(fmt.Sprintf("%d files, %d spooled", len(fs), spooled))
	}, MaxUploadMemory(budget))
	file := strings.Repeat("x", 1<<20)
	var files [][2]string
	for i := range 6 {
		files = append(files, [2]string{fmt.Sprintf("f%d.txt", i), file})
	}
	spooled := 0
	for range 4 {
		c := dial(t, hs, "", "/")
		id := widgetID(t, c.waitText("0 files, 0 spooled"), kindFileUploader, "files")
		if code, msg := postFiles(t, hs, c, id, files...); code != http.StatusNoContent {
			t.Fatalf("upload = %d %s", code, msg)
		}
		els := c.waitRender("the files", func(els []element) bool {
			return len(find(els, kindText)) == 1 && strings.HasPrefix(find(els, kindText)[0].props["text"].(string), "6 files")
		})
		var n, s int
		fmt.Sscanf(find(els, kindText)[0].props["text"].(string), "%d files, %d spooled", &n, &s)
		spooled += s
	}
	if spooled < 24-budget>>20 {
		t.Errorf("%d of 24 files spooled; with a budget of 4 MiB at least 20 must be", spooled)
	}
	if used := uploadMemory.Load(); used > budget {
		t.Errorf("uploads hold %d bytes of memory, over the budget of %d", used, budget)
	}
	// The heap holds the budget's worth of files and little else: without
	// the budget it grew by all 24 MiB.
	if grown := int64(heapAlloc()) - int64(before); grown > budget+8<<20 {
		t.Errorf("heap grew by %d MiB holding 24 MiB of uploads under a 4 MiB budget", grown>>20)
	}
}

// TestAbuseSessionUploadCap fills one session's upload cap: a further file
// is refused with 413 while replacing a file within the cap is fine.
// Refusals repeated in a loop are logged once.
func TestAbuseSessionUploadCap(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) {
		a, b := ui.FileUploader("a"), ui.FileUploader("b")
		ui.Text(fmt.Sprintf("a=%d b=%d", len(a), len(b)))
	}, MaxSessionUploads(3<<20), Logger(slog.New(logs)))
	c := dial(t, hs, "", "/")
	els := c.waitText("a=0 b=0")
	a, b := widgetID(t, els, kindFileUploader, "a"), widgetID(t, els, kindFileUploader, "b")
	two := strings.Repeat("y", 2<<20)
	if code, msg := postFiles(t, hs, c, a, [2]string{"a.bin", two}); code != http.StatusNoContent {
		t.Fatalf("first upload = %d %s", code, msg)
	}
	c.waitText("a=1 b=0")
	for range 5 {
		code, msg := postFiles(t, hs, c, b, [2]string{"b.bin", two})
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "this session's uploads") {
			t.Errorf("upload beyond the session cap = %d %q, want 413 naming the session's limit", code, msg)
		}
	}
	if n := logs.count("dash: upload rejected (further rejections for this client are not logged for a minute)"); n != 1 {
		t.Errorf("%d warnings for five rejected uploads of one client, want 1", n)
	}
	// Replacing a's file does not count a's old one.
	if code, msg := postFiles(t, hs, c, a, [2]string{"a2.bin", two}); code != http.StatusNoContent {
		t.Errorf("replacing within the cap = %d %s", code, msg)
	}
	// Another session has its own cap.
	d := dial(t, hs, "", "/")
	d.waitText("a=0 b=0")
	if code, msg := postFiles(t, hs, d, b, [2]string{"b.bin", two}); code != http.StatusNoContent {
		t.Errorf("another session's upload = %d %s", code, msg)
	}
}

// TestAbuseUploadsReleasedWithSession disconnects a session holding a file
// in memory and a spooled one: when the session expires both are released
// at once, the spool file closed and the memory budget given back.
func TestAbuseUploadsReleasedWithSession(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	got := make(chan []*UploadedFile, 4)
	hs, srv := startPage(t, func(ui *UI) {
		fs := ui.FileUploader("files", AcceptMultiple())
		if len(fs) > 0 {
			got <- fs
		}
		ui.Text(fmt.Sprintf("%d files", len(fs)))
	}, SessionTTL(50*time.Millisecond))
	settleUploadMemory()
	base := uploadMemory.Load()
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("0 files"), kindFileUploader, "files")
	small, big := strings.Repeat("s", 1000), strings.Repeat("b", uploadMemoryLimit+1)
	if code, msg := postFiles(t, hs, c, id, [2]string{"small.txt", small}, [2]string{"big.txt", big}); code != http.StatusNoContent {
		t.Fatalf("upload = %d %s", code, msg)
	}
	c.waitText("2 files")
	fs := <-got
	if fs[0].file != nil || fs[1].file == nil {
		t.Fatalf("want the small file in memory and the big one spooled")
	}
	if held := uploadMemory.Load() - base; held != int64(len(small)) {
		t.Errorf("upload memory grew by %d, want %d", held, len(small))
	}
	c.close()
	waitFor(t, "the session to expire", func() bool { return srv.sessionCount() == 0 })
	if _, err := fs[1].ReadAt(make([]byte, 1), 0); err == nil {
		t.Errorf("the spool file of an expired session is still open")
	}
	if held := uploadMemory.Load() - base; held != 0 {
		t.Errorf("upload memory still holds %d bytes of an expired session", held)
	}
}

// TestAbuseUploadNames sends names that must not reach the app as path
// elements.
func TestAbuseUploadNames(t *testing.T) {
	got := make(chan string, 8)
	hs, _ := startPage(t, func(ui *UI) {
		for _, f := range ui.FileUploader("f") {
			got <- f.Name
		}
		ui.Text("ready")
	})
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("ready"), kindFileUploader, "f")
	for _, name := range []string{"..", ".", "/", `..\..`, "../..", `C:\x\..`} {
		if code, msg := postFiles(t, hs, c, id, [2]string{name, "x"}); code != http.StatusNoContent {
			t.Fatalf("upload %q = %d %s", name, code, msg)
		}
		if n := <-got; n == ".." || n == "." || strings.ContainsAny(n, `/\`) {
			t.Errorf("upload named %q reached the app as %q", name, n)
		}
	}
}

// trickleUpload starts an upload whose body comes one byte per interval
// over a raw connection, and returns a channel with the status the server
// answers (0 if it closed the connection without one).
func trickleUpload(t *testing.T, hs *httptest.Server, c *testClient, id string, interval time.Duration) <-chan int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	const boundary = "b0undary"
	fmt.Fprintf(conn, "POST %s?session=%s&widget=%s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: 1000000\r\n\r\n",
		pathUpload, c.welcome.Session, id, strings.TrimPrefix(hs.URL, "http://"), boundary)
	fmt.Fprintf(conn, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n\r\n", boundary)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte{'x'}); err != nil {
					return
				}
			}
		}
	}()
	status := make(chan int, 1)
	go func() {
		defer close(done)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	return status
}

// TestAbuseSlowUploads trickles 20 upload bodies at 10 bytes/s: each is cut
// off with 408 once its grace period is over, instead of holding a handler
// indefinitely.
func TestAbuseSlowUploads(t *testing.T) {
	hs, _ := startServer(t, NewApp().Page("/", "Home", func(ui *UI) {
		ui.FileUploader("f")
		ui.Text("ready")
	}), func(s *server) { s.uploadGrace = 200 * time.Millisecond })
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("ready"), kindFileUploader, "f")
	start := time.Now()
	var results []<-chan int
	for range 20 {
		results = append(results, trickleUpload(t, hs, c, id, 100*time.Millisecond))
	}
	for _, r := range results {
		select {
		case code := <-r:
			if code != http.StatusRequestTimeout {
				t.Errorf("a trickling upload got %d, want 408", code)
			}
		case <-time.After(testTimeout):
			t.Fatalf("a trickling upload still open after %v", time.Since(start))
		}
	}
	// Each wait above is bounded by testTimeout: the grace period (200 ms
	// here) plus scheduling, since the default minimum rate (16 KiB/s) is
	// far above 10 bytes/s. Without the rate limit each upload would stay
	// open for the day its million bytes take.
	t.Logf("20 trickling uploads cut off in %v", time.Since(start))
}

// TestAbuseSlowUploadsDoNotHoldShutdown starts trickling uploads still in
// their grace period and shuts down: they end with the shutdown, well
// within its bound.
func TestAbuseSlowUploadsDoNotHoldShutdown(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {
		ui.FileUploader("f")
		ui.Text("ready")
	})
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("ready"), kindFileUploader, "f")
	var results []<-chan int
	for range 20 {
		results = append(results, trickleUpload(t, hs, c, id, 100*time.Millisecond))
	}
	time.Sleep(300 * time.Millisecond) // the uploads are being read
	c.close()                          // a WebSocket that answers its close frame; only uploads are left
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := srv.shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	for _, r := range results {
		select {
		case <-r:
		case <-time.After(testTimeout):
			t.Fatalf("a trickling upload still open %v after shutdown began", time.Since(start))
		}
	}
	// The waits above are bounded by testTimeout, the documented 10 s
	// bound of a shutdown.
	t.Logf("20 trickling uploads ended %v after shutdown began", time.Since(start))
}

// TestHostPolicy checks which Host headers are served.
func TestHostPolicy(t *testing.T) {
	cfg := DefaultConfig().Server
	cfg.Address = "dash-box"
	cfg.AllowedHosts = []string{"dash.example.com", "*.corp.example", "proxy.example:8443"}
	p := newHostPolicy(cfg)
	for host, want := range map[string]bool{
		"127.0.0.1:8501":         true,
		"[::1]:8501":             true,
		"10.1.2.3":               true, // IP literals cannot be rebound
		"localhost:8501":         true,
		"LOCALHOST.":             true,
		"app.localhost":          true,
		"dash-box:8501":          true, // the bound name
		"dash.example.com":       true,
		"Dash.Example.Com:443":   true,
		"a.b.corp.example":       true,
		"corp.example":           false, // "*." is for subdomains
		"proxy.example:8443":     true,
		"proxy.example:80":       false,
		"evil.example":           false,
		"localhost.evil.example": false,
		"dash.example.com.evil":  false,
		"":                       false,
	} {
		if got := p.allows(host); got != want {
			t.Errorf("allows(%q) = %v, want %v", host, got, want)
		}
	}
	if !newHostPolicy(ServerConfig{AllowedHosts: []string{"*"}}).allows("anything.example") {
		t.Errorf(`"*" does not allow every host`)
	}
}

// TestAbuseDNSRebinding requests the page, the WebSocket and an upload
// with a foreign Host, as a page that rebound its own domain to 127.0.0.1
// would: all are refused with 421, and the log says, once, how to allow a
// proxy's host.
func TestAbuseDNSRebinding(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) { ui.Text("secret") }, Logger(slog.New(logs)))
	for range 3 {
		req, _ := http.NewRequest("GET", hs.URL+"/", nil)
		req.Host = "evil.example"
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("page for Host evil.example = %d, want 421", resp.StatusCode)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, wsURL(hs), &websocket.DialOptions{Host: "evil.example:80"})
	if err == nil || resp == nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("WebSocket for Host evil.example: err %v, response %v; want 421", err, resp)
	}
	if n := logs.count("dash: refused a request for a host this server does not serve (DNS rebinding protection); " +
		"if a reverse proxy forwards this name, allow it with --server.allowed-hosts (env DASH_SERVER_ALLOWED_HOSTS, dash.toml [server] allowed_hosts)"); n != 2 {
		t.Errorf("%d log lines for two refused hosts, want 2 (one per host)", n)
	}
	// The health check answers any host; the app itself still works.
	req, _ := http.NewRequest("GET", hs.URL+pathHealth, nil)
	req.Host = "10-0-0-7.pods.cluster.local"
	if resp, err := hs.Client().Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("health check with a pod's name: %v %v", resp, err)
	}
	dial(t, hs, "", "/").waitText("secret")

	// An allowed host is served.
	hs2, _ := startPage(t, func(ui *UI) { ui.Text("ok") }, AllowedHosts("dash.example.com"))
	req, _ = http.NewRequest("GET", hs2.URL+"/", nil)
	req.Host = "dash.example.com"
	if resp, err := hs2.Client().Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("page for an allowed host: %v %v", resp, err)
	}
}

// helloAs opens a WebSocket as the client xff names (through a trusted
// proxy), says hello and returns the connection with the first message's
// type, or with the close error when the server refused the session.
func helloAs(t *testing.T, hs *httptest.Server, xff, session string) (*websocket.Conn, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, wsURL(hs), &websocket.DialOptions{HTTPHeader: http.Header{"X-Forwarded-For": {xff}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	hello, _ := json.Marshal(map[string]string{"type": "hello", "session": session, "page": "/"})
	if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
		t.Fatalf("hello: %v", err)
	}
	_, b, err := ws.Read(ctx)
	if err != nil {
		return ws, "", err
	}
	var m struct{ Type, Session string }
	json.Unmarshal(b, &m)
	return ws, m.Session, nil
}

// TestAbuseOneClientCannotLockOthersOut has one client open sessions until
// it is refused: it gets 1013 with a "server busy, retry in N s" reason the
// page shows, while another client still gets a session; a client making
// room loses its own oldest disconnected session, not someone else's.
func TestAbuseOneClientCannotLockOthersOut(t *testing.T) {
	logs := newLogCounter()
	hs, srv := startPage(t, func(ui *UI) { ui.Text("x") }, Logger(slog.New(logs)),
		MaxSessions(10), MaxSessionsPerClient(3), TrustedProxies("127.0.0.1", "::1"))
	const attacker, honest = "203.0.113.9", "198.51.100.7"
	honestWS, honestID, err := helloAs(t, hs, honest, "")
	if err != nil {
		t.Fatal(err)
	}
	honestWS.Close(websocket.StatusNormalClosure, "") // detached, within its TTL
	var held []*websocket.Conn
	for range 3 {
		ws, _, err := helloAs(t, hs, attacker, "")
		if err != nil {
			t.Fatalf("session within the client's limit refused: %v", err)
		}
		held = append(held, ws)
	}
	for range 5 {
		_, _, err := helloAs(t, hs, attacker, "")
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.StatusTryAgainLater || !strings.HasPrefix(ce.Reason, "server busy, retry in ") {
			t.Fatalf("a session beyond the client's limit: %v, want 1013 with a retry time", err)
		}
	}
	if n := logs.count("dash: refusing a session: the client holds too many (server.max-sessions-per-client); " +
		"if every client reaches dash through one reverse proxy, list it in server.trusted-proxies so that clients are told apart"); n != 1 {
		t.Errorf("%d warnings for five refusals of one client, want 1", n)
	}
	// Another client is served, and the honest detached session survived.
	if _, id, err := helloAs(t, hs, honest, honestID); err != nil || id != honestID {
		t.Errorf("the honest client's session: %q, %v; want it resumed", id, err)
	}
	// The attacker makes room by leaving one session: its next session
	// evicts that one, its own.
	held[0].Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the session to detach", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		for _, s := range srv.sessions {
			if s.client == attacker && s.isDetached() {
				return true
			}
		}
		return false
	})
	if _, _, err := helloAs(t, hs, attacker, ""); err != nil {
		t.Errorf("a session after leaving one: %v", err)
	}
	if n := srv.sessionCount(); n != 4 {
		t.Errorf("%d sessions, want 4 (three of the attacker, one honest)", n)
	}
}

// TestForwardedForIgnoredWithoutTrustedProxies spoofs X-Forwarded-For from
// a peer that is not a trusted proxy: the header is ignored, so a client
// cannot escape its limit by naming other addresses.
func TestForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, MaxSessionsPerClient(2))
	for i := range 2 {
		if _, _, err := helloAs(t, hs, fmt.Sprintf("192.0.2.%d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := helloAs(t, hs, "192.0.2.99", "")
	if websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
		t.Errorf("a third session with a spoofed X-Forwarded-For: %v, want 1013", err)
	}
}

func TestClientKey(t *testing.T) {
	proxies := newProxySet([]string{"10.0.0.0/8", "::1"})
	for _, tc := range []struct{ remote, xff, want string }{
		{"192.0.2.1:5000", "", "192.0.2.1"},
		{"192.0.2.1:5000", "198.51.100.1", "192.0.2.1"},                      // not a proxy: header ignored
		{"10.0.0.5:5000", "198.51.100.1", "198.51.100.1"},                    // trusted proxy
		{"10.0.0.5:5000", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"}, // rightmost untrusted
		{"10.0.0.5:5000", "garbage, 198.51.100.1", "198.51.100.1"},
		{"10.0.0.5:5000", "198.51.100.1, garbage", "10.0.0.5"}, // a garbled hop: stop
		{"10.0.0.5:5000", "", "10.0.0.5"},
		{"[::1]:5000", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"}, // IPv6 by /64
		{"[2001:db8::1]:5000", "", "2001:db8::/64"},
		{"[::ffff:192.0.2.7]:5000", "", "192.0.2.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientKey(r, proxies); got != tc.want {
			t.Errorf("clientKey(%s, XFF %q) = %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}

// TestAbuseEarlierHardening replays the attacks the server already held
// against, so that they keep holding: each subtest is one attack.
func TestAbuseEarlierHardening(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {
		ui.FileUploader("f")
		note := ui.TextInput("note", "")
		ui.Markdown(note)
		ui.Text("note=" + note)
	})
	owner := dial(t, hs, "", "/")
	els := owner.waitText("note=")
	upload, note := widgetID(t, els, kindFileUploader, "f"), widgetID(t, els, kindTextInput, "note")

	t.Run("cross-origin WebSocket", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		_, resp, err := websocket.Dial(ctx, wsURL(hs), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("err %v, response %v; want 403", err, resp)
		}
	})
	t.Run("cross-origin upload", func(t *testing.T) {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, pathUpload, owner.welcome.Session, upload), strings.NewReader("x"))
		req.Header.Set("Origin", "https://evil.example")
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("guessed session id", func(t *testing.T) {
		c := dial(t, hs, strings.Repeat("0", 32), "/")
		if c.welcome.Resumed || c.welcome.Session == strings.Repeat("0", 32) {
			t.Errorf("a guessed id was resumed: %+v", c.welcome)
		}
		if code, _ := postFiles(t, hs, &testClient{welcome: welcomeMsg{Session: "0000"}}, upload, [2]string{"a", "b"}); code != http.StatusNotFound {
			t.Errorf("upload to a guessed session = %d, want 404", code)
		}
	})
	t.Run("oversized message", func(t *testing.T) {
		c := dial(t, hs, "", "/")
		c.waitText("note=")
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		c.ws.Write(ctx, websocket.MessageText, []byte(`{"type":"set","value":"`+strings.Repeat("x", 2<<20)+`"}`))
		if got := readUntilClosed(t, c.ws, testTimeout); got != websocket.StatusMessageTooBig {
			t.Errorf("close status %v, want 1009", got)
		}
	})
	t.Run("markup in Markdown", func(t *testing.T) {
		owner.set(note, `<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))`)
		els := owner.waitText(`note=<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))`)
		html := find(els, kindMarkdown)[0].props["html"].(string)
		if strings.Contains(html, "<script") || strings.Contains(html, "<img") || strings.Contains(html, "<a ") {
			t.Errorf("markup reached the page: %s", html)
		}
	})
	// The process is alive and the first session still works.
	owner.set(note, "still here")
	owner.waitText("note=still here")
	if srv.sessionCount() < 1 {
		t.Errorf("the owner's session is gone")
	}
}

// TestAbuseSilentClientsDoNotHoldShutdown opens connections that never say
// hello and shuts down: they are closed with 1001 at once instead of
// holding shutdown until their hello timeout (as long as shutdown's own
// bound).
func TestAbuseSilentClientsDoNotHoldShutdown(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {})
	var silent []*websocket.Conn
	for range 10 {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		defer ws.CloseNow()
		silent = append(silent, ws)
	}
	// The silent clients read, as a browser does, so they answer the
	// server's close frame.
	codes := make(chan websocket.StatusCode, len(silent))
	for _, ws := range silent {
		go func() {
			_, _, err := ws.Read(context.Background())
			codes <- websocket.CloseStatus(err)
		}()
	}
	// Shutdown must finish well before the 10 s hello timeout would end
	// the silent connections.
	ctx, cancel := context.WithTimeout(context.Background(), helloTimeout/2)
	defer cancel()
	if err := srv.shutdown(ctx); err != nil {
		t.Fatalf("shutdown with silent clients: %v", err)
	}
	for range silent {
		if code := <-codes; code != websocket.StatusGoingAway {
			t.Errorf("a silent client was closed with %v, want 1001", code)
		}
	}
}

// TestAbuseSilentConnectionFlood opens WebSocket connections that never
// say hello: beyond maxPendingHellos of one client the handshake is refused
// with 429, another client still connects, and the log gets one line.
func TestAbuseSilentConnectionFlood(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, Logger(slog.New(logs)), TrustedProxies("127.0.0.1", "::1"))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	as := func(client string) *websocket.DialOptions {
		return &websocket.DialOptions{HTTPHeader: http.Header{"X-Forwarded-For": {client}}}
	}
	for range maxPendingHellos {
		ws, _, err := websocket.Dial(ctx, wsURL(hs), as("203.0.113.9"))
		if err != nil {
			t.Fatalf("a connection within the limit: %v", err)
		}
		defer ws.CloseNow()
	}
	for range 3 {
		_, resp, err := websocket.Dial(ctx, wsURL(hs), as("203.0.113.9"))
		if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a silent connection beyond the limit: %v %v, want 429", err, resp)
		}
	}
	if n := logs.count("dash: refusing WebSocket connections of a client with too many waiting for their hello"); n != 1 {
		t.Errorf("%d warnings, want 1", n)
	}
	if _, _, err := helloAs(t, hs, "198.51.100.7", ""); err != nil {
		t.Errorf("another client: %v", err)
	}
}

// TestAbuseBadHellosLogOnce sends garbage instead of a hello on many
// connections: each is closed with 1008, and the log gets one line per
// client a minute.
func TestAbuseBadHellosLogOnce(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) {}, Logger(slog.New(logs)))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for range 20 {
		ws, _, err := websocket.Dial(ctx, wsURL(hs), nil)
		if err != nil {
			t.Fatal(err)
		}
		ws.Write(ctx, websocket.MessageText, []byte(`{"type":"`+strings.Repeat("x", 10_000)))
		if got := readUntilClosed(t, ws, testTimeout); got != websocket.StatusPolicyViolation {
			t.Errorf("close status %v, want 1008", got)
		}
	}
	if n := logs.count("dash: websocket without a valid hello (one line per client a minute)"); n != 1 {
		t.Errorf("%d log lines for 20 bad hellos of one client, want 1", n)
	}
}

// TestAbuseOversizedMessagesLogOnce sends an oversized message on each of
// several connections: each is closed with 1009, and the log says so once.
func TestAbuseOversizedMessagesLogOnce(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, Logger(slog.New(logs)))
	for range 3 {
		c := dial(t, hs, "", "/")
		c.waitText("x")
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		c.ws.Write(ctx, websocket.MessageText, []byte(`{"type":"rerun","page":"`+strings.Repeat("x", 2<<20)+`"}`))
		cancel()
		if got := readUntilClosed(t, c.ws, testTimeout); got != websocket.StatusMessageTooBig {
			t.Errorf("close status %v, want 1009", got)
		}
	}
	waitFor(t, "the warning", func() bool {
		return logs.count("dash: closed a connection whose message exceeded the size limit (one line a minute)") == 1
	})
	time.Sleep(50 * time.Millisecond) // the other connections' lines, were they logged, would be in by now
	if n := logs.count("dash: closed a connection whose message exceeded the size limit (one line a minute)"); n != 1 {
		t.Errorf("%d warnings for three oversized messages, want 1", n)
	}
}

// TestAbuseReplacedUploadsCount uploads a spooled file to one widget again
// and again. The files it replaces stay open until they are garbage (the
// app may still read them), so they count toward the session's cap: an
// honest session that drops them gets every replacement, the collector
// reclaiming them, while a session whose app keeps every file is refused
// at the cap instead of filling the disk.
func TestAbuseReplacedUploadsCount(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	const size, limit = uploadMemoryLimit + 1, 3 * (uploadMemoryLimit + 1)
	var kept []*UploadedFile
	var keptMu sync.Mutex
	hs, srv := startPage(t, func(ui *UI) {
		fs := ui.FileUploader("keep")
		keptMu.Lock()
		kept = append(kept, fs...)
		keptMu.Unlock()
		ui.Text(fmt.Sprintf("drop=%d keep=%d", len(ui.FileUploader("drop")), len(fs)))
	}, MaxSessionUploads(limit))
	big := strings.Repeat("b", size)

	c := dial(t, hs, "", "/")
	els := c.waitText("drop=0 keep=0")
	drop, keep := widgetID(t, els, kindFileUploader, "drop"), widgetID(t, els, kindFileUploader, "keep")
	for i := range 12 {
		if code, msg := postFiles(t, hs, c, drop, [2]string{fmt.Sprintf("f%d.bin", i), big}); code != http.StatusNoContent {
			t.Fatalf("replacement %d of a dropped file = %d %s, want every one accepted", i, code, msg)
		}
	}
	srv.mu.Lock()
	s := srv.sessions[c.welcome.Session]
	srv.mu.Unlock()
	if held, _ := s.sessionUploadBytes(""); held > limit {
		t.Errorf("the session holds %d bytes of uploads, more than its cap of %d", held, limit)
	}

	d := dial(t, hs, "", "/")
	d.waitText("drop=0 keep=0")
	refused := false
	for i := range 12 {
		code, msg := postFiles(t, hs, d, keep, [2]string{fmt.Sprintf("k%d.bin", i), big})
		if code == http.StatusRequestEntityTooLarge && strings.Contains(msg, "this session's uploads") {
			refused = true
			break
		}
		if code != http.StatusNoContent {
			t.Fatalf("upload %d = %d %s", i, code, msg)
		}
		d.waitText("drop=0 keep=1")
	}
	if !refused {
		t.Errorf("twelve files of %d bytes kept by the app, under a cap of %d: none refused", size, limit)
	}
	keptMu.Lock()
	if n := len(kept); n == 0 {
		t.Errorf("the app kept no file")
	}
	keptMu.Unlock()
}

// TestAbuseSlowBodies sends request bodies one byte at a time to handlers
// that do not read them (a page, an upload to an unknown session, the
// health check): net/http drains such a body before answering, and the
// connection is cut once the body deadline passes instead of being held
// for as long as the client trickles.
func TestAbuseSlowBodies(t *testing.T) {
	hs, _ := startServer(t, NewApp().Page("/", "Home", func(ui *UI) { ui.Text("x") }),
		func(s *server) { s.bodyTimeout = 300 * time.Millisecond })
	host := strings.TrimPrefix(hs.URL, "http://")
	for _, target := range []string{"/", pathUpload + "?session=nope&widget=w", pathHealth} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 200000\r\n\r\nx", target, host)
		done := make(chan error, 1)
		go func() {
			// Trickle a byte every 100 ms until the server hangs up.
			for range 200 {
				time.Sleep(100 * time.Millisecond)
				if _, err := conn.Write([]byte("x")); err != nil {
					done <- nil
					return
				}
			}
			done <- errors.New("still open after 20 s of trickling")
		}()
		conn.SetReadDeadline(time.Now().Add(testTimeout))
		_, rerr := io.Copy(io.Discard, conn) // ends when the server closes
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("POST %s: %v", target, err)
			}
		case <-time.After(testTimeout):
			t.Errorf("POST %s: the trickling body was still accepted after %v (read: %v)", target, testTimeout, rerr)
		}
	}
}

// TestAbuseDownloadNeverRead asks for a large download and never reads
// it: once a write has waited longer than the idle bound the server gives
// up, instead of holding the handler, its connection and shutdown.
func TestAbuseDownloadNeverRead(t *testing.T) {
	payload := bytes.Repeat([]byte("d"), 32<<20)
	hs, _ := startServer(t, NewApp().Page("/", "Home", func(ui *UI) {
		ui.DownloadButton("Export", payload, "big.bin", "application/octet-stream")
		ui.Text("ready")
	}), func(s *server) { s.uploadGrace, s.writeIdle = 200*time.Millisecond, 300*time.Millisecond })
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("ready"), kindDownloadButton, "Export")
	host := strings.TrimPrefix(hs.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s?session=%s&widget=%s HTTP/1.1\r\nHost: %s\r\n\r\n", pathDownload, c.welcome.Session, id, host)
	time.Sleep(2 * time.Second) // not reading: the server's writes block, then time out
	// What is left is in the kernel's buffers, a few MiB: read it for a
	// while (the connection may stay open). Had the server kept writing,
	// the whole payload would come in well within that time.
	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, _ := io.Copy(io.Discard, conn)
	if n >= int64(len(payload)) {
		t.Errorf("read %d bytes: the whole download waited for a client that did not read", n)
	}
}

// TestAbuseReconnectsDuringStuckRun resumes a session again and again
// while its run is blocked in something that ignores ui.Context(): each
// connection's runner waits for the run, and gives up when its connection
// ends, so goroutines do not pile up until the run returns.
func TestAbuseReconnectsDuringStuckRun(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{}, 1)
	hs, _ := startPage(t, func(ui *UI) {
		ui.Text("x")
		if ui.Button("block") {
			select {
			case started <- struct{}{}:
			default:
			}
			<-release // ignores ui.Context()
		}
	})
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("x"), kindButton, "block")
	c.click(id)
	<-started
	session := c.welcome.Session
	c.close()
	base := runtime.NumGoroutine()
	for range 100 {
		r := dial(t, hs, session, "/")
		r.send(map[string]any{"type": "rerun"})
		r.close()
	}
	waitFor(t, "the runners of closed connections to end", func() bool {
		return runtime.NumGoroutine() < base+20
	})
}

// TestAbuseUploadDiskBudget fills the process's disk budget for spooled
// uploads from several sessions, each within its own cap: the upload
// beyond the budget is refused with 507, and once a session ends its
// files give the budget back.
func TestAbuseUploadDiskBudget(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	const size = uploadMemoryLimit + 1 // spooled
	// Earlier tests' files come back when they are garbage.
	for range 20 {
		runtime.GC()
		if uploadDisk.Load() == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	base := uploadDisk.Load()
	hs, srv := startPage(t, func(ui *UI) {
		ui.Text(fmt.Sprintf("%d files", len(ui.FileUploader("f"))))
	}, MaxUploadMemory(0), MaxUploadDisk(base+2*size+size/2), SessionTTL(50*time.Millisecond))
	big := strings.Repeat("b", size)
	var clients []*testClient
	for i := range 3 {
		c := dial(t, hs, "", "/")
		id := widgetID(t, c.waitText("0 files"), kindFileUploader, "f")
		code, msg := postFiles(t, hs, c, id, [2]string{"f.bin", big})
		switch {
		case i < 2 && code != http.StatusNoContent:
			t.Fatalf("upload %d within the disk budget = %d %s", i, code, msg)
		case i == 2 && (code != http.StatusInsufficientStorage || !strings.Contains(msg, "try again later")):
			t.Errorf("upload beyond the disk budget = %d %q, want 507", code, msg)
		}
		clients = append(clients, c)
	}
	if held := uploadDisk.Load() - base; held != 2*size {
		t.Errorf("the process holds %d bytes of spooled uploads, want %d", held, 2*size)
	}
	for _, c := range clients {
		c.close()
	}
	waitFor(t, "the sessions to expire", func() bool { return srv.sessionCount() == 0 })
	if held := uploadDisk.Load() - base; held != 0 {
		t.Errorf("the disk budget still holds %d bytes of expired sessions", held)
	}
}

// TestAbuseRejectionsAcrossConnections opens connection after connection,
// each sending one bad message: the client's rejections are logged on one
// connection a minute, not once per connection.
func TestAbuseRejectionsAcrossConnections(t *testing.T) {
	logs := newLogCounter()
	hs, _ := startPage(t, func(ui *UI) { ui.Text("x") }, Logger(slog.New(logs)))
	for range 20 {
		c := dial(t, hs, "", "/")
		c.waitText("x")
		c.set("nope", 1)
		if msg := c.expectError(); msg == "" {
			t.Fatal("a bad message got no error")
		}
		c.close()
	}
	if n := logs.count("dash: rejected client message"); n != 1 {
		t.Errorf("%d rejections logged for twenty connections of one client, one bad message each; want 1", n)
	}
}
