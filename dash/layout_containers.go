package dash

import "fmt"

// Element kinds of the layout containers in this file.
const (
	kindTabs      = "tabs"
	kindTab       = "tab"
	kindExpander  = "expander"
	kindContainer = "container"
)

type tabsProps struct {
	Labels []string `json:"labels"`
}

type expanderProps struct {
	Label    string `json:"label"`
	Expanded bool   `json:"expanded"`
}

type containerProps struct {
	Border bool `json:"border,omitempty"`
}

// Tabs lays out one tab per label and returns their UIs, in order. Every
// tab's content is produced on every run, so switching tabs happens in the
// browser, without a rerun, and widgets in hidden tabs keep their values.
func (ui *UI) Tabs(labels ...string) []*UI {
	if !ui.enter() {
		out := make([]*UI, len(labels))
		for i := range out {
			out[i] = ui
		}
		return out
	}
	if len(labels) == 0 {
		ui.alert("error", "Tabs needs at least one label.")
		return nil
	}
	row := ui.emitContainer(kindTabs, tabsProps{Labels: append([]string(nil), labels...)})
	out := make([]*UI, len(labels))
	for i := range labels {
		out[i] = row.child(row.addNode("", kindTab, nil))
	}
	return out
}

// Expander is a collapsible section with a header; expanded is whether it
// starts open. The browser keeps it open or closed as the user left it
// across reruns.
func (ui *UI) Expander(label string, expanded bool) *UI {
	return ui.emitContainer(kindExpander, expanderProps{Label: label, Expanded: expanded})
}

// Container groups elements, for example to fill a part of the page out
// of order: elements written to it appear where Container was called.
func (ui *UI) Container() *UI { return ui.emitContainer(kindContainer, nil) }

// BorderedContainer is a Container drawn with a border.
func (ui *UI) BorderedContainer() *UI {
	return ui.emitContainer(kindContainer, containerProps{Border: true})
}

// Fragment runs fn as a fragment of the page: an interaction with a widget
// inside it reruns only fn, and only the fragment's part of the page is
// replaced; the rest of the app function does not run. A full rerun still
// runs fn where it stands. fn keeps the variables it captured in the last
// full run. key names the fragment and must be unique in the run; a
// fragment inside a Form is an error, and one inside another fragment runs
// as part of it.
//
//	ui.Fragment("live", func(f *dash.UI) {
//		if f.Button("Refresh") { ... }
//		f.Metric("Orders", count(load(f.Context())), "")
//	})
func (ui *UI) Fragment(key string, fn func(*UI)) {
	if fn == nil {
		if ui.enter() {
			ui.alert("error", fmt.Sprintf("Fragment %q has a nil function.", key))
		}
		return
	}
	ui.fragment(key, fn)
}
