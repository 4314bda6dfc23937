package uncachedcall

import (
	"context"

	"dashapp/evaluator"
	"github.com/dashvet/dashvet/dash"
)

// rollouts reads flags from the database.
type rollouts struct{}

func (rollouts) Rollout(ctx context.Context, key string) (int, error) {
	var pct int
	err := db.QueryRowContext(ctx, "SELECT pct FROM flags WHERE key = $1", key).Scan(&pct)
	return pct, err
}

// A closure returned by another package, calling an interface it was
// given: judged here, where the implementation is seen.
func evaluators(ui *dash.UI) {
	ctx := ui.Context()
	eval := evaluator.New(rollouts{})
	eval(ctx, "beta", "ann") // want `^evaluators → evaluator.New → evaluator.New.func1 → rollouts.Rollout → \(\*sql.DB\).QueryRowContext: database query runs on every rerun`
	fixed := evaluator.Fixed(10)
	fixed(ctx, "beta", "ann")
}
