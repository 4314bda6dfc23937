package uncachedcall

import (
	"context"

	stdretry "dashapp/retry"
	"github.com/dashvet/dashvet/dash"
)

func emeaSales(ctx context.Context) ([]Sale, error) { return loadSales(ctx, "EMEA") }

// Runners and decorator factories of the app's own module are analysed
// even when they import nothing but the standard library.
func runners(ui *dash.UI) {
	ctx := ui.Context()
	stdretry.Do(ctx, 3, emeaSales)                                  // want `^runners → retry.Do → emeaSales → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap emeaSales in dash.CacheData$`
	stdretry.Do(ctx, 3, func(ctx context.Context) ([]Sale, error) { // want `^runners → retry.Do → runners.func1 → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap the function literal given to retry.Do in dash.CacheData$`
		return loadSales(ctx, "APAC")
	})
	stdretry.Timed(loadSales)(ctx, "EMEA") // want `^runners → retry.Timed → loadSales → \(\*sql.DB\).QueryContext`
	stdretry.Do(ctx, 3, func(context.Context) (int, error) { return 1, nil })

	// A runner that wraps what it is given in a literal another runner
	// runs.
	stdretry.Value(ctx, 3, emeaSales)                                  // want `^runners → retry.Value → retry.Attempt → emeaSales → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap emeaSales in dash.CacheData$`
	stdretry.Value(ctx, 3, func(ctx context.Context) ([]Sale, error) { // want `^runners → retry.Value → retry.Attempt → runners.func3 → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap the function literal given to retry.Value in dash.CacheData$`
		return loadSales(ctx, "APAC")
	})
	stdretry.Value(ctx, 3, func(context.Context) (int, error) { return 1, nil })
}
