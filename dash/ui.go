package dash

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/dashvet/dashvet/dash/internal/markdown"
)

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
	r     *run       // the run this UI belongs to; nil for a zero UI
	c     *node      // the container it emits into
	form  *formScope // the enclosing form, nil outside forms
	frag  string     // id of the enclosing fragment, "" outside fragments
}

// formScope is the form a UI emits into.
type formScope struct {
	id      string
	submits int // SubmitButtons emitted so far
}

// Context is cancelled when the run is superseded or the session ends. Pass
// it to every query and HTTP call.
func (ui *UI) Context() context.Context {
	if ui.ctx == nil {
		return context.Background()
	}
	return ui.ctx
}

// State returns the session's state store. A zero UI gets a store of its
// own, so app helpers can be unit-tested without a session.
func (ui *UI) State() *State {
	if ui.state == nil {
		ui.state = newState()
	}
	return ui.state
}

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

// Title shows text as the page title (the largest heading).
func (ui *UI) Title(text string) { ui.emit(kindTitle, textProps{text}) }

// Header shows a section heading.
func (ui *UI) Header(text string) { ui.emit(kindHeader, textProps{text}) }

// Subheader shows a subsection heading.
func (ui *UI) Subheader(text string) { ui.emit(kindSubheader, textProps{text}) }

// Markdown renders a sanitised subset of Markdown; raw HTML is escaped.
// Rendering stops when the run is superseded, so a long text a user sent
// does not hold up the run that replaces it.
func (ui *UI) Markdown(md string) {
	if !ui.enter() {
		return
	}
	out, err := markdown.RenderContext(ui.Context(), md)
	if err != nil {
		ui.enter() // the run is over: this ends its goroutine
		return
	}
	ui.emit(kindMarkdown, struct {
		HTML string `json:"html"`
	}{out})
}

// Text shows preformatted, fixed-width text.
func (ui *UI) Text(text string) { ui.emit(kindText, textProps{text}) }

// Caption shows small, muted text.
func (ui *UI) Caption(text string) { ui.emit(kindCaption, textProps{text}) }

// Metric shows a value with an optional delta ("" for none; a leading "-"
// renders it as a decrease).
func (ui *UI) Metric(label, value, delta string) {
	ui.emit(kindMetric, metricProps{Label: label, Value: value, Delta: delta})
}

// Table renders data: a slice of structs (exported fields are columns), a
// slice of maps, or [][]string whose first row is the header.
func (ui *UI) Table(data any) {
	if !ui.enter() {
		return
	}
	t, err := buildTable(data)
	if err != nil {
		ui.alert("error", "Table: "+err.Error())
		return
	}
	ui.emit(kindTable, t)
}

// Error shows an error message box.
func (ui *UI) Error(msg string) { ui.alert("error", msg) }

// Warning shows a warning message box.
func (ui *UI) Warning(msg string) { ui.alert("warning", msg) }

// Info shows an informational message box.
func (ui *UI) Info(msg string) { ui.alert("info", msg) }

// Success shows a success message box.
func (ui *UI) Success(msg string) { ui.alert("success", msg) }

func (ui *UI) alert(level, msg string) { ui.emit(kindAlert, alertProps{Level: level, Text: msg}) }

// --- input widgets ---

func widgetOptions(opts []WidgetOption) widgetConfig {
	var c widgetConfig
	for _, o := range opts {
		if o != nil {
			o.applyWidget(&c)
		}
	}
	return c
}

// Button is a trigger: it returns true in exactly one run after a click.
func (ui *UI) Button(label string, opts ...WidgetOption) bool {
	return ui.triggerWidget(kindButton, label, widgetOptions(opts), nil)
}

// Checkbox returns whether the box is ticked; def is the initial state.
func (ui *UI) Checkbox(label string, def bool, opts ...WidgetOption) bool {
	return widget(ui, widgetSpec[bool]{
		kind: kindCheckbox, label: label, def: def, cfg: widgetOptions(opts),
		decode: decodeBool,
	})
}

