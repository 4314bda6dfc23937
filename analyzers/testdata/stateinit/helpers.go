package stateinit

import (
	"dashapp/prefs"
	"github.com/dashvet/dashvet/dash"
)

// Helpers that take the state and set a constant reset it wherever they
// are called on every rerun; the finding is at the call, with the chain.

func initCart(st *dash.State) { st.Set("cart", []string{}) }

type settings struct{ st *dash.State }

func (s *settings) reset() { s.st.Set("page", 1) }

// filters holds the state and is passed by value: the compiler spills it
// to a local before reading its field.
type filters struct{ st *dash.State }

func (f filters) clear() { f.st.Set("cart", []string{}) }

func clearFilters(f filters) { f.st.Set("region", "") }

func setTo[T any](st *dash.State, key string, v T) { st.Set(key, v) }

func initAll(st *dash.State) { initCart(st) }

var defaults = map[string]any{"sort": "date", "rows": 50}

// A helper guarded by a presence test of its key is not a reset, nor one
// that stores what the caller computed.
func ensureCart(st *dash.State) {
	if _, ok := st.Get("cart"); !ok {
		st.Set("cart", []string{})
	}
}

func remember(st *dash.State, region string) { st.Set("region", region) }

func helpers(ui *dash.UI) {
	st := ui.State()
	initCart(st)                // want `^helpers → initCart: State.Set\("cart", ...\) runs on every rerun and resets the value the user changed; initialise it with SetDefault in initCart \(or guard the call with Has\)$`
	(&settings{st: st}).reset() // want `helpers → \(\*settings\).reset: State.Set\("page", ...\)`
	f := filters{st: st}
	f.clear()                                           // want `helpers → filters.clear: State.Set\("cart", ...\)`
	clearFilters(f)                                     // want `helpers → clearFilters: State.Set\("region", ...\)`
	setTo(st, "count", 0)                               // want `helpers → setTo: State.Set\("count", ...\)`
	setTo(st, "region", ui.TextInput("Region", "EMEA")) // a value computed in the run
	initAll(st)                                         // want `helpers → initAll → initCart: State.Set\("cart", ...\)`
	prefs.Defaults(st)                                  // want `helpers → prefs.Defaults: State.Set\("theme", ...\)`
	prefs.Ensure(st)                                    // guarded inside
	ensureCart(st)                                      // guarded inside
	remember(st, ui.TextInput("R", ""))                 // stores a computed value
	if !st.Has("count") {
		setTo(st, "count", 0) // guarded at the call
	}
	if ui.Button("Reset") {
		initCart(st) // once per click
	}
	for k, v := range defaults {
		st.Set(k, v) // want `State.Set\(k, ...\)`
	}
}

var columns = []struct {
	key  string
	show bool
}{{"region", true}, {"amount", true}}

func table(ui *dash.UI) {
	for _, c := range columns {
		ui.State().Set(c.key, c.show) // want `State.Set\(c.key, ...\)`
	}
	computed := map[string]any{"now": ui.TextInput("Now", "")}
	for k, v := range computed {
		ui.State().Set(k, v) // a value computed in the run
	}
}
