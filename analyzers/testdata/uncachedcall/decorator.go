package uncachedcall

import (
	"context"
	"log"

	"github.com/dashvet/dashvet/dash"
)

// Ledger has a PostgreSQL implementation and a decorator that times it:
// the decorator passes the call on, so it reaches what the implementation
// it wraps reaches, and every implementation in sight queries.
type Ledger interface {
	Balance(ctx context.Context, account string) (float64, error)
}

type pgLedger struct{}

func (pgLedger) Balance(ctx context.Context, account string) (b float64, err error) {
	err = db.QueryRowContext(ctx, "SELECT sum(amount) FROM ledger WHERE account = $1", account).Scan(&b)
	return b, err
}

type timedLedger struct{ next Ledger }

func (t timedLedger) Balance(ctx context.Context, account string) (float64, error) {
	defer log.Println("balance of", account)
	return t.next.Balance(ctx, account)
}

var ledger Ledger

func init() {
	ledger = timedLedger{next: pgLedger{}}
}

func balancePage(ui *dash.UI) {
	b, _ := ledger.Balance(ui.Context(), "ops") // want `balancePage → timedLedger.Balance → pgLedger.Balance → \(\*sql.DB\).QueryRowContext: database query runs on every rerun`
	_ = b
}
