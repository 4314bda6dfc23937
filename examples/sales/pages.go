package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/sales/store"
)

const allRegions = "All regions"

// failed shows err unless it only says that the run was superseded (the
// user moved on; the next run shows the result) and reports whether the
// page should stop.
func failed(ui *dash.UI, what string, err error) bool {
	if err == nil {
		return false
	}
	if !errors.Is(err, context.Canceled) {
		ui.Error(fmt.Sprintf("Could not load %s: %v", what, err))
	}
	return true
}

// sessionID names the session in audit rows. It is created once per
// session: the Has guard keeps a rerun from replacing it.
func sessionID(ui *dash.UI) string {
	st := ui.State()
	if !st.Has("session_id") {
		var b [6]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		st.Set("session_id", hex.EncodeToString(b[:]))
	}
	id, _ := dash.Value[string](st, "session_id")
	return id
}

// filters reads the sidebar and returns the filter of the selected period
// and of the period of equal length before it.
func (d *dashboard) filters(ui *dash.UI) (cur, prev store.Filter, ok bool) {
	ctx := ui.Context()
	regions, err := d.regions.Get(ctx, struct{}{})
	if failed(ui, "regions", err) {
		return cur, prev, false
	}
	months, err := d.months.Get(ctx, struct{}{})
	if failed(ui, "months", err) {
		return cur, prev, false
	}
	if len(months) == 0 {
		ui.Warning("The database holds no orders yet.")
		return cur, prev, false
	}

	sb := ui.Sidebar()
	sb.Header("Filters")
	region := sb.Selectbox("Region", append([]string{allRegions}, regions...), dash.Key("region"))
	n := sb.Slider("Months", 1, len(months), min(12, len(months)), dash.Key("months"),
		dash.Help("Length of the period, ending with the latest month with orders."))
	minAmount := sb.Slider("Minimum order ($)", 0, 5000, 0, dash.Step(100), dash.Key("min_amount"))

	if region == allRegions {
		region = store.AllRegions
	}
	cur = store.Filter{Region: region, From: months[len(months)-n], Until: months[len(months)-1], MinAmountCents: int64(minAmount) * 100}
	prev = cur
	if len(months) >= 2*n {
		prev.From, prev.Until = months[len(months)-2*n], months[len(months)-n-1]
	} else {
		prev.From, prev.Until = "", "" // no earlier period of that length: no delta
	}
	return cur, prev, true
}

// salesPage is the main page: metrics, monthly revenue, sales by product
// with current list prices, the largest orders, and the target form.
func (d *dashboard) salesPage(ui *dash.UI) {
	ctx := ui.Context()
	ui.SetPageConfig(dash.PageConfig{Title: "Sales", Icon: "📈", Wide: true})
	ui.Title("Sales")
	cur, prev, ok := d.filters(ui)
	if !ok {
		return
	}
	where := "all regions"
	if cur.Region != store.AllRegions {
		where = cur.Region
	}
	ui.Caption(fmt.Sprintf("%s, %s to %s, orders of at least %s.", where, cur.From, cur.Until, money(cur.MinAmountCents)))

	sum, err := d.summary.Get(ctx, cur)
	if failed(ui, "the summary", err) {
		return
	}
	var before store.Summary
	if prev.From != "" {
		if before, err = d.summary.Get(ctx, prev); failed(ui, "the previous period", err) {
			return
		}
	}
	cols := ui.Columns(4)
	if len(cols) == 4 {
		cols[0].Metric("Revenue", money(sum.RevenueCents), change(sum.RevenueCents, before.RevenueCents))
		cols[1].Metric("Orders", count(sum.Orders), change(sum.Orders, before.Orders))
		cols[2].Metric("Average order", money(sum.AvgOrderCents), change(sum.AvgOrderCents, before.AvgOrderCents))
		cols[3].Metric("Units", count(sum.Units), change(sum.Units, before.Units))
	}

	d.targetMetric(ui, cur)

	tabs := ui.Tabs("Trend", "Products", "Largest orders")
	if len(tabs) == 3 {
		d.trendTab(tabs[0], cur)
		d.productTab(tabs[1], cur)
		d.ordersTab(tabs[2], cur)
	}

	d.targetForm(ui)
}

