package rerunresource

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/dashvet/dashvet/dash"
	"github.com/redis/go-redis/v9"
)

// A resource kept in the session state is made once per session, not on
// every rerun; but a thousand sessions still open a thousand pools, and
// none is closed when its session ends.

func sessionPool(ui *dash.UI) {
	if !ui.State().Has("db") {
		db, _ := sql.Open("postgres", "postgres://db/sales") // want `^sessionPool → sql.Open: opens a new connection pool for every session, kept in its state; create it once with dash.CacheSingleton \(or dash.CacheResource, per key\)$`
		ui.State().Set("db", db)
	}
}

// sessionClient memoises a client with an early return.
func sessionClient(ui *dash.UI) *redis.Client {
	if c, ok := dash.Value[*redis.Client](ui.State(), "redis"); ok {
		return c
	}
	c := redis.NewClient(&redis.Options{}) // want `^sessionClient → redis.NewClient: opens a new connection pool for every session, kept in its state`
	ui.State().Set("redis", c)
	return c
}

// openDB is a helper whose pool is kept per session by its caller.
func openDB() *sql.DB {
	db, _ := sql.Open("postgres", "postgres://db/sales")
	return db
}

func sessionHelper(ui *dash.UI) {
	if _, ok := ui.State().Get("db2"); !ok {
		ui.State().Set("db2", openDB()) // want `^sessionHelper → openDB → sql.Open: opens a new connection pool for every session`
	}
}

// A client without connections of its own, and a per-session cache, are
// no finding.
func sessionCache(ui *dash.UI) {
	if !ui.State().Has("cache") {
		ui.State().Set("cache", dash.CacheData(func(ctx context.Context, region string) (int, error) { return len(region), nil }))
		ui.State().Set("client", &http.Client{})
	}
}
