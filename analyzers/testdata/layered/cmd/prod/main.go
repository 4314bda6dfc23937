// Command prod wires the PostgreSQL store in: here every implementation
// of domain.Orders that can be seen queries, so the pages registered here
// query on every rerun. It also hands a loader to a UI component of web.
package main

import (
	"context"
	"strconv"

	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/domain"
	"dashapp/layered/pgstore"
	"dashapp/layered/web"
)

var store domain.Orders

func overview(ui *dash.UI) {
	n := web.Count(ui.Context(), store) // want `overview → web.Count → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap web.Count in dash.CacheData`
	ui.Metric("Orders", strconv.Itoa(n), "")
}

// page draws the overview of package web, which counts through a helper.
func page(ui *dash.UI) {
	web.Overview(ui, store) // want `page → web.Overview → web.total → web.Count → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap web.Count in dash.CacheData`
}

func main() {
	pool, err := pgxpool.New(context.Background(), "postgres://db/sales")
	if err != nil {
		panic(err)
	}
	store = pgstore.New(pool)
	app := &web.App{Orders: store}
	_ = dash.Run(app.Sales) // want `\(\*web.App\).Sales → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap \(\*pgstore.Store\).Recent in dash.CacheData`
	_ = dash.Run(app.Refresh)
	_ = dash.Run(app.Retried) // want `\(\*web.App\).Retried → store.Retry → web.\(\*App\).Retried.func1 → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap the function literal given to store.Retry in dash.CacheData`
	_ = dash.Run(app.Panel)   // want `\(\*web.App\).Panel → web.panel → web.\(\*App\).Panel.func1 → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap the function literal given to web.panel in dash.CacheData`
	_ = dash.Run(overview)
	_ = dash.Run(page)

	web.Store = store
	a := dash.NewApp()
	for _, p := range pages {
		a.Page(p.path, p.title, p.render)
	}
	for name, render := range menu {
		a.Page("/"+name, name, render)
	}
	objs := []Page{
		&web.SalesPage{Store: store}, // want `\(\*web.SalesPage\).Render → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap \(\*pgstore.Store\).Recent in dash.CacheData`
	}
	for _, p := range objs {
		a.Page(p.Path(), "Sales", p.Render)
	}
	_ = a.Run()
}

// Page is what main registers: web's page objects implement it.
type Page interface {
	Path() string
	Render(ui *dash.UI)
}

// pages is a table of pages, registered in a loop by main: the pages are
// named where they are stored, not in a call.
var pages = []struct {
	path, title string
	render      func(*dash.UI)
}{
	{"/ledger", "Ledger", web.Ledger}, // want `web.Ledger → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap \(\*pgstore.Store\).Recent in dash.CacheData`
	{"/help", "Help", web.Help},
	{"/ledger2", "Ledger again", web.Ledger}, // reported once, where first stored
}

var menu = map[string]func(*dash.UI){
	"latest": web.Latest, // want `web.Latest → \(\*pgstore.Store\).Recent → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap \(\*pgstore.Store\).Recent in dash.CacheData`
}

// onChange hands a page of web to OnChange: a callback that runs once per
// change of its widget, not on every rerun.
func onChange(ui *dash.UI, app *web.App) {
	ui.Slider("Days", 1, 90, 30, dash.OnChange(app.Sales))
}

var pool *pgxpool.Pool

func loadOrders(ctx context.Context) ([]domain.Order, error) {
	rows, err := pool.Query(ctx, "SELECT id, amount FROM orders")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return nil, rows.Err()
}

// ordersPage hands a loader to a component of web, which runs it.
func ordersPage(ui *dash.UI) {
	web.Table(ui, "Orders", loadOrders) // want `ordersPage → web.Table → loadOrders → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap loadOrders in dash.CacheData`
}
