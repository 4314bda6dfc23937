package dash

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestFirstRender(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Title("Sales")
		ui.Markdown("**bold** <script>alert(1)</script>")
		ui.Metric("Revenue", "10", "-2")
		ui.Slider("n", 0, 10, 3)
		ui.Sidebar().Text("in the sidebar")
	})
	c := dial(t, hs, "", "/")
	if c.welcome.Session == "" || c.welcome.Resumed {
		t.Fatalf("welcome = %+v, want a new session", c.welcome)
	}
	els := c.waitText("Sales")
	if got := find(els, kindTitle); len(got) != 1 || got[0].id != "main/0" {
		t.Errorf("title: %s", dump(els))
	}
	md := find(els, kindMarkdown)[0].props["html"].(string)
	if strings.Contains(md, "<script>") || !strings.Contains(md, "<strong>bold</strong>") {
		t.Errorf("markdown html = %q: want strong text and escaped script", md)
	}
	s := find(els, kindSlider)[0]
	if s.props["value"] != 3.0 || s.props["min"] != 0.0 || s.props["max"] != 10.0 {
		t.Errorf("slider props = %v", s.props)
	}
	if !hasText(els, "in the sidebar") {
		t.Errorf("sidebar text missing: %s", dump(els))
	}
}

func TestRerunOnSliderChange(t *testing.T) {
	var runs atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		runs.Add(1)
		ui.Title("static")
		n := ui.Slider("n", 0, 10, 3)
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=3")
	c.set(widgetID(t, els, kindSlider, "n"), 7)
	c.waitText("n=7")
	if got := runs.Load(); got != 2 {
		t.Errorf("runs = %d, want 2 (first load and one rerun)", got)
	}
}

func TestUnchangedPropsAreNotResent(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Title("static title")
		n := ui.Slider("n", 0, 10, 3)
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=3")
	c.set(widgetID(t, els, kindSlider, "n"), 5)
	for {
		m := c.read()
		if m["type"] != msgRender {
			continue
		}
		var r renderMsg
		if err := jsonUnmarshal(m["raw"], &r); err != nil {
			t.Fatal(err)
		}
		if r.Running {
			continue
		}
		if r.Main[0].Props != nil {
			t.Errorf("the unchanged title was resent: %s", r.Main[0].Props)
		}
		if r.Main[2].Props == nil {
			t.Errorf("the changed text came without props")
		}
		return
	}
}

func TestSupersededRunIsCancelled(t *testing.T) {
	blocked := make(chan struct{}, 1)
	cancelled := make(chan struct{}, 1)
	var afterCancel atomic.Bool
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 0)
		if n == 1 {
			blocked <- struct{}{}
			<-ui.Context().Done() // a slow query honouring its context
			cancelled <- struct{}{}
			ui.Text("unreachable") // the next UI call ends the run
			afterCancel.Store(true)
		}
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("n=0"), kindSlider, "n")
	c.set(id, 1)
	// Supersede the run with n=1 only once it is blocked: sent earlier, the
	// second value could coalesce with the first before that run starts.
	select {
	case <-blocked:
	case <-time.After(testTimeout):
		t.Fatal("the run with n=1 never started")
	}
	c.set(id, 2)
	select {
	case <-cancelled:
	case <-time.After(testTimeout):
		t.Fatal("the run with n=1 was never cancelled")
	}
	c.waitText("n=2")
	if afterCancel.Load() {
		t.Error("a UI call after cancellation did not stop the run")
	}
}

func TestClickNeverLostUnderRapidEvents(t *testing.T) {
	var clicks atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 1000, 0)
		if ui.Button("go") {
			clicks.Add(1)
		}
		// Every run takes a little while, so most runs are superseded.
		select {
		case <-time.After(2 * time.Millisecond):
		case <-ui.Context().Done():
		}
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=0")
	slider, button := widgetID(t, els, kindSlider, "n"), widgetID(t, els, kindButton, "go")
	const wantClicks = 5
	for i := 1; i <= 200; i++ {
		c.set(slider, i)
		if i%40 == 0 {
			c.click(button)
		}
	}
	c.waitText("n=200")
	// The last click may still be waiting for its own run.
	deadline := time.Now().Add(testTimeout)
	for clicks.Load() < wantClicks && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	c.send(map[string]any{"type": "rerun"})
	c.waitText("n=200")
	if got := clicks.Load(); got != wantClicks {
		t.Errorf("Button returned true %d times, want %d: one run per click", got, wantClicks)
	}
}

