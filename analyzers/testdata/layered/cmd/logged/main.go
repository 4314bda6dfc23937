// Command logged wires the PostgreSQL store behind a retrying and a
// logging decorator of other packages: decorators pass every call on, so
// the pages query on every rerun as they do over the bare store.
package main

import (
	"context"
	"log/slog"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/logmw"
	"dashapp/layered/pgstore"
	"dashapp/layered/retrymw"
	"dashapp/layered/web"
)

func main() {
	pool, err := pgxpool.New(context.Background(), "postgres://db/sales")
	if err != nil {
		panic(err)
	}
	app := &web.App{Orders: logmw.Logging(retrymw.Retrying(pgstore.New(pool)), slog.Default())}
	// Registered in a chain over several lines: the finding is on the
	// line of its Page call.
	_ = dash.NewApp().
		Page("/refresh", "Refresh", app.Refresh).
		Page("/", "Sales", app.Sales). // want `\(\*web.App\).Sales → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun`
		Run()
}
