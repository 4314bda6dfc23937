// Command audited wires the PostgreSQL store behind an exported auditing
// decorator, and uses the in-memory store elsewhere: the decorator's field
// holds what its constructor was given here, the bare store, not whatever
// implementation is in sight. The admin page's decorator wraps a cache:
// each decorator holds what its own constructor call was given.
package main

import (
	"context"
	"log/slog"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/auditmw"
	"dashapp/layered/cachemw"
	"dashapp/layered/memstore"
	"dashapp/layered/pgstore"
	"dashapp/layered/web"
)

func main() {
	pool, err := pgxpool.New(context.Background(), "postgres://db/sales")
	if err != nil {
		panic(err)
	}
	audited := &web.App{Orders: auditmw.New(pgstore.New(pool), slog.Default())}
	admin := &web.Admin{Orders: auditmw.New(cachemw.Caching(pgstore.New(pool)), slog.Default())}
	_ = web.Count(context.Background(), &memstore.Store{})
	app := dash.NewApp()
	app.Page("/", "Sales", audited.Sales) // want `\(\*web.App\).Sales → \(\*auditmw.Orders\).Recent → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun`
	app.Page("/admin", "Admin", admin.Latest)
	_ = app.Run()
}
