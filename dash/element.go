package dash

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/dashvet/dashvet/dash/internal/blobs"
)

// node is one element of the tree a run builds. Its props are marshalled
// once, when the element is emitted: the app cannot change what the client
// sees by mutating a value afterwards, and the connection writer can compare
// props of two runs byte for byte to send only what changed.
type node struct {
	id    string
	kind  string
	props json.RawMessage
	// part is the handle of props when they are a shared frame part (see
	// frame_parts.go): props are then part's bytes, and holding the handle
	// is what keeps one copy for every session that shows them.
	part     *blobs.Blob
	children []*node
}

// Element kinds known to the frontend. Part 2 adds its own kinds in its own
// files; the frontend looks renderers up by these names.
const (
	kindTitle     = "title"
	kindHeader    = "header"
	kindSubheader = "subheader"
	kindMarkdown  = "markdown"
	kindText      = "text"
	kindCaption   = "caption"
	kindMetric    = "metric"
	kindTable     = "table"
	kindAlert     = "alert"
	kindException = "exception"
	kindColumns   = "columns"
	kindColumn    = "column"
	kindForm      = "form"
	kindFragment  = "fragment"

	kindButton      = "button"
	kindCheckbox    = "checkbox"
	kindSlider      = "slider"
	kindSelectbox   = "selectbox"
	kindTextInput   = "text_input"
	kindNumberInput = "number_input"
	kindSubmit      = "submit_button"
)

// Root container ids. Elements below them get ids derived from their
// position ("main/3", "main/2/1/0"); widgets get ids derived from their key
// or kind and label, so they keep their value when unrelated elements appear
// or disappear above them.
const (
	rootMain    = "main"
	rootSidebar = "sidebar"
)

// emit appends an output element of kind to ui's container. It is the one
// door through which every element reaches the tree: element methods in
// other files (part 2: tabs, charts, ...) call it with their own kind and
// props. props must marshal to a JSON object; a value that does not is
// replaced by an error element saying why, so a bad element never ends the
// run.
func (ui *UI) emit(kind string, props any) *node {
	if !ui.enter() {
		return nil
	}
	return ui.addNode("", kind, props)
}

// emitContainer appends a container element and returns a UI that emits
// into it, for layouts such as columns, tabs or expanders.
func (ui *UI) emitContainer(kind string, props any) *UI {
	if !ui.enter() {
		return ui
	}
	n := ui.addNode("", kind, props)
	return ui.child(n)
}

// child returns a UI emitting into container node n of the same run.
func (ui *UI) child(n *node) *UI {
	return &UI{ctx: ui.ctx, state: ui.state, r: ui.r, c: n, form: ui.form, frag: ui.frag}
}

// addNode appends a node with the given id (a positional id when empty).
// The caller has checked ui.enter.
func (ui *UI) addNode(id, kind string, props any) *node {
	raw, err := marshalProps(props)
	if err != nil {
		raw, _ = json.Marshal(alertProps{Level: "error", Text: fmt.Sprintf("%s element: %v", kind, err)})
		kind = kindAlert
		id = ""
	}
	var part *blobs.Blob
	if len(raw) >= minSharedPart {
		part = frameParts.Intern(raw)
		raw = part.Bytes()
	}
	return ui.appendNode(id, kind, raw, part)
}

// appendNode appends a node with props already encoded (and shared when
// part is not nil). The caller has checked ui.enter.
func (ui *UI) appendNode(id, kind string, raw json.RawMessage, part *blobs.Blob) *node {
	r := ui.r
	r.mu.Lock()
	defer r.mu.Unlock()
	parent := ui.c
	if parent.kind == kindEmpty {
		// A placeholder (UI.Empty) shows only what was written last. A new
		// slice, not a truncation: snapshots may share the old one.
		parent.children = nil
	}
	if id == "" {
		id = parent.id + "/" + strconv.Itoa(len(parent.children))
	}
	n := &node{id: id, kind: kind, props: raw, part: part}
	parent.children = append(parent.children, n)
	r.version++
	return n
}

func marshalProps(props any) (json.RawMessage, error) {
	if props == nil {
		return json.RawMessage("{}"), nil
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return nil, fmt.Errorf("encoding props: %w", err)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("props must encode as a JSON object, got %.20s", raw)
	}
	return raw, nil
}

// snapshot copies the subtree below n as it is now. Nodes only ever grow by
// appending children and their props never change, so copying the child
// slices is enough for a consistent view while the run goes on.
func snapshot(nodes []*node) []*node {
	if len(nodes) == 0 {
		return nil
	}
	// One allocation for the siblings' copies instead of one per node: a
	// frame's nodes live and die together.
	copies := make([]node, len(nodes))
	out := make([]*node, len(nodes))
	for i, n := range nodes {
		copies[i] = node{id: n.id, kind: n.kind, props: n.props, part: n.part, children: snapshot(n.children)}
		out[i] = &copies[i]
	}
	return out
}

type textProps struct {
	Text string `json:"text"`
}

type alertProps struct {
	Level string `json:"level"`
	Text  string `json:"text"`
}

type metricProps struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Delta string `json:"delta,omitempty"`
}

type exceptionProps struct {
	Message string `json:"message"`
	Stack   string `json:"stack,omitempty"`
}

type columnProps struct {
	Width float64 `json:"width"`
}

type formProps struct {
	Key string `json:"key"`
}
