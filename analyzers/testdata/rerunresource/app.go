package rerunresource

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"time"

	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
	"github.com/redis/go-redis/v9"
)

// The correct patterns: one pool for the process, created on first use,
// and a package-level client.
var pool = dash.CacheSingleton(func(ctx context.Context) (*sql.DB, error) {
	return sql.Open("postgres", "postgres://db/sales")
}, dash.OnRelease(func(db *sql.DB) { db.Close() }))

var client = &http.Client{Timeout: 5 * time.Second}

var perTenant = dash.CacheResource(func(ctx context.Context, tenant string) (*redis.Client, error) {
	return redis.NewClient(&redis.Options{Addr: tenant + ":6379"}), nil
})

func good(ui *dash.UI) {
	db, err := pool.Get(ui.Context())
	if err != nil {
		ui.Error(err.Error())
		return
	}
	_ = db
	_ = client
	perTenant.Get(ui.Context(), "acme")
}

func newDB() (*sql.DB, error) { return sql.Open("postgres", "postgres://db/sales") }

func bad(ui *dash.UI) {
	db, _ := sql.Open("postgres", "postgres://db/sales") // want `^bad → sql.Open: opens a new connection pool on every rerun; create it once with dash.CacheSingleton \(or dash.CacheResource, per key\)$`
	defer db.Close()
	newDB()        // want `^bad → newDB → sql.Open: opens a new connection pool on every rerun; cache the result of newDB with dash.CacheSingleton`
	store.Open("") // want `bad → store.Open → sql.Open`
	// A client literal with no Transport of its own shares
	// http.DefaultTransport: no new connections.
	c := &http.Client{Timeout: time.Second}
	c.CloseIdleConnections()
	// One with its own Transport opens its own.
	tc := &http.Client{Transport: &http.Transport{MaxIdleConns: 4}} // want `^bad → http.Transport\{\}: creates a new client, with its own connections, on every rerun; create it once with dash.CacheSingleton \(or dash.CacheResource, per key\)$`
	tc.CloseIdleConnections()
	redis.NewClient(&redis.Options{}) // want `bad → redis.NewClient`
}

// A cache built inside the app is empty on every rerun.
func cacheInApp(ui *dash.UI) {
	sales := dash.CacheData(func(ctx context.Context, region string) ([]float64, error) { // want `cacheInApp → dash.CacheData: creates a new, empty cache on every rerun, so it never hits; declare the cache once, at package level`
		return nil, nil
	})
	sales.Get(ui.Context(), "EMEA")
}

// Once per click is not per rerun.
func clicked(ui *dash.UI) {
	if ui.Button("Reconnect") {
		sql.Open("postgres", "")
	}
}

// A package-level sync.Once runs its function once per process.
var (
	once   sync.Once
	shared *sql.DB
)

func viaOnce(ui *dash.UI) {
	once.Do(func() { shared, _ = sql.Open("postgres", "") })
	onceMore := sync.OnceValue(func() *http.Transport { return &http.Transport{} }) // want `viaOnce → http.Transport\{\}`
	onceMore().CloseIdleConnections()
	// A Once made in the page is new on every rerun.
	var local sync.Once
	local.Do(func() { shared, _ = sql.Open("postgres", "") }) // want `viaOnce → sql.Open: opens a new connection pool on every rerun`
	svc := &struct{ once sync.Once }{}
	svc.once.Do(func() { shared, _ = sql.Open("postgres", "") }) // want `viaOnce → sql.Open`
}

// Generic helpers and goroutines.
func open[T any](dsn string) (*sql.DB, T) {
	var zero T
	db, _ := sql.Open("postgres", dsn)
	return db, zero
}

func generic(ui *dash.UI) {
	open[int]("") // want `generic → open → sql.Open`
	go func() {
		tr := &http.Transport{} // want `generic → http.Transport\{\}`
		tr.CloseIdleConnections()
	}()
}

// A helper that draws UI and opens a pool: caching it would cache the
// drawing, so the advice is to move the constructor out of it.
type panel struct{ *dash.UI }

func (p panel) status(dsn string) {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		p.Error(err.Error())
		return
	}
	db.Close()
	p.Text("connected")
}

func drawing(ui *dash.UI) {
	panel{ui}.status("postgres://db/sales") // want `^drawing → panel.status → sql.Open: opens a new connection pool on every rerun; move it out of panel.status into dash.CacheSingleton \(or dash.CacheResource, per key\)$`
}

// A helper that runs the function it is handed: what to cache is the
// pool the literal opens, not the helper.
func withRetry(ctx context.Context, f func(context.Context) error) error { return f(ctx) }

func retried(ui *dash.UI) {
	_ = withRetry(ui.Context(), func(ctx context.Context) error { // want `^retried → withRetry → retried.func1 → sql.Open: opens a new connection pool on every rerun; create it once with dash.CacheSingleton \(or dash.CacheResource, per key\) instead of in the function literal given to withRetry$`
		db, err := sql.Open("postgres", "postgres://db/sales")
		if err != nil {
			return err
		}
		return db.PingContext(ctx)
	})
}

// tunedClient clones the default transport to tune it: the clone keeps its
// own connections.
func tunedClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: t}
}

func cloned(ui *dash.UI) {
	c := tunedClient() // want `^cloned → tunedClient → \(\*http.Transport\).Clone: creates a new client, with its own connections, on every rerun; cache the result of tunedClient with dash.CacheSingleton`
	c.CloseIdleConnections()
}
