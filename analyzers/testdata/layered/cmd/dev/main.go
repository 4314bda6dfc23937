// Command dev can also run on the in-memory store: not every
// implementation of domain.Orders queries, so nothing is reported.
package main

import (
	"context"
	"os"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/domain"
	"dashapp/layered/memstore"
	"dashapp/layered/pgstore"
	"dashapp/layered/web"
)

func main() {
	var store domain.Orders = &memstore.Store{}
	if dsn := os.Getenv("DSN"); dsn != "" {
		pool, err := pgxpool.New(context.Background(), dsn)
		if err != nil {
			panic(err)
		}
		store = pgstore.New(pool)
	}
	app := &web.App{Orders: store}
	_ = dash.Run(app.Sales)
	_ = dash.Run(app.Retried)
	_ = dash.Run(app.Panel)
	_ = dash.Run(func(ui *dash.UI) { web.Overview(ui, store) })

	// A table of pages: the in-memory store is visible here too.
	web.Store = store
	a := dash.NewApp()
	for path, render := range map[string]func(*dash.UI){"/ledger": web.Ledger} {
		a.Page(path, "Ledger", render)
	}
	var page interface{ Render(*dash.UI) } = &web.SalesPage{Store: store}
	a.Page("/sales", "Sales", page.Render)
	_ = a.Run()
}