func TestFormBatching(t *testing.T) {
	var runs, submits atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		runs.Add(1)
		var name string
		var age float64
		var sent bool
		ui.Form("profile", func(f *UI) {
			name = f.TextInput("name", "")
			age = f.NumberInput("age", 0)
			sent = f.SubmitButton("Save")
		})
		if sent {
			submits.Add(1)
		}
		ui.Text(fmt.Sprintf("name=%s age=%v sent=%v", name, age, sent))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("name= age=0 sent=false")
	name, age := widgetID(t, els, kindTextInput, "name"), widgetID(t, els, kindNumberInput, "age")
	submit := widgetID(t, els, kindSubmit, "Save")
	before := runs.Load()
	for _, prefix := range []string{"A", "Ad", "Ada"} { // keystrokes
		c.set(name, prefix)
	}
	c.set(age, 36)
	// Nothing may run until the submit. A rerun request that reads the
	// form back shows the values are staged, not applied.
	c.send(map[string]any{"type": "rerun"})
	c.waitText("name= age=0 sent=false")
	if got := runs.Load() - before; got != 1 {
		t.Fatalf("%d runs after the keystrokes and one explicit rerun, want 1", got)
	}
	before = runs.Load()
	c.send(map[string]any{"type": "submit", "form": "f:profile", "id": submit,
		"values": map[string]any{age: 37}})
	c.waitText("name=Ada age=37 sent=true")
	c.send(map[string]any{"type": "rerun"})
	c.waitText("name=Ada age=37 sent=false")
	if got := runs.Load() - before; got != 2 {
		t.Errorf("%d runs for one submit and one rerun, want 2", got)
	}
	if got := submits.Load(); got != 1 {
		t.Errorf("SubmitButton true in %d runs, want 1", got)
	}
}

func TestStateIsolationBetweenSessions(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		count := ValueOr(ui.State(), "count", 0)
		if ui.Button("inc") {
			count++
			ui.State().Set("count", count)
		}
		ui.Text(fmt.Sprintf("count=%d", count))
	})
	a, b := dial(t, hs, "", "/"), dial(t, hs, "", "/")
	if a.welcome.Session == b.welcome.Session {
		t.Fatal("two connections share a session id")
	}
	btn := widgetID(t, a.waitText("count=0"), kindButton, "inc")
	b.waitText("count=0")
	a.click(btn)
	a.waitText("count=1")
	a.click(btn)
	a.waitText("count=2")
	b.send(map[string]any{"type": "rerun"})
	b.waitText("count=0")
}

func TestReconnectWithinTTLResumesState(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 0)
		note, ok := Value[string](ui.State(), "note")
		if !ok {
			note = "none"
		}
		ui.Text(fmt.Sprintf("n=%d note=%v", n, note))
		ui.State().SetDefault("note", "kept")
	})
	c := dial(t, hs, "", "/")
	c.set(widgetID(t, c.waitText("n=0 note=none"), kindSlider, "n"), 4)
	c.waitText("n=4 note=kept")
	id := c.welcome.Session
	c.close()
	c2 := dial(t, hs, id, "/")
	if !c2.welcome.Resumed || c2.welcome.Session != id {
		t.Fatalf("welcome = %+v, want the session resumed", c2.welcome)
	}
	c2.waitText("n=4 note=kept")
	if n := srv.sessionCount(); n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
}

func TestExpiredSessionStartsFresh(t *testing.T) {
	hs, srv := startPage(t, func(ui *UI) {
		note, ok := Value[string](ui.State(), "note")
		if !ok {
			note = "none"
		}
		ui.Text("note=" + note)
		ui.State().SetDefault("note", "kept")
	}, SessionTTL(20*time.Millisecond))
	c := dial(t, hs, "", "/")
	c.waitText("note=none")
	c.send(map[string]any{"type": "rerun"})
	c.waitText("note=kept")
	id := c.welcome.Session
	c.close()
	deadline := time.Now().Add(testTimeout)
	for srv.sessionCount() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := srv.sessionCount(); n != 0 {
		t.Fatalf("%d sessions after the TTL, want 0", n)
	}
	c2 := dial(t, hs, id, "/")
	if c2.welcome.Resumed || c2.welcome.Session == id {
		t.Fatalf("welcome = %+v, want a fresh session", c2.welcome)
	}
	c2.waitText("note=none")
}

func TestAppPanicBecomesException(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Text("before")
		if ui.Button("boom") {
			var m map[string]int
			m["x"] = 1 // assignment to entry in nil map
		}
		ui.Text("after")
	})
	c := dial(t, hs, "", "/")
	c.click(widgetID(t, c.waitText("after"), kindButton, "boom"))
	els := c.waitRender("an exception", func(els []element) bool { return len(find(els, kindException)) == 1 })
	ex := find(els, kindException)[0]
	if msg := ex.props["message"].(string); !strings.Contains(msg, "nil map") {
		t.Errorf("exception message = %q", msg)
	}
	if stack := ex.props["stack"].(string); !strings.Contains(stack, "engine_test.go") || strings.Contains(stack, "run.go") {
		t.Errorf("exception stack should show the app's frames and not the runtime's: %q", stack)
	}
	if !hasText(els, "before") || hasText(els, "after") {
		t.Errorf("want the output up to the panic: %s", dump(els))
	}
	// The session survives: the next run is normal again.
	c.send(map[string]any{"type": "rerun"})
	c.waitText("after")
}
