package dash

import (
	"context"
	"fmt"
	"testing"

	"github.com/coder/websocket"
)

// benchApps are the pages the benchmarks rerun: a trivial one, one with a
// hundred elements and one with ten thousand, to see how cost grows with
// the tree.
var benchApps = []struct {
	name string
	fn   func(*UI)
}{
	{"trivial", func(ui *UI) {
		ui.Title("Sales")
		n := ui.Slider("n", 0, 1<<30, 0)
		ui.Text(fmt.Sprint("n=", n))
	}},
	{"100elements", func(ui *UI) {
		ui.Title("Sales")
		n := ui.Slider("n", 0, 1<<30, 0)
		cols := ui.Columns(4)
		for i := 0; i < 96; i++ {
			cols[i%4].Metric(fmt.Sprint("metric ", i), fmt.Sprint(i*n), "")
		}
		ui.Text(fmt.Sprint("n=", n))
	}},
	// 10,000 elements: title, slider, the columns and their 4 columns,
	// 9,992 metrics and the text. Every metric changes with the slider,
	// so every rerun resends every prop.
	{"10000elements", func(ui *UI) {
		ui.Title("Sales")
		n := ui.Slider("n", 0, 1<<30, 0)
		cols := ui.Columns(4)
		for i := 0; i < 9992; i++ {
			cols[i%4].Metric(fmt.Sprint("metric ", i), fmt.Sprint(i*n), "")
		}
		ui.Text(fmt.Sprint("n=", n))
	}},
}

// BenchmarkRerun measures one rerun on the server: run the page function,
// snapshot the tree, publish it, and encode the render message with props
// diffing against the previous frame.
func BenchmarkRerun(b *testing.B) {
	for _, app := range benchApps {
		b.Run(app.name, func(b *testing.B) {
			srv := newServer(Config{Logger: quietLogger(), Server: DefaultConfig().Server},
				[]*page{{path: "/", fn: app.fn}})
			defer srv.cancel()
			s := newSession("bench", srv, "/")
			c := newConn(srv, nil)
			defer c.cancel()
			s.conn = c
			slider := ""
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.mu.Lock()
				if slider != "" {
					s.values[slider] = i // as if the client moved the slider
				}
				s.requestRunLocked()
				s.mu.Unlock()
				if !s.runOnce(c) {
					b.Fatal("no run")
				}
				f := c.takeFrame()
				if _, err := c.enc.encode(f); err != nil {
					b.Fatal(err)
				}
				if slider == "" {
					for id, m := range s.known {
						if m.kind == kindSlider {
							slider = id
						}
					}
				}
			}
		})
	}
}

// BenchmarkRoundTrip measures a WebSocket round trip: the client sends a
// slider value and waits for the final render of the rerun it causes.
func BenchmarkRoundTrip(b *testing.B) {
	for _, app := range benchApps {
		b.Run(app.name, func(b *testing.B) {
			hs, _ := startPage(b, app.fn)
			c := dial(b, hs, "", "/")
			id := widgetID(b, c.waitText("n=0"), kindSlider, "n")
			ctx := context.Background()
			b.ReportAllocs()
			for i := 1; b.Loop(); i++ {
				msg := fmt.Appendf(nil, `{"type":"set","id":%q,"value":%d}`, id, i)
				if err := c.ws.Write(ctx, websocket.MessageText, msg); err != nil {
					b.Fatal(err)
				}
				want := fmt.Sprint("n=", i)
				c.waitText(want)
			}
		})
	}
}
