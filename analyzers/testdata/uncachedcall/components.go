package uncachedcall

import (
	"context"

	"dashapp/widgets"
	"github.com/dashvet/dashvet/dash"
)

// A component of another package that takes a function says by its fact
// whether it runs it on every rerun; with no fact, it runs none: a
// component that runs its callback only behind its own Button.
func components(ui *dash.UI) {
	widgets.Panel(ui, "Sales", func(ctx context.Context) ([]Sale, error) { // want `components → widgets.Panel → components.func1 → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap the function literal given to widgets.Panel in dash.CacheData`
		return loadSales(ctx, "EMEA")
	})
	// A functional option keeps the loader for the component: the literal
	// is taken to run, as part of the page.
	widgets.Chart(ui, widgets.WithLoad(func(ctx context.Context) ([]float64, error) {
		_, err := loadSales(ctx, "trend") // want `^components → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
		return nil, err
	}))
	widgets.Refreshable(ui, "Recompute", func(ctx context.Context) error {
		_, err := loadSales(ctx, "all") // once per click
		return err
	})
}

// A component of another package returning a Button's result and a
// checkbox: true only after a click, and on every rerun while ticked.
func dangerZone(ui *dash.UI) {
	ctx := ui.Context()
	if widgets.Danger(ui, "Purge") {
		db.ExecContext(ctx, "DELETE FROM sales")
	}
	if widgets.Armed(ui, "Auto-purge") {
		db.ExecContext(ctx, "DELETE FROM sales WHERE stale") // want `dangerZone → \(\*sql.DB\).ExecContext: database write runs on every rerun`
	}
}
