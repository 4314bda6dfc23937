package dash

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
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

// readRawUntil reads messages until one contains s and returns it.
func readRawUntil(t *testing.T, c *testClient, s string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
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
// quadratic (29 s for one run). A linear parser renders it in
// milliseconds; the bound is generous.
func TestAbuseMarkdownBracketRun(t *testing.T) {
	hs, _ := startPage(t, markdownApp)
	c := dial(t, hs, "", "/")
	els := c.waitText("rendered 0 bytes")
	start := time.Now()
	setRaw(t, c, widgetID(t, els, kindTextArea, "notes"), strings.Repeat("[", 300<<10))
	c.waitText(fmt.Sprintf("rendered %d bytes", 300<<10))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a run over 300 KB of '[' took %v", d)
	}
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
