package stateinit

import (
	"time"

	"dashapp/sessionkit"
	"github.com/dashvet/dashvet/dash"
)

const keyCount = "count"

type Filters struct {
	Region string
	Days   int
}

func app(ui *dash.UI) {
	st := ui.State()
	st.Set("count", 0)                    // want `^State.Set\("count", ...\) runs on every rerun and resets the value the user changed; initialise it with SetDefault \(or guard it with Has\)$`
	ui.State().Set(keyCount+"x", "")      // want `State.Set\(keyCount \+ "x", ...\)`
	st.Set("filters", Filters{Days: 7})   // want `State.Set\("filters"`
	st.Set("tags", []string{"a", "b"})    // want `State.Set\("tags"`
	st.Set("seen", make(map[string]bool)) // want `State.Set\("seen"`
	st.Set("limit", int64(10))            // want `State.Set\("limit"`

	// The correct pattern.
	st.SetDefault("page", 1)
	dash.ValueOr(st, "sort", "date")

	// Values computed in this run are meant to be stored each run.
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	st.Set("region", region)
	st.Set("loadedAt", time.Now())

	// Guards of the same key.
	if !st.Has("total") {
		st.Set("total", 0)
	}
	if _, ok := st.Get("cart"); !ok {
		st.Set("cart", []string{})
	}
	v, ok := dash.Value[int](st, "step")
	if !ok {
		st.Set("step", 1)
	}
	_ = v
	if st.Has("ready") {
		ui.Text("ready")
	} else {
		st.Set("ready", false)
	}

	// A guard of another key does not count...
	if !st.Has("other") {
		st.Set("count2", 0) // want `State.Set\("count2"`
	}
	// ...unless the key is a sentinel set behind it: the block runs once
	// per session.
	if !st.Has("initialised") {
		st.Set("page", 1)
		st.Set("tab", "summary")
		st.Set("initialised", true)
	}
}

func earlyReturn(ui *dash.UI) {
	st := ui.State()
	if st.Has(keyCount) {
		return
	}
	st.Set(keyCount, 0)
}

// Triggers and callbacks: once per click or change.
func triggers(ui *dash.UI) {
	st := ui.State()
	if ui.Button("Reset") {
		st.Set("count", 0)
	}
	ui.Button("Clear", dash.OnChange(func(cb *dash.UI) {
		cb.State().Set("cart", nil)
	}))
	ui.Slider("Days", 1, 30, 7, dash.OnChange(func(cb *dash.UI) {
		cb.State().Set("page", 1) // resetting the page when the filter changes is the point
	}))
	ui.Form("f", func(f *dash.UI) {
		if f.SubmitButton("Save") {
			f.State().Set("saved", true)
		}
		f.State().Set("draft", "") // want `State.Set\("draft"`
	})
}

// Closures in the app are part of its run.
func closures(ui *dash.UI) {
	reset := func() {
		ui.State().Set("n", 0) // want `State.Set\("n"`
	}
	reset()
}

// Helpers without a UI are not checked: what they set depends on callers.
func initState(st *dash.State) { st.Set("theme", "light") }

// A Set behind a test of the same key's value is a step of a state
// machine: it runs when the state says so, not on every rerun. A Set after
// such a test, whichever way it went, is a reset.
func machine(ui *dash.UI) {
	st := ui.State()
	if ui.Button("Run") {
		st.Set("run", true)
	}
	if run, _ := dash.Value[bool](st, "run"); run {
		st.Set("run", false)
	}
	if !dash.ValueOr(st, "welcomed", false) {
		st.Set("welcomed", true)
	}
	if dash.ValueOr(st, "page", 1) > 10 {
		ui.Text("last page")
	}
	st.Set("page", 1) // want `State.Set\("page", ...\) runs on every rerun and resets the value the user changed; it clears a value read above, so set it only in the branch that uses that value$`
}

// A presence test guards only the code behind its edge: a message shown
// once, then cleared after the if, whichever way it went, is cleared on
// every rerun (and SetDefault would never clear it: no fix). A presence
// test or a click guards a Set that only they lead to.
func flash(ui *dash.UI) {
	st := ui.State()
	if msg, ok := dash.Value[string](st, "flash"); ok && msg != "" {
		ui.Text(msg)
	}
	st.Set("flash", "") // want `State.Set\("flash", ...\) runs on every rerun and resets the value the user changed; it clears a value read above`
	if msg, ok := dash.Value[string](st, "notice"); ok && msg != "" {
		ui.Text(msg)
		st.Set("notice", "")
	}
	if _, ok := st.Get("filters"); !ok || ui.Button("Reset filters") {
		st.Set("filters", []string{})
	}
	if _, ok := st.Get("sort"); !ok || st.Has("zoom") {
		st.Set("sort", "name") // want `State.Set\("sort", ...\) runs on every rerun and resets the value the user changed; initialise it with SetDefault`
	}
}

// A key read from a table: each d.key is a new SSA value reading the same
// field.
var tableDefaults = []struct {
	key string
	val any
}{{"days", 7}, {"group", "team"}}

func keyTable(ui *dash.UI) {
	st := ui.State()
	for _, d := range tableDefaults {
		if !st.Has(d.key) {
			st.Set(d.key, 0)
		}
	}
	for i := range tableDefaults {
		if !st.Has(tableDefaults[i].key) {
			st.Set(tableDefaults[i].key, 0)
		}
		if !st.Has(tableDefaults[i].key) {
			st.Set(tableDefaults[0].key, 0) // want `State.Set\(tableDefaults\[0\].key`
		}
	}
}

// A presence test may be a helper of the package returning one.
func started(st *dash.State) bool { return st.Has("step") }

func present(st *dash.State, key string) bool {
	_, ok := st.Get(key)
	return ok
}

func helperGuards(ui *dash.UI) {
	st := ui.State()
	if !started(st) {
		st.Set("step", 1)
	}
	if !present(st, "tab") {
		st.Set("tab", "orders")
	}
	if !started(st) {
		st.Set("zoom", 1) // want `State.Set\("zoom"`
	}
}

// Presence helpers of another package guard like those of this one.
func sharedHelpers(ui *dash.UI) {
	st := ui.State()
	if !sessionkit.Seen(st, "appr.page") {
		st.Set("appr.page", 1)
	}
	if !sessionkit.Onboarded(st) {
		st.Set("onboarding.step", 1)
	}
	if !sessionkit.Seen(st, "appr.page") {
		st.Set("appr.sort", "date") // want `State.Set\("appr.sort"`
	}
	if sessionkit.Fresh(st) {
		st.Set("appr.filter", "") // want `State.Set\("appr.filter"`
	}
}