// Slider returns an integer in [min, max]; def is the initial value and
// Step the increment (default 1).
func (ui *UI) Slider(label string, min, max, def int, opts ...WidgetOption) int {
	cfg := widgetOptions(opts)
	if min > max {
		min, max = max, min
	}
	step := 1
	if cfg.step >= 1 {
		step = int(cfg.step)
	}
	clamp := func(v int) int { return max2(min, min2(max, v)) }
	return widget(ui, widgetSpec[int]{
		kind: kindSlider, label: label, def: clamp(def), cfg: cfg,
		decode: func(raw json.RawMessage) (int, error) {
			f, err := decodeFloat(raw)
			if err != nil {
				return 0, err
			}
			if f != math.Trunc(f) || f < float64(min) || f > float64(max) {
				return 0, fmt.Errorf("%v is not an integer in [%d, %d]", f, min, max)
			}
			return int(f), nil
		},
		fix:   clamp,
		props: func() map[string]any { return map[string]any{"min": min, "max": max, "step": step} },
	})
}

// SliderFloat returns a number in [min, max]; def is the initial value and
// Step the increment (default (max-min)/100).
func (ui *UI) SliderFloat(label string, min, max, def float64, opts ...WidgetOption) float64 {
	cfg := widgetOptions(opts)
	if min > max {
		min, max = max, min
	}
	step := cfg.step
	if step <= 0 {
		step = (max - min) / 100
	}
	if step <= 0 { // min == max: any step will do
		step = 1
	}
	clamp := func(v float64) float64 { return math.Max(min, math.Min(max, v)) }
	return widget(ui, widgetSpec[float64]{
		kind: kindSlider, label: label, def: clamp(def), cfg: cfg,
		decode: func(raw json.RawMessage) (float64, error) {
			f, err := decodeFloat(raw)
			if err != nil {
				return 0, err
			}
			if f < min || f > max {
				return 0, fmt.Errorf("%v is outside [%v, %v]", f, min, max)
			}
			return f, nil
		},
		fix:   clamp,
		props: func() map[string]any { return map[string]any{"min": min, "max": max, "step": step, "float": true} },
	})
}

// defaultOption returns the option a single-choice widget starts on: the
// one Index names, or the first. With nothing to choose from it disables
// the widget (rendered empty, so the layout does not jump) and returns "".
func defaultOption(options []string, cfg *widgetConfig) string {
	if len(options) == 0 {
		cfg.disabled = true
		return ""
	}
	if cfg.index > 0 && cfg.index < len(options) {
		return options[cfg.index]
	}
	return options[0]
}

// Selectbox returns the selected option; Index picks the default (0).
func (ui *UI) Selectbox(label string, options []string, opts ...WidgetOption) string {
	cfg := widgetOptions(opts)
	def := defaultOption(options, &cfg)
	opts2 := slices.Clone(options) // the app may reuse its slice
	return widget(ui, widgetSpec[string]{
		kind: kindSelectbox, label: label, def: def, cfg: cfg,
		decode: func(raw json.RawMessage) (string, error) {
			i, err := decodeIndex(raw, len(opts2))
			if err != nil {
				return "", err
			}
			return opts2[i], nil
		},
		fix: func(v string) string {
			if slices.Contains(opts2, v) {
				return v
			}
			return def
		},
		props: func() map[string]any { return map[string]any{"options": opts2} },
		wire:  func(v string) any { return slices.Index(opts2, v) },
	})
}

// TextInput returns the entered text; def is the initial text.
func (ui *UI) TextInput(label, def string, opts ...WidgetOption) string {
	return widget(ui, widgetSpec[string]{
		kind: kindTextInput, label: label, def: def, cfg: widgetOptions(opts),
		decode: decodeString(0),
	})
}

