package dash

import "context"

// UI is the handle an app function receives on every run. Widgets return
// their current values; output elements are placed in order. Methods of a UI
// must be called only from the goroutine running the app function (or the
// form/fragment/column body it was given to).
//
// When a newer interaction supersedes the run, Context is cancelled and the
// next UI call stops the run.
type UI struct {
	ctx   context.Context
	state *State
}

// Context is cancelled when the run is superseded or the session ends. Pass
// it to every query and HTTP call.
func (ui *UI) Context() context.Context { return ui.ctx }

// State returns the session's state store.
func (ui *UI) State() *State { return ui.state }

// WidgetOption configures a widget.
type WidgetOption interface{ applyWidget(*widgetConfig) }

type widgetConfig struct {
	key      string
	help     string
	disabled bool
	onChange func(*UI)
	step     float64
	index    int
}

type widgetOptionFunc func(*widgetConfig)

func (f widgetOptionFunc) applyWidget(c *widgetConfig) { f(c) }

// Key gives a widget an explicit identity. Without it a widget is identified
// by its kind, label and position; two widgets with the same key in one run
// are an error.
func Key(key string) WidgetOption { return widgetOptionFunc(func(c *widgetConfig) { c.key = key }) }

// Help sets a tooltip.
func Help(text string) WidgetOption { return widgetOptionFunc(func(c *widgetConfig) { c.help = text }) }

// Disabled greys the widget out.
func Disabled(d bool) WidgetOption { return widgetOptionFunc(func(c *widgetConfig) { c.disabled = d }) }

// OnChange registers a callback that runs once, before the rerun caused by
// a change of this widget (a click, for buttons). It receives the UI of that
// run.
func OnChange(fn func(*UI)) WidgetOption {
	return widgetOptionFunc(func(c *widgetConfig) { c.onChange = fn })
}

// Step sets the increment of a Slider, SliderFloat or NumberInput.
func Step(step float64) WidgetOption {
	return widgetOptionFunc(func(c *widgetConfig) { c.step = step })
}

// Index selects the default option of a Selectbox or Radio.
func Index(i int) WidgetOption { return widgetOptionFunc(func(c *widgetConfig) { c.index = i }) }

// --- output elements ---

func (ui *UI) Title(text string)     {}
func (ui *UI) Header(text string)    {}
func (ui *UI) Subheader(text string) {}

// Markdown renders a sanitised subset of Markdown; raw HTML is escaped.
func (ui *UI) Markdown(md string)  {}
func (ui *UI) Text(text string)    {}
func (ui *UI) Caption(text string) {}

// Metric shows a value with an optional delta ("" for none; a leading "-"
// renders it as a decrease).
func (ui *UI) Metric(label, value, delta string) {}

// Table renders data: a slice of structs (exported fields are columns), a
// slice of maps, or [][]string whose first row is the header.
func (ui *UI) Table(data any) {}

func (ui *UI) Error(msg string)   {}
func (ui *UI) Warning(msg string) {}
func (ui *UI) Info(msg string)    {}
func (ui *UI) Success(msg string) {}

// --- input widgets ---

// Button is a trigger: it returns true in exactly one run after a click.
func (ui *UI) Button(label string, opts ...WidgetOption) bool { return false }

func (ui *UI) Checkbox(label string, def bool, opts ...WidgetOption) bool { return def }

func (ui *UI) Slider(label string, min, max, def int, opts ...WidgetOption) int { return def }

func (ui *UI) SliderFloat(label string, min, max, def float64, opts ...WidgetOption) float64 {
	return def
}

// Selectbox returns the selected option; Index picks the default (0).
func (ui *UI) Selectbox(label string, options []string, opts ...WidgetOption) string {
	if len(options) == 0 {
		return ""
	}
	return options[0]
}

func (ui *UI) TextInput(label, def string, opts ...WidgetOption) string { return def }

func (ui *UI) NumberInput(label string, def float64, opts ...WidgetOption) float64 { return def }

// --- forms and layout ---

// Form runs body with a UI whose widgets send nothing until the form's
// SubmitButton is pressed; the submit causes one rerun carrying all values.
func (ui *UI) Form(key string, body func(f *UI)) { body(ui) }

// SubmitButton is the trigger of the enclosing Form: true in exactly the one
// run caused by pressing it. Calling it outside a Form is an error.
func (ui *UI) SubmitButton(label string) bool { return false }

// Sidebar returns the UI of the page's sidebar.
func (ui *UI) Sidebar() *UI { return ui }

// Columns lays out n equal columns side by side.
func (ui *UI) Columns(n int) []*UI { return nil }

// ColumnsWidths lays out columns with relative widths.
func (ui *UI) ColumnsWidths(widths ...float64) []*UI { return nil }

// Stop ends the current run early, keeping what it emitted so far.
func (ui *UI) Stop() {}
