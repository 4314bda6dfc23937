// Package app is a dash app with the rerun model's classic mistakes. Each
// intended finding is marked at the end of its line.
package app

import (
	"database/sql"

	"example.com/mistakes/store"
	"github.com/dashvet/dashvet/dash"
)

var db *sql.DB

// App is the app function: it reruns on every interaction.
func App(ui *dash.UI) {
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	sales, _ := store.Sales(ui.Context(), db, region) // MISTAKE(uncachedcall): the query runs again on every slider move
	ui.Table(sales)

	pool, _ := sql.Open("postgres", "postgres://db/sales") // MISTAKE(rerunresource): a new pool on every rerun
	defer pool.Close()

	ui.State().Set("count", 0) // MISTAKE(stateinit): resets what the user changed on every rerun
}
