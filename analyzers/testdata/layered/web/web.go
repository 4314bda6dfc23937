// Package web holds the pages. It sees the interface only: which store
// answers is decided in main, so nothing here is reported.
package web

import (
	"context"
	"strconv"

	"github.com/dashvet/dashvet/dash"

	"dashapp/layered/domain"
	"dashapp/store"
)

type App struct{ Orders domain.Orders }

// Sales queries the store on every rerun, through the interface.
func (a *App) Sales(ui *dash.UI) {
	orders, err := a.Orders.Recent(ui.Context(), 10)
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Table(orders)
}

// Refresh queries only when the button is clicked.
func (a *App) Refresh(ui *dash.UI) {
	if ui.Button("Reload") {
		_, _ = a.Orders.Recent(ui.Context(), 10)
	}
}

// Count is a helper other packages' pages call.
func Count(ctx context.Context, o domain.Orders) int {
	list, _ := o.Recent(ctx, 100)
	return len(list)
}

// Overview reaches the store through a helper of its own.
func Overview(ui *dash.UI, o domain.Orders) {
	ui.Metric("Orders", strconv.Itoa(total(ui.Context(), o)), "")
}

func total(ctx context.Context, o domain.Orders) int { return Count(ctx, o) }

// Table is a UI component: it runs the loader it is given and shows the
// rows. What the loader does is the caller's business.
func Table(ui *dash.UI, title string, load func(context.Context) ([]domain.Order, error)) {
	rows, err := load(ui.Context())
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Subheader(title)
	ui.Table(rows)
}

// Store is the store of the pages below; main sets it.
var Store domain.Orders

// Ledger lists the latest orders of Store on every rerun. main keeps it
// in a table of pages rather than naming it in a call.
func Ledger(ui *dash.UI) {
	orders, _ := Store.Recent(ui.Context(), 50)
	ui.Table(orders)
}

// Latest shows the newest order, from a map of pages.
func Latest(ui *dash.UI) {
	orders, _ := Store.Recent(ui.Context(), 1)
	ui.Table(orders)
}

// Help queries nothing.
func Help(ui *dash.UI) { ui.Markdown("Pick a page.") }

// SalesPage is a page object: main keeps it as one of its Pages.
type SalesPage struct{ Store domain.Orders }

func (p *SalesPage) Path() string { return "/sales" }

// Render queries the store on every rerun.
func (p *SalesPage) Render(ui *dash.UI) {
	orders, _ := p.Store.Recent(ui.Context(), 20)
	ui.Table(orders)
}

// Retried hands a loader over the store to a runner of another package,
// which runs it on every rerun.
func (a *App) Retried(ui *dash.UI) {
	orders, _ := store.Retry(ui.Context(), 3, func(ctx context.Context) ([]domain.Order, error) {
		return a.Orders.Recent(ctx, 5)
	})
	ui.Text(strconv.Itoa(len(orders)))
}

// Panel hands one to a component of its own package.
func (a *App) Panel(ui *dash.UI) {
	panel(ui, "Recent", func(ctx context.Context) ([]domain.Order, error) {
		return a.Orders.Recent(ctx, 5)
	})
}

func panel(ui *dash.UI, title string, load func(context.Context) ([]domain.Order, error)) {
	orders, err := load(ui.Context())
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Header(title)
	ui.Text(strconv.Itoa(len(orders)))
}

// Admin is a page over another field of the same interface.
type Admin struct{ Orders domain.Orders }

func (a *Admin) Latest(ui *dash.UI) {
	orders, _ := a.Orders.Recent(ui.Context(), 1)
	ui.Table(orders)
}

// Service embeds the store to add methods of its own: it implements
// domain.Orders by forwarding to whatever its field holds, which is no
// implementation of its own, so the pages' calls stay open here.
type Service struct {
	domain.Orders
}

// Busy reports whether there are many recent orders.
func (s *Service) Busy(ctx context.Context) bool {
	orders, _ := s.Recent(ctx, 100)
	return len(orders) > 50
}