// targetMetric compares the latest month's revenue with the target.
func (d *dashboard) targetMetric(ui *dash.UI, cur store.Filter) {
	ctx := ui.Context()
	targets, err := d.targets.Get(ctx, struct{}{})
	if failed(ui, "targets", err) {
		return
	}
	var target int64
	for _, t := range targets {
		if cur.Region == store.AllRegions || t.Region == cur.Region {
			target += t.MonthlyCents
		}
	}
	last := cur
	last.From = cur.Until
	latest, err := d.summary.Get(ctx, last)
	if failed(ui, "the latest month", err) {
		return
	}
	delta := ""
	if target > 0 {
		delta = fmt.Sprintf("%+.1f%% vs target %s", float64(latest.RevenueCents-target)/float64(target)*100, money(target))
	}
	ui.Metric("Revenue in "+cur.Until, money(latest.RevenueCents), delta)
}

// trendTab charts the revenue per month, with the figures in an expander.
func (d *dashboard) trendTab(ui *dash.UI, cur store.Filter) {
	monthly, err := d.monthly.Get(ui.Context(), cur)
	if failed(ui, "monthly revenue", err) {
		return
	}
	labels := make([]string, len(monthly))
	revenue := make([]float64, len(monthly))
	rows := [][]string{{"Month", "Orders", "Revenue"}}
	for i, m := range monthly {
		labels[i], revenue[i] = m.Month, float64(m.RevenueCents)/100
		rows = append(rows, []string{m.Month, count(m.Orders), money(m.RevenueCents)})
	}
	ui.Subheader("Revenue by month")
	ui.LineChart(labels, dash.Series{Name: "Revenue ($)", Values: revenue})
	ui.Expander("Monthly figures", false).Table(rows)
}

// orderRow is a row of the largest orders frame. Quantity and Amount
// are formatted for reading ("1,250", "$48,210"); the frame still sorts
// and right-aligns them as numbers. The order number is an identifier,
// shown without separators.
type orderRow struct {
	Order    int64  `dash:"Order"`
	Day      string `dash:"Day"`
	Region   string `dash:"Region"`
	Product  string `dash:"Product"`
	Quantity string `dash:"Quantity"`
	Amount   string `dash:"Amount"`
}

// ordersTab lists the largest orders in a sortable, paginated frame.
func (d *dashboard) ordersTab(ui *dash.UI, cur store.Filter) {
	largest, err := d.largest.Get(ui.Context(), cur)
	if failed(ui, "the largest orders", err) {
		return
	}
	rows := make([]orderRow, len(largest))
	for i, o := range largest {
		rows[i] = orderRow{o.ID, o.Day, o.Region, o.Product, count(o.Quantity), money(o.AmountCents)}
	}
	ui.Subheader(fmt.Sprintf("The %d largest orders", len(rows)))
	ui.DataFrame(rows, dash.PageSize(20), dash.Key("largest_orders"))
}

// productTab shows sales per product next to the current list price
// from the pricing service, and the discount realised against it.
func (d *dashboard) productTab(ui *dash.UI, cur store.Filter) {
	ctx := ui.Context()
	products, err := d.products.Get(ctx, cur)
	if failed(ui, "sales by product", err) {
		return
	}
	// Orders of all regions are compared with North America's list,
	// which is the catalogue price.
	quoteRegion := cur.Region
	if quoteRegion == store.AllRegions {
		quoteRegion = "North America"
	}
	list := map[string]int64{}
	quote, err := d.quotes.Get(ctx, quoteRegion)
	if err != nil && !errors.Is(err, context.Canceled) {
		// The page stays useful without prices: say so and go on.
		ui.Warning(fmt.Sprintf("Pricing service unavailable, list prices are not shown: %v", err))
	}
	for _, p := range quote.Prices {
		list[p.Product] = p.UnitCents
	}

	ui.Subheader("Sales by product")
	names := make([]string, len(products))
	revenue := make([]float64, len(products))
	for i, p := range products {
		names[i], revenue[i] = p.Product, float64(p.RevenueCents)/100
	}
	ui.BarChart(names, dash.Series{Name: "Revenue ($)", Values: revenue})
	rows := [][]string{{"Product", "Orders", "Units", "Revenue", "Avg unit price", "List price", "Discount"}}
	for _, p := range products {
		listPrice, discount := "", ""
		if lp, ok := list[p.Product]; ok && lp > 0 {
			listPrice = price(lp)
			discount = fmt.Sprintf("%.1f%%", math.Max(0, float64(lp-p.AvgUnitCents())/float64(lp)*100))
		}
		rows = append(rows, []string{p.Product, count(p.Orders), count(p.Units), money(p.RevenueCents), price(p.AvgUnitCents()), listPrice, discount})
	}
	ui.Table(rows)
	if !quote.AsOf.IsZero() {
		ui.Caption(fmt.Sprintf("List prices for %s in %s as of %s, from the pricing service (cached for a minute).",
			quote.Region, quote.Currency, quote.AsOf.Format(time.TimeOnly)))
	}
}

