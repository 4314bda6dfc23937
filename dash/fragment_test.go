package dash

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

func TestFragmentRerunsOnlyItself(t *testing.T) {
	var pageRuns, fragRuns, clicks atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		pageRuns.Add(1)
		outer := ui.Slider("x", 0, 10, 0)
		ui.Text(fmt.Sprintf("outer=%d", outer))
		ui.fragment("f", func(f *UI) {
			fragRuns.Add(1)
			inner := f.Slider("x", 0, 10, 0) // same label as outside: a distinct widget
			if f.Button("click") {
				clicks.Add(1)
			}
			f.Text(fmt.Sprintf("inner=%d seen-outer=%d", inner, outer))
		})
		ui.Text("after")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("inner=0 seen-outer=0")
	sliders := find(els, kindSlider)
	if len(sliders) != 2 || sliders[0].id == sliders[1].id {
		t.Fatalf("want two distinct sliders: %s", dump(els))
	}
	outer, inner := sliders[0].id, sliders[1].id
	frag := find(els, kindFragment)
	if len(frag) != 1 || frag[0].id != "g:f" {
		t.Fatalf("fragment container: %s", dump(els))
	}

	pages, frags := pageRuns.Load(), fragRuns.Load()
	c.set(inner, 5)
	els = c.waitText("inner=5 seen-outer=0")
	if !hasText(els, "outer=0") || !hasText(els, "after") {
		t.Errorf("the fragment's output was not spliced into the page: %s", dump(els))
	}
	if pageRuns.Load() != pages || fragRuns.Load() != frags+1 {
		t.Errorf("page runs %d→%d, fragment runs %d→%d: want only the fragment rerun",
			pages, pageRuns.Load(), frags, fragRuns.Load())
	}

	c.click(widgetID(t, els, kindButton, "click"))
	c.waitText("inner=5 seen-outer=0")
	if clicks.Load() != 1 || pageRuns.Load() != pages {
		t.Errorf("a click in the fragment: clicks %d, page runs %d→%d", clicks.Load(), pages, pageRuns.Load())
	}

	c.set(outer, 3) // outside the fragment: the whole page reruns
	c.waitText("inner=5 seen-outer=3")
	if pageRuns.Load() != pages+1 {
		t.Errorf("page runs %d→%d after a change outside the fragment, want one more", pages, pageRuns.Load())
	}

	frags = fragRuns.Load()
	c.send(map[string]any{"type": "rerun", "fragment": "g:f"})
	c.waitText("inner=5 seen-outer=3")
	if fragRuns.Load() != frags+1 {
		t.Errorf("rerun of the fragment: fragment runs %d→%d", frags, fragRuns.Load())
	}
	c.send(map[string]any{"type": "rerun", "fragment": "g:nope"})
	if msg := c.expectError(); !strings.Contains(msg, "no fragment") {
		t.Errorf("rerun of an unknown fragment: error %q", msg)
	}
}

func TestFragmentErrors(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.fragment("a", func(*UI) {})
		ui.fragment("a", func(*UI) {})
		ui.Form("form", func(f *UI) {
			f.fragment("in-form", func(*UI) {})
			f.SubmitButton("ok")
		})
		ui.fragment("panics", func(f *UI) {
			f.Text("inside")
			if f.Button("boom") {
				panic("fragment failure")
			}
		})
		ui.Text("end")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("end")
	var alerts []string
	for _, a := range find(els, kindAlert) {
		alerts = append(alerts, a.props["text"].(string))
	}
	if all := strings.Join(alerts, "\n"); !strings.Contains(all, `Duplicate fragment key "a"`) || !strings.Contains(all, "inside a form") {
		t.Errorf("alerts: %q", all)
	}
	c.click(widgetID(t, els, kindButton, "boom"))
	els = c.waitRender("the fragment's exception", func(els []element) bool { return len(find(els, kindException)) == 1 })
	ex := find(els, kindException)[0]
	if !strings.HasPrefix(ex.id, "g:panics/") || !hasText(els, "end") {
		t.Errorf("the exception belongs inside the fragment, the rest of the page stays: %s", dump(els))
	}
}

func TestSplice(t *testing.T) {
	leaf := &node{id: "g:f", kind: kindFragment}
	tree := []*node{{id: "main/0"}, {id: "main/1", children: []*node{{id: "main/1/0", children: []*node{leaf}}}}}
	repl := []*node{{id: "g:f/0", kind: kindText}}
	out, ok := splice(tree, "g:f", repl)
	if !ok || out[1].children[0].children[0].children[0].id != "g:f/0" {
		t.Fatalf("splice did not replace the fragment's children")
	}
	if leaf.children != nil || tree[1].children[0].children[0] != leaf {
		t.Error("splice changed the original tree")
	}
	if out[0] != tree[0] {
		t.Error("splice copied a subtree off the path")
	}
	if _, ok := splice(tree, "g:none", repl); ok {
		t.Error("splice found a missing fragment")
	}
}
