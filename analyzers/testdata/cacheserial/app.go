package cacheserial // want package:"declaresCacheDataWrappers"

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/redis/go-redis/v9"
)

type Row struct {
	Region string
	Amount float64
	At     time.Time
}

type Report struct {
	Title string
	Rows  *sql.Rows
}

type Guarded struct {
	mu    sync.Mutex
	Items []Row
}

func loadRows(ctx context.Context, region string) ([]Row, error)       { return nil, nil }
func loadReport(ctx context.Context, region string) (Report, error)    { return Report{}, nil }
func loadGuarded(ctx context.Context, region string) (*Guarded, error) { return nil, nil }

// Plain data is fine, at package level or not.
var rows = dash.CacheData(loadRows)

var report = dash.CacheData(loadReport) // want `^dash.CacheData cannot deep-copy values of type Report: Report.Rows: \*sql.Rows: a result set is a live cursor over a connection; read it into plain rows and cache those$`

var guarded = dash.CacheData(loadGuarded) // want `dash.CacheData cannot deep-copy values of type \*Guarded: .*mu: sync.Mutex`

var pool = dash.CacheData(func(ctx context.Context, dsn string) (*sql.DB, error) { // want `dash.CacheData cannot deep-copy values of type \*sql.DB: a connection pool`
	return sql.Open("postgres", dsn)
})

var updates = dash.CacheData[string, chan Row](func(ctx context.Context, k string) (chan Row, error) { // want `chan Row`
	return make(chan Row), nil
})

// Generic wrappers are checked where they are instantiated, not inside.
func cached[V any](fn func(context.Context, string) (V, error)) *dash.DataCache[string, V] { // want cached:`cacheDataWrapper\(type params \[0\]\)`
	return dash.CacheData(fn)
}

var counts = cached(func(ctx context.Context, k string) (map[string]int, error) { return nil, nil })

// The resource belongs in a resource cache.
var good = dash.CacheResource(func(ctx context.Context, dsn string) (*sql.DB, error) {
	return sql.Open("postgres", dsn)
})

// A cursor or a transaction is live too, but serves one user at a time: a
// resource cache would share it between sessions, so no CacheResource fix
// is offered, only the advice of the rule.
var cursor = dash.CacheData(func(ctx context.Context, q string) (*sql.Rows, error) { // want `^dash.CacheData cannot deep-copy values of type \*sql.Rows: a result set is a live cursor over a connection; read it into plain rows and cache those$`
	return nil, nil
})

// A client meant to be shared gets the fix.
var rdb = dash.CacheData(func(ctx context.Context, addr string) (*redis.Client, error) { // want `^dash.CacheData cannot deep-copy values of type \*redis.Client: a connection pool is a shared live resource, not data; cache it with dash.CacheResource$`
	return redis.NewClient(&redis.Options{Addr: addr}), nil
})
