package uncachedcall

import (
	"fmt"

	"github.com/dashvet/dashvet/dash"
)

// Session memos: the state holds the result, so the query runs once per
// session, the first time the key is missing; not on every rerun.

func memoHas(ui *dash.UI) {
	if !ui.State().Has("sales") {
		sales, _ := loadSales(ui.Context(), "EMEA")
		ui.State().Set("sales", sales)
	}
}

func memoValue(ui *dash.UI) {
	sales, ok := dash.Value[[]Sale](ui.State(), "sales2")
	if !ok {
		sales, _ = loadSales(ui.Context(), "EMEA")
		ui.State().Set("sales2", sales)
	}
	ui.Text(fmt.Sprint(len(sales)))
}

func memoNil(ui *dash.UI) {
	v, _ := ui.State().Get("sales3")
	if v == nil {
		sales, _ := loadSales(ui.Context(), "EMEA")
		ui.State().SetDefault("sales3", sales)
	}
}

// sessionSales is a helper that memoises in the state with an early
// return: its callers do not query on every rerun.
func sessionSales(ui *dash.UI) []Sale {
	if v, ok := dash.Value[[]Sale](ui.State(), "sales4"); ok {
		return v
	}
	sales, _ := loadSales(ui.Context(), "EMEA")
	ui.State().Set("sales4", sales)
	return sales
}

func memoHelper(ui *dash.UI) {
	ui.Text(fmt.Sprint(len(sessionSales(ui))))
}

// Not memos: a test of a key nothing behind it sets, or of another key
// than the one set, fails on every rerun.

func memoNoSet(ui *dash.UI) {
	if !ui.State().Has("shown") {
		sales, _ := loadSales(ui.Context(), "EMEA") // want `memoNoSet → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
		ui.Text(fmt.Sprint(len(sales)))
	}
}

func memoOtherKey(ui *dash.UI) {
	if !ui.State().Has("sales5") {
		sales, _ := loadSales(ui.Context(), "EMEA") // want `memoOtherKey → loadSales`
		ui.State().Set("sales6", sales)
	}
}

// The query behind the "present" edge runs on every rerun once the key is
// set.
func memoSetOutside(ui *dash.UI) {
	var sales []Sale
	if ui.State().Has("sales7") {
		sales, _ = loadSales(ui.Context(), "EMEA") // want `memoSetOutside → loadSales`
	}
	ui.State().SetDefault("sales7", sales)
}

// Data loaded lazily into a package variable: once per process (racy, but
// not a query on every rerun).
var lazySales []Sale

func lazyLoad(ui *dash.UI) {
	if lazySales == nil {
		lazySales, _ = loadSales(ui.Context(), "EMEA")
	}
	ui.Text(fmt.Sprint(len(lazySales)))
}

// A test of a key's value with a Set of the key behind it runs until the
// state says otherwise: once per session here.
func welcomed(ui *dash.UI) {
	st := ui.State()
	if !dash.ValueOr(st, "welcomed", false) {
		loadSales(ui.Context(), "welcome")
		st.Set("welcomed", true)
	}
	if dash.ValueOr(st, "verbose", false) {
		loadSales(ui.Context(), "verbose") // want `welcomed → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
	}
}

// A wizard's step runs on every rerun while the state holds it: the Set
// that moves on is behind a trigger.
func wizard(ui *dash.UI) {
	st := ui.State()
	switch dash.ValueOr(st, "step", 1) {
	case 1:
		if ui.Button("Next") {
			st.Set("step", 2)
		}
	case 2:
		loadSales(ui.Context(), "dry-run") // want `wizard → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
		if ui.Button("Confirm") {
			st.Set("step", 3)
		}
	}
}

// A click kept in the state and consumed by the branch acting on it runs
// once per click: cleared with a Set of the zero value, or deleted. Kept
// (a Set that leaves it present), it runs on every rerun.
func pendingClick(ui *dash.UI) {
	st := ui.State()
	if ui.Button("Promote") {
		st.Set("promote", "r42")
	}
	if id, ok := dash.Value[string](st, "promote"); ok && id != "" {
		st.Set("promote", "")
		db.ExecContext(ui.Context(), "UPDATE releases SET stage = 'full' WHERE id = $1", id)
	}
	if st.Has("rollback") {
		st.Delete("rollback")
		db.ExecContext(ui.Context(), "UPDATE releases SET stage = 'canary'")
	}
	if st.Has("pinned") {
		st.Set("pinned", true)
		db.ExecContext(ui.Context(), "UPDATE releases SET pinned = true") // want `pendingClick → \(\*sql.DB\).ExecContext: database write runs on every rerun`
	}
}
