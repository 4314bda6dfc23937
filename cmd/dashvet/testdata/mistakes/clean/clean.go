// Package clean is a dash app written the way the analyzers ask for.
package clean

import (
	"context"
	"database/sql"

	"example.com/mistakes/store"
	"github.com/dashvet/dashvet/dash"
)

var pool = dash.CacheSingleton(func(ctx context.Context) (*sql.DB, error) {
	return sql.Open("postgres", "postgres://db/sales")
}, dash.OnRelease(func(db *sql.DB) { db.Close() }))

var sales = dash.CacheData(func(ctx context.Context, region string) ([]float64, error) {
	db, err := pool.Get(ctx)
	if err != nil {
		return nil, err
	}
	return store.Sales(ctx, db, region)
})

// App loads through the caches and initialises state once.
func App(ui *dash.UI) {
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	rows, err := sales.Get(ui.Context(), region)
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Table(rows)
	ui.State().SetDefault("count", 0)
}
