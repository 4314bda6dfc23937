package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/sales/pricing"
)

// pool is opened correctly, once, in a resource cache; only the cache
// loaders below use it.
var pool = dash.CacheSingleton(func(ctx context.Context) (*sql.DB, error) {
	db, _, err := audit.Open(ctx, dataSource)
	return db, err
}, dash.OnRelease(func(db *sql.DB) { db.Close() }))

// liveReport holds a live result set: every session would read from, and
// close, the same cursor over one connection.
type liveReport struct {
	Region string
	Rows   *sql.Rows
}

// liveQuote holds a function: a data cache copies values, and a closure
// (with whatever it captured) cannot be copied.
type liveQuote struct {
	Quote   pricing.Quote
	Refresh func(context.Context) (pricing.Quote, error)
}

var liveReports, errLiveReport = tryCache(func() *dash.DataCache[string, liveReport] {
	return dash.CacheData(func(ctx context.Context, region string) (liveReport, error) { // MISTAKE(cacheserial): *sql.Rows is a live cursor, not data; read the rows into a slice of structs and cache that
		db, err := pool.Get(ctx)
		if err != nil {
			return liveReport{}, err
		}
		rows, err := db.QueryContext(ctx, dialect.Rebind("SELECT id, amount_cents FROM orders WHERE region = ?"), region)
		return liveReport{Region: region, Rows: rows}, err
	})
})

var liveQuotes, errLiveQuote = tryCache(func() *dash.DataCache[string, liveQuote] {
	return dash.CacheData(func(ctx context.Context, region string) (liveQuote, error) { // MISTAKE(cacheserial): a func cannot be deep-copied; cache the quote and call the service through a shared client
		return liveQuote{Refresh: func(context.Context) (pricing.Quote, error) {
			return pricing.Quote{Region: region, AsOf: time.Now()}, nil
		}}, nil
	})
})

// tryCache builds a cache the runtime may refuse: dash.CacheData panics at
// construction on a value type it cannot copy. Recovering here keeps the
// example running, so that the page can show the refusal.
func tryCache[C any](build func() C) (c C, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return build(), nil
}
