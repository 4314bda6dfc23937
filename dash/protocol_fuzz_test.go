package dash

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// FuzzClientMessage feeds client messages to the reader's decoder and
// dispatcher, against a session whose widgets span every decoder. The
// seeds are large and structured (deep nesting, long arrays, huge strings),
// so that mutations explore the shapes an attacker sends rather than
// growing them from short strings. Whatever the input: no panic, and every
// value the session accepted is one the widget could have produced.
func FuzzClientMessage(f *testing.F) {
	hs, srv := startPage(f, func(ui *UI) {
		ui.Slider("n", 0, 10, 5)
		ui.SliderRange("r", 0, 100, 10, 20)
		ui.Selectbox("s", []string{"a", "b", "c"})
		ui.MultiSelect("m", []string{"a", "b", "c"}, nil)
		ui.TextInput("t", "")
		ui.Checkbox("c", false)
		ui.DateInput("d", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		ui.Button("b")
		ui.Form("f", func(f *UI) {
			f.Slider("fn", 0, 10, 1)
			f.SubmitButton("go")
		})
	})
	c := dial(f, hs, "", "/")
	c.waitRender("the widgets", func(els []element) bool { return len(find(els, kindSubmit)) == 1 })
	c.close()
	waitFor(f, "the session to detach", func() bool { return srv.sessionCount() == 1 && srv.connCount() == 0 })
	var sess *session
	srv.mu.Lock()
	for _, s := range srv.sessions {
		sess = s
	}
	srv.mu.Unlock()
	ids := map[string]string{}
	sess.mu.Lock()
	for id, m := range sess.known {
		ids[m.kind] = id
	}
	sess.mu.Unlock()
	conn := &conn{srv: srv}

	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	seeds := []string{
		fmt.Sprintf(`{"type":"set","id":%q,"value":7}`, ids[kindSlider]),
		fmt.Sprintf(`{"type":"set","id":%q,"value":null}`, ids[kindSlider]),
		fmt.Sprintf(`{"type":"set","id":%q,"value":%s}`, ids[kindSlider], deep("[", "]", 20_000)),
		fmt.Sprintf(`{"type":"set","id":%q,"value":%s1%s}`, ids[kindMultiSelect], "["+strings.Repeat("0,", 100_000), "]"),
		fmt.Sprintf(`{"type":"set","id":%q,"value":[1e308,-1e308]}`, ids[kindRangeSlider]),
		fmt.Sprintf(`{"type":"set","id":%q,"value":"%s"}`, ids[kindTextInput], strings.Repeat(`\u0000`, 50_000)),
		fmt.Sprintf(`{"type":"set","id":%q,"value":"2026-13-45"}`, ids[kindDateInput]),
		fmt.Sprintf(`{"type":"trigger","id":%q}`, ids[kindButton]),
		fmt.Sprintf(`{"type":"submit","form":"f","id":%q,"values":{%q:3}}`, ids[kindSubmit], ids[kindSlider]),
		`{"type":"submit","form":"f","id":"x","values":{` + strings.Repeat(`"k":1,`, 10_000) + `"k":2}}`,
		`{"type":"navigate","page":"` + strings.Repeat("/", 100_000) + `"}`,
		`{"type":"rerun","fragment":"` + strings.Repeat("f", 1000) + `"}`,
		`{"type":"` + strings.Repeat("x", 200_000) + `"}`,
		deep(`{"a":`, "}", 20_000),
		`{"type":"set","id":"x","value":` + deep(`{"a":`, "}", 5_000) + `}`,
		`[` + strings.Repeat(`{},`, 50_000) + `{}]`,
		"\xff\xfe{\"type\":\"set\"}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conn.handle(sess, websocket.MessageText, data)
		sess.mu.Lock()
		defer sess.mu.Unlock()
		for id, v := range sess.values {
			switch m := sess.known[id]; {
			case m == nil:
				t.Fatalf("a value for the unknown widget %q", id)
			case m.kind == kindSlider:
				if n, ok := v.(int); !ok || n < 0 || n > 10 {
					t.Fatalf("slider value %#v accepted from %.200q", v, data)
				}
			case m.kind == kindRangeSlider:
				if r, ok := v.([2]int); !ok || r[0] < 0 || r[1] > 100 || r[0] > r[1] {
					t.Fatalf("range value %#v accepted from %.200q", v, data)
				}
			case v == nil:
				t.Fatalf("nil value for %s accepted from %.200q", m.kind, data)
			}
		}
	})
}