// targetForm lets the user change a region's monthly target. The write and
// the audit row happen only in the run caused by the submit, once per
// click.
func (d *dashboard) targetForm(ui *dash.UI) {
	regions, err := d.regions.Get(ui.Context(), struct{}{})
	if failed(ui, "regions", err) {
		return
	}
	who := sessionID(ui)

	ui.Subheader("Adjust a monthly target")
	ui.Form("target", func(f *dash.UI) {
		region := f.Selectbox("Region", regions)
		dollars := f.NumberInput("Monthly target ($)", 50000, dash.Step(1000))
		name := f.TextInput("Your name", "")
		note := f.TextInput("Reason", "")
		if !f.SubmitButton("Save target") {
			return
		}
		ctx := f.Context()
		if dollars < 0 || dollars > 1e9 || math.IsNaN(dollars) {
			f.Error("The target must be between $0 and $1,000,000,000.")
			return
		}
		b, err := d.backend.Get(ctx)
		if failed(f, "the database", err) {
			return
		}
		cents := int64(math.Round(dollars * 100))
		previous, err := store.SetTarget(ctx, b.db, d.dialect, region, cents, time.Now())
		if failed(f, "the target", err) {
			return
		}
		actor := strings.TrimSpace(name)
		if actor == "" {
			actor = "session " + who
		}
		details, _ := json.Marshal(map[string]any{
			"region": region, "previous_cents": previous, "target_cents": cents,
			"note": strings.TrimSpace(note), "session": who,
		})
		if _, err := b.audit.Record(ctx, audit.Event{Who: actor, Page: "/", Action: "target.update", Details: details}); err != nil {
			f.Error(fmt.Sprintf("The target was saved but the audit log could not be written: %v", err))
			return
		}
		// Everyone must see the new target and the audit row now, not
		// when the cached copies expire.
		d.targets.Clear()
		d.trail.Clear()
		f.State().Set("targets_saved", dash.ValueOr(f.State(), "targets_saved", 0)+1)
		f.Success(fmt.Sprintf("Target of %s set to %s (was %s).", region, money(cents), money(previous)))
	})
	if saved := dash.ValueOr(ui.State(), "targets_saved", 0); saved > 0 {
		ui.Caption(fmt.Sprintf("You changed %d target(s) in this session; see the audit log page.", saved))
	}
}

// auditPage lists the newest audit events.
func (d *dashboard) auditPage(ui *dash.UI) {
	ui.SetPageConfig(dash.PageConfig{Title: "Audit log", Icon: "📈", Wide: true})
	ui.Title("Audit log")
	ui.Caption("Every target change, newest first. Shared by all sessions; refreshed every few seconds.")
	limit := ui.Sidebar().Slider("Events shown", 10, 500, 50, dash.Step(10), dash.Key("audit_limit"))
	events, err := d.trail.Get(ui.Context(), trailKey{limit: limit, action: "target.update"})
	if failed(ui, "the audit log", err) {
		return
	}
	if len(events) == 0 {
		ui.Info("No changes yet. Adjust a target on the Sales page and it shows up here.")
		return
	}
	rows := make([]eventRow, len(events))
	for i, e := range events {
		rows[i] = newEventRow(e)
	}
	ui.DataFrame(rows, dash.PageSize(25), dash.Key("audit_events"))
}

// eventRow is a row of the audit log frame: a target change's details are
// columns of their own, not the JSON they are stored as.
type eventRow struct {
	When     string `dash:"When (UTC)"`
	Who      string `dash:"Who"`
	Action   string `dash:"Action"`
	Region   string `dash:"Region"`
	Previous string `dash:"Previous target"`
	Target   string `dash:"New target"`
	Reason   string `dash:"Reason"`
}

// targetDetails is what targetForm records in an audit event's details.
type targetDetails struct {
	Region   string `json:"region"`
	Previous int64  `json:"previous_cents"`
	Target   int64  `json:"target_cents"`
	Note     string `json:"note"`
}

func newEventRow(e audit.Event) eventRow {
	r := eventRow{When: e.At.Format(time.DateTime), Who: e.Who, Action: e.Action}
	var d targetDetails
	if e.Action != "target.update" || json.Unmarshal(e.Details, &d) != nil {
		// Not a target change (or details from another version): show
		// what there is rather than drop it.
		r.Reason = string(e.Details)
		return r
	}
	r.Region, r.Previous, r.Target, r.Reason = d.Region, money(d.Previous), money(d.Target), d.Note
	return r
}
