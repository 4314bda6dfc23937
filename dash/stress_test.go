package dash

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestStressManySessions drives several sessions at once with a random mix
// of every client message, including disconnects and resumes, against an
// app with a form, a fragment and a slow part. It checks the invariants
// that must hold whatever the interleaving: every click on the counter
// button is counted exactly once per session, each session ends showing
// its own last values, and no goroutine outlives its connection.
func TestStressManySessions(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	const sessions, events = 6, 120
	var clicks sync.Map // session id → *atomic.Int32
	hs, srv := startServer(t, NewApp().
		Page("/", "Home", func(ui *UI) {
			n := ui.Slider("n", 0, 1000, 0)
			if ui.Button("inc") {
				counter(&clicks, ui.State()).Add(1)
			}
			ui.Form("f", func(f *UI) {
				f.TextInput("name", "")
				f.SubmitButton("save")
			})
			ui.fragment("frag", func(f *UI) {
				f.Checkbox("c", false)
			})
			if n%7 == 0 { // sometimes slow, so runs get superseded
				select {
				case <-time.After(time.Millisecond):
				case <-ui.Context().Done():
				}
			}
			ui.Text(fmt.Sprintf("n=%d clicks=%d", n, counter(&clicks, ui.State()).Load()))
		}).
		Page("/other", "Other", func(ui *UI) { ui.Text("other") }),
		func(srv *server) { srv.flushInterval = time.Millisecond })

	// Warm up the HTTP machinery so its goroutines are in the baseline.
	w := dial(t, hs, "", "/")
	w.waitText("n=0 clicks=0")
	w.close()
	waitFor(t, "the warm-up connection to end", func() bool { return srv.connCount() == 0 })
	base := runtime.NumGoroutine()

	var wg sync.WaitGroup
	for i := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			c := dial(t, hs, "", "/")
			id := c.welcome.Session
			els := c.waitText("n=0 clicks=0")
			sentClicks, last := 0, 0
			ids := func() (slider, button, text, submit, box string) {
				return widgetID(t, els, kindSlider, "n"), widgetID(t, els, kindButton, "inc"),
					widgetID(t, els, kindTextInput, "name"), widgetID(t, els, kindSubmit, "save"),
					widgetID(t, els, kindCheckbox, "c")
			}
			slider, button, text, submit, box := ids()
			for e := 0; e < events; e++ {
				switch k := rng.IntN(20); {
				case k < 8:
					last = rng.IntN(1000) + 1
					c.set(slider, last)
				case k < 12:
					c.click(button)
					sentClicks++
				case k < 14:
					c.set(text, fmt.Sprint("v", e))
				case k < 15:
					c.send(map[string]any{"type": "submit", "form": "f:f", "id": submit, "values": map[string]any{text: "x"}})
				case k < 17:
					c.set(box, rng.IntN(2) == 0)
				case k < 18:
					c.send(map[string]any{"type": "rerun", "fragment": "g:frag"})
				case k < 19:
					c.send(map[string]any{"type": "rerun"})
				default:
					// Drop the connection and resume the session.
					c.close()
					c = dial(t, hs, id, "/")
					if !c.welcome.Resumed {
						t.Errorf("session %d was not resumed", i)
						return
					}
				}
			}
			if last == 0 {
				last = 1
				c.set(slider, last)
			}
			want := fmt.Sprintf("n=%d clicks=%d", last, sentClicks)
			deadline := time.Now().Add(testTimeout)
			for time.Now().Before(deadline) {
				c.send(map[string]any{"type": "rerun"})
				m, err := c.tryRead(time.Second)
				if err != nil {
					continue
				}
				if m["type"] == msgRender {
					if es, r := c.apply(m["raw"].(json.RawMessage)); !r.Running && hasText(es, want) {
						c.close()
						return
					}
				}
			}
			t.Errorf("session %d never showed %q; last render: %s", i, want, dump(c.last))
		}()
	}
	wg.Wait()
	waitFor(t, "goroutines back to the baseline", func() bool {
		return srv.connCount() == 0 && runtime.NumGoroutine() <= base
	})
}

func counter(m *sync.Map, st *State) *atomic.Int32 {
	key := fmt.Sprintf("%p", st) // one counter per session's state
	v, _ := m.LoadOrStore(key, new(atomic.Int32))
	return v.(*atomic.Int32)
}
