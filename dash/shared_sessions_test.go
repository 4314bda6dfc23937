package dash

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/internal/redistest"
)

type sharedVisit struct {
	Page  string
	At    time.Time
	Marks []int
}

func init() { RegisterStateType[sharedVisit]() }

// counterApp keeps a click count and a registered struct in State and has
// a slider, so that a resumed session shows whether state and widget
// values came along.
func counterApp(ui *UI) {
	n := ui.Slider("n", 0, 10, 0)
	count := ValueOr(ui.State(), "count", 0)
	if ui.Button("inc") {
		count++
		ui.State().Set("count", count)
		v := ValueOr(ui.State(), "visit", sharedVisit{Page: "home", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
		v.Marks = append(v.Marks, count)
		ui.State().Set("visit", v)
	}
	v, _ := Value[sharedVisit](ui.State(), "visit")
	ui.Text(fmt.Sprintf("n=%d count=%d marks=%v", n, count, v.Marks))
}

// A session resumes on another replica, and on the first one again after
// running on the second (the newer snapshot wins over its stale copy).
func TestSharedSessionResumesOnAnotherReplica(t *testing.T) {
	url := redistest.URL(t)
	hsA, _ := startPage(t, counterApp, SharedSessions(openStore(t, url, SharedStoreConfig{})))
	hsB, _ := startPage(t, counterApp, SharedSessions(openStore(t, url, SharedStoreConfig{})))

	a := dial(t, hsA, "", "/")
	els := a.waitText("n=0 count=0 marks=[]")
	a.set(widgetID(t, els, kindSlider, "n"), 7)
	els = a.waitText("n=7 count=0 marks=[]")
	a.click(widgetID(t, els, kindButton, "inc"))
	els = a.waitText("n=7 count=1 marks=[1]")
	a.click(widgetID(t, els, kindButton, "inc"))
	a.waitText("n=7 count=2 marks=[1 2]")
	id := a.welcome.Session
	a.close()

	b := dial(t, hsB, id, "/")
	if !b.welcome.Resumed || b.welcome.Session != id {
		t.Fatalf("replica b: welcome %+v, want the session resumed", b.welcome)
	}
	els = b.waitText("n=7 count=2 marks=[1 2]")
	b.click(widgetID(t, els, kindButton, "inc"))
	b.waitText("n=7 count=3 marks=[1 2 3]")
	b.close()

	back := dial(t, hsA, id, "/")
	back.waitText("n=7 count=3 marks=[1 2 3]")
}

// A replica that restarts (a new server on the same store) resumes its
// sessions.
func TestSharedSessionSurvivesARestart(t *testing.T) {
	url := redistest.URL(t)
	store := openStore(t, url, SharedStoreConfig{})
	hs, srv := startPage(t, counterApp, SharedSessions(store))
	c := dial(t, hs, "", "/")
	c.click(widgetID(t, c.waitText("n=0 count=0 marks=[]"), kindButton, "inc"))
	c.waitText("n=0 count=1 marks=[1]")
	id := c.welcome.Session
	c.close()
	hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	srv.shutdown(ctx)

	hs2, _ := startPage(t, counterApp, SharedSessions(store))
	d := dial(t, hs2, id, "/")
	d.waitText("n=0 count=1 marks=[1]")
}

// Without the option sessions stay in memory, and any value may be Set.
func TestSessionsAreLocalByDefault(t *testing.T) {
	url := redistest.URL(t)
	SetSharedStore(openStore(t, url, SharedStoreConfig{}))
	t.Cleanup(func() { SetSharedStore(nil) })
	app := func(ui *UI) {
		ui.State().Set("anything", map[string]any{"ch": 1})
		ui.Text("ok")
	}
	hsA, _ := startPage(t, app)
	hsB, _ := startPage(t, app)
	a := dial(t, hsA, "", "/")
	a.waitText("ok")
	id := a.welcome.Session
	a.close()
	if b := dial(t, hsB, id, "/"); b.welcome.Resumed || b.welcome.Session == id {
		t.Fatalf("a session resumed on another replica without shared sessions: %+v", b.welcome)
	}
}

// A value shared sessions cannot keep is an error at Set, shown by the
// run, not a silent loss on the next replica.
func TestSharedSessionSetRefusesWhatItCannotStore(t *testing.T) {
	url := redistest.URL(t)
	type unregistered struct{ N int }
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"unregistered type", unregistered{1}, `State.Set("x"): values of type dash.unregistered cannot be stored in shared sessions until registered: call dash.RegisterStateType[dash.unregistered]()`},
		{"type the shared rule refuses", map[string]any{"k": 1}, `State.Set("x"): values of type map[string]interface {} cannot be stored in shared sessions: map[string]any[k]: any: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, _ := startPage(t, func(ui *UI) {
				if ui.Button("set") {
					ui.State().Set("x", tc.v)
				}
				ui.Text("page")
			}, SharedSessions(openStore(t, url, SharedStoreConfig{})))
			c := dial(t, hs, "", "/")
			c.click(widgetID(t, c.waitText("page"), kindButton, "set"))
			els := c.waitRender("an exception", func(els []element) bool { return len(find(els, kindException)) == 1 })
			if msg := find(els, kindException)[0].props["message"].(string); !strings.Contains(msg, tc.want) {
				t.Fatalf("exception %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestRegisterStateTypeRefusesWithThePath(t *testing.T) {
	type withAny struct{ Extra []any }
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, "withAny.Extra[i]: any") {
			t.Fatalf("panic %q, want the path withAny.Extra[i]", msg)
		}
	}()
	RegisterStateType[withAny]()
}

func TestSessionSnapshotRejectsDamage(t *testing.T) {
	sn := sessionSnapshot{seq: 3, page: "/", state: map[string]any{"a": 1, "b": "x", "v": sharedVisit{Marks: []int{1}}, "nil": nil},
		values: map[string]any{"w": 2.5, "t": []string{"a"}}}
	b := sn.encode()
	got, err := decodeSnapshot(b)
	if err != nil || got.seq != 3 || got.state["a"] != 1 || got.state["v"].(sharedVisit).Marks[0] != 1 || got.values["w"] != 2.5 {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if _, ok := got.state["nil"]; !ok {
		t.Fatal("a nil value was dropped")
	}
	for n := range len(b) {
		if _, err := decodeSnapshot(b[:n]); err == nil {
			t.Fatalf("a snapshot cut to %d of %d bytes was accepted", n, len(b))
		}
	}
}

// Redis down: sessions keep working in memory, and are shared again once
// it is back.
func TestSharedSessionsSurviveRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	cfg := SharedStoreConfig{RetryAfter: 50 * time.Millisecond, Timeout: 200 * time.Millisecond}
	hsA, _ := startPage(t, counterApp, SharedSessions(openStore(t, srv.URL(), cfg)))
	hsB, _ := startPage(t, counterApp, SharedSessions(openStore(t, srv.URL(), cfg)))
	a := dial(t, hsA, "", "/")
	els := a.waitText("n=0 count=0 marks=[]")
	inc := widgetID(t, els, kindButton, "inc")

	srv.Kill()
	a.click(inc)
	a.waitText("n=0 count=1 marks=[1]")
	a.click(inc)
	a.waitText("n=0 count=2 marks=[1 2]")

	srv.Restart() // empty: nothing of the session survived in Redis
	// Runs save again once the store has noticed Redis is back.
	for i := 3; ; i++ {
		a.click(inc)
		a.waitText(fmt.Sprintf("n=0 count=%d", i) + " marks=" + fmt.Sprint(seq(i)))
		b := dial(t, hsB, a.welcome.Session, "/")
		if b.welcome.Resumed {
			b.waitText(fmt.Sprintf("n=0 count=%d", i) + " marks=" + fmt.Sprint(seq(i)))
			return
		}
		b.close()
		if i > 200 {
			t.Fatal("sessions never shared again after Redis came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
