package dash

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The hand-written render encoder must produce what encoding/json would
// for the documented message shape.
func TestFrameEncoderMatchesEncodingJSON(t *testing.T) {
	props := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f1 := &frame{seq: 7, page: "/sales \"q\"\n<ü>", main: []*node{
		{id: "main/0", kind: kindTitle, props: props(textProps{"Sales"})},
		{id: "k:\u2603\"key\\", kind: kindSlider, props: props(map[string]any{"label": "ü", "value": 3})},
		{id: "main/2", kind: kindColumns, props: props(nil), children: []*node{
			{id: "main/2/0", kind: kindColumn, props: props(columnProps{0.5}), children: []*node{
				{id: "main/2/0/0", kind: kindText, props: props(textProps{"a\tb"})},
			}},
		}},
	}, sidebar: nil}
	// The second frame changes one text: only its props are sent again.
	f2 := &frame{seq: 8, page: f1.page, running: true, main: []*node{
		f1.main[0], f1.main[1],
		{id: "main/2", kind: kindColumns, props: f1.main[2].props, children: []*node{
			{id: "main/2/0", kind: kindColumn, props: f1.main[2].children[0].props, children: []*node{
				{id: "main/2/0/0", kind: kindText, props: props(textProps{"changed"})},
			}},
		}},
	}}
	var enc frameEncoder
	wire := func(nodes []*node, sent map[string]bool) []*wireNode {
		var rec func([]*node) []*wireNode
		rec = func(ns []*node) []*wireNode {
			out := []*wireNode{}
			for _, n := range ns {
				w := &wireNode{ID: n.id, Kind: n.kind}
				if !sent[n.id] {
					w.Props = n.props
				}
				if len(n.children) > 0 {
					w.Children = rec(n.children)
				}
				out = append(out, w)
			}
			return out
		}
		return rec(nodes)
	}
	for i, f := range []*frame{f1, f2} {
		sent := map[string]bool{}
		if i == 1 {
			for _, id := range []string{"main/0", "k:\u2603\"key\\", "main/2", "main/2/0"} {
				sent[id] = true
			}
		}
		ref, err := json.Marshal(renderMsg{Type: msgRender, Seq: f.seq, Page: f.page, Running: f.running,
			Main: wire(f.main, sent), Sidebar: wire(f.sidebar, sent)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := enc.encode(f)
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("frame %d: invalid JSON %s: %v", i, got, err)
		}
		if err := json.Unmarshal(ref, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("frame %d:\n got %s\nwant %s", i, got, ref)
		}
	}
}