// NumberInput returns the entered number; def is the initial value and Step
// the increment of its arrows (default 1).
func (ui *UI) NumberInput(label string, def float64, opts ...WidgetOption) float64 {
	cfg := widgetOptions(opts)
	step := cfg.step
	if step <= 0 {
		step = 1
	}
	return widget(ui, widgetSpec[float64]{
		kind: kindNumberInput, label: label, def: def, cfg: cfg,
		decode: func(raw json.RawMessage) (float64, error) {
			f, err := decodeFloat(raw)
			if err != nil {
				return 0, err
			}
			if math.IsInf(f, 0) {
				return 0, fmt.Errorf("number out of range")
			}
			return f, nil
		},
		props: func() map[string]any { return map[string]any{"step": step} },
	})
}

func min2(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// --- forms and layout ---

// Form runs body with a UI whose widgets send nothing until the form's
// SubmitButton is pressed; the submit causes one rerun carrying all values.
func (ui *UI) Form(key string, body func(f *UI)) {
	if !ui.enter() {
		body(ui)
		return
	}
	switch {
	case ui.form != nil:
		ui.alert("error", fmt.Sprintf("Form %q is inside form %q: forms cannot be nested.", key, ui.form.id[len("f:"):]))
		return
	case key == "":
		ui.alert("error", "Form needs a non-empty key.")
		return
	}
	id := "f:" + key
	r := ui.r
	r.mu.Lock()
	dup := r.forms[id]
	r.forms[id] = true
	r.mu.Unlock()
	if dup {
		ui.alert("error", fmt.Sprintf("Duplicate form key %q: two forms in one run have that key.", key))
		return
	}
	n := ui.addNode(id, kindForm, formProps{Key: key})
	f := &UI{ctx: ui.ctx, state: ui.state, r: r, c: n, form: &formScope{id: id}, frag: ui.frag}
	body(f)
	if f.form.submits == 0 {
		f.alert("warning", fmt.Sprintf("Form %q has no SubmitButton, so its values can never be sent.", key))
	}
}

// SubmitButton is the trigger of the enclosing Form: true in exactly the one
// run caused by pressing it. Calling it outside a Form is an error.
func (ui *UI) SubmitButton(label string) bool {
	if !ui.enter() {
		return false
	}
	if ui.form == nil {
		ui.alert("error", fmt.Sprintf("SubmitButton(%q) is outside a Form: call it on the *UI that Form passes to its body.", label))
		return false
	}
	ui.form.submits++
	return ui.triggerWidget(kindSubmit, label, widgetConfig{}, nil)
}

// Sidebar returns the UI of the page's sidebar.
func (ui *UI) Sidebar() *UI {
	if ui.r == nil {
		return ui
	}
	return &UI{ctx: ui.ctx, state: ui.state, r: ui.r, c: ui.r.sidebar}
}

// Columns lays out n equal columns side by side.
func (ui *UI) Columns(n int) []*UI {
	if n < 1 {
		if ui.enter() {
			ui.alert("error", fmt.Sprintf("Columns(%d): the number of columns must be at least 1.", n))
		}
		return nil
	}
	widths := make([]float64, n)
	for i := range widths {
		widths[i] = 1
	}
	return ui.ColumnsWidths(widths...)
}

// ColumnsWidths lays out columns with relative widths.
func (ui *UI) ColumnsWidths(widths ...float64) []*UI {
	if !ui.enter() {
		// A zero UI: hand back usable handles so app helpers can be
		// unit-tested without a session.
		out := make([]*UI, len(widths))
		for i := range out {
			out[i] = ui
		}
		return out
	}
	total := 0.0
	for _, w := range widths {
		if !(w > 0) || math.IsInf(w, 0) {
			ui.alert("error", fmt.Sprintf("ColumnsWidths(%v): every width must be a positive number.", widths))
			return nil
		}
		total += w
	}
	if len(widths) == 0 {
		ui.alert("error", "ColumnsWidths needs at least one width.")
		return nil
	}
	row := ui.emitContainer(kindColumns, nil)
	out := make([]*UI, len(widths))
	for i, w := range widths {
		col := row.addNode("", kindColumn, columnProps{Width: w / total})
		out[i] = row.child(col)
	}
	return out
}
