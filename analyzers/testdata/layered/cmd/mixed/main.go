// Command mixed wires the PostgreSQL store into one page's field and the
// in-memory store into another's: each page is judged by what this
// package stores in the field it reads, not by every implementation in
// sight (which, with an in-memory one among them, would be silence).
package main

import (
	"context"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/memstore"
	"dashapp/layered/pgstore"
	"dashapp/layered/web"
)

func main() {
	pool, err := pgxpool.New(context.Background(), "postgres://db/sales")
	if err != nil {
		panic(err)
	}
	pg := pgstore.New(pool)
	app := &web.App{Orders: pg}
	page := &web.SalesPage{Store: &memstore.Store{}}
	a := dash.NewApp()
	a.Page("/", "Sales", app.Sales)      // want `\(\*web.App\).Sales → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun`
	a.Page("/demo", "Demo", page.Render) // in memory
	_ = a.Run()
}
