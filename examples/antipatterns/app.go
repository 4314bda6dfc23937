package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/antipatterns/store"
	"github.com/dashvet/dashvet/examples/sales/pricing"
)

// salesPage runs from the top on every interaction of every session, so
// everything in it that is not behind a cache happens on every rerun.
func salesPage(ui *dash.UI) {
	ctx := ui.Context()
	ui.Title("Sales, the wrong way")
	ui.Caption("Every section below contains a mistake that dashvet reports; see docs/examples.md.")

	st := ui.State()
	st.Set("count", 0) // MISTAKE(stateinit): resets the counter on every rerun, so it never counts past one; use SetDefault("count", 0)
	if ui.Button("Count") {
		n, _ := dash.Value[int](st, "count")
		st.Set("count", n+1) // fine: runs once per click
	}
	n, _ := dash.Value[int](st, "count")
	ui.Text(fmt.Sprintf("Clicks counted: %d (the unguarded Set above resets it on every rerun)", n))

	db, err := sql.Open(dialect.Driver(), dataSource) // MISTAKE(rerunresource): a new connection pool per rerun and per session; open it in dash.CacheSingleton
	if err != nil {
		ui.Error(err.Error())
		return
	}
	// Like most pools opened on the rerun path, this one is never closed
	// (unless --close-pools): nothing owns it once the run ends, and a
	// *sql.DB has no finalizer, so its idle connections stay open until the
	// database server runs out of them ("too many clients"). Closing it only
	// trades that for a new connection and handshake per rerun.
	if closePools {
		defer db.Close()
	}

	rows, err := db.QueryContext(ctx, "SELECT DISTINCT region FROM orders ORDER BY region") // MISTAKE(uncachedcall): a query on every rerun; load it in dash.CacheData
	if err != nil {
		ui.Error(err.Error())
		return
	}
	var regions []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err == nil {
			regions = append(regions, r)
		}
	}
	rows.Close()
	region := ui.Sidebar().Selectbox("Region", regions)

	revenue, err := revenueOf(ctx, db, region) // MISTAKE(uncachedcall): the helper queries on every rerun; wrap it in dash.CacheData keyed by region
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Metric("Revenue", fmt.Sprintf("$%d", revenue/100), "")

	orders, err := store.LoadOrders(ctx, db, dialect, region) // MISTAKE(uncachedcall): another package's helper that queries; wrap it in dash.CacheData
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Subheader("Largest orders")
	ui.Table(orders)

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}} // MISTAKE(rerunresource): a new transport with its own connection pool per rerun; share one client from dash.CacheSingleton
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pricingURL+"/v1/prices?region="+url.QueryEscape(region), nil)
	if err != nil {
		ui.Error(err.Error())
		return
	}
	resp, err := client.Do(req) // MISTAKE(uncachedcall): the pricing service is called on every rerun of every session; cache the quote with dash.CacheData and a TTL
	if err != nil {
		ui.Error(err.Error())
		return
	}
	var quote pricing.Quote
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&quote)
	resp.Body.Close()
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Subheader("List prices")
	ui.Table(quote.Prices)

	// The runtime refuses both caches below when they are created, as
	// cacheserial does at compile time; the page says what it refused.
	if errLiveReport != nil {
		ui.Warning("dash refused the live report cache: " + errLiveReport.Error())
	}
	if errLiveQuote != nil {
		ui.Warning("dash refused the live quote cache: " + errLiveQuote.Error())
	}

	ui.Form("note", func(f *dash.UI) {
		note := f.TextInput("Note", "")
		if f.SubmitButton("Save note") {
			// Writing under the submit is right: it runs once per click.
			log, err := audit.New(db, dialect)
			if err == nil {
				details, _ := json.Marshal(map[string]string{"note": note})
				_, err = log.Record(f.Context(), audit.Event{Who: "antipatterns", Page: "/", Action: "note", Details: details})
			}
			if err != nil {
				f.Error(err.Error())
			} else {
				f.Success("Saved.")
			}
		}
	})
}

// revenueOf returns a region's revenue. It queries on every call.
func revenueOf(ctx context.Context, db *sql.DB, region string) (int64, error) {
	var cents int64
	err := db.QueryRowContext(ctx, dialect.Rebind("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM orders WHERE region = ?"), region).Scan(&cents)
	if err != nil {
		return 0, fmt.Errorf("revenue of %s: %w", region, err)
	}
	return cents, nil
}
