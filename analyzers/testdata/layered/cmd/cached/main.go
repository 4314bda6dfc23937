// Command cached wires the PostgreSQL store behind a caching decorator:
// the decorator calls the store only in its cache's loader, so nothing is
// reported.
package main

import (
	"context"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/cachemw"
	"dashapp/layered/pgstore"
	"dashapp/layered/web"
)

func main() {
	pool, err := pgxpool.New(context.Background(), "postgres://db/sales")
	if err != nil {
		panic(err)
	}
	app := &web.App{Orders: cachemw.Caching(pgstore.New(pool))}
	_ = dash.Run(app.Sales)
}
