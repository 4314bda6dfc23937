// Package widgets holds UI components that take the function they run: one
// runs it on every rerun, one only after its own Button is clicked.
package widgets

import (
	"context"

	"github.com/dashvet/dashvet/dash"
)

// Panel draws what load returns, on every rerun.
func Panel[T any](ui *dash.UI, title string, load func(context.Context) (T, error)) {
	ui.Header(title)
	if _, err := load(ui.Context()); err != nil {
		ui.Error(err.Error())
	}
}

// Refreshable runs action once per click of its Button.
func Refreshable(ui *dash.UI, label string, action func(context.Context) error) {
	if ui.Button(label) {
		if err := action(ui.Context()); err != nil {
			ui.Exception(err)
			return
		}
		ui.Success(label + ": done")
	}
}

// Option configures Chart; WithLoad keeps the loader Chart runs.
type Option func(*chartOpts)

type chartOpts struct {
	load func(context.Context) ([]float64, error)
}

func WithLoad(f func(context.Context) ([]float64, error)) Option {
	return func(o *chartOpts) { o.load = f }
}

// Chart runs its loader on every rerun.
func Chart(ui *dash.UI, opts ...Option) {
	var o chartOpts
	for _, opt := range opts {
		opt(&o)
	}
	if o.load != nil {
		if _, err := o.load(ui.Context()); err != nil {
			ui.Error(err.Error())
		}
	}
}

// Danger is a button that is enabled once its checkbox is ticked: true
// only in the run after a click.
func Danger(ui *dash.UI, label string) bool {
	armed := ui.Checkbox("I know what this does", false)
	return ui.Button(label) && armed
}

// Armed is the checkbox alone: true on every rerun while ticked.
func Armed(ui *dash.UI, label string) bool {
	return ui.Checkbox(label, false) || ui.Button("Force "+label)
}
