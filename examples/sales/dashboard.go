package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/sales/pricing"
	"github.com/dashvet/dashvet/examples/sales/store"
)

// backend is the process's one connection pool and the audit log writing
// through it. It lives in a resource cache: every session shares it.
type backend struct {
	db    *sql.DB
	audit *audit.Log
}

// dashboard holds the caches of the sales app. They are created once, in
// newDashboard, never in a page function: a cache created on the rerun
// path would start empty on every rerun and never hit.
type dashboard struct {
	dialect audit.Dialect

	backend *dash.Singleton[*backend]
	client  *dash.Singleton[*http.Client]

	regions  *dash.DataCache[struct{}, []string]
	months   *dash.DataCache[struct{}, []string]
	summary  *dash.DataCache[store.Filter, store.Summary]
	monthly  *dash.DataCache[store.Filter, []store.MonthRow]
	products *dash.DataCache[store.Filter, []store.ProductRow]
	largest  *dash.DataCache[store.Filter, []store.Order]
	targets  *dash.DataCache[struct{}, []store.Target]
	quotes   *dash.DataCache[string, pricing.Quote]
	trail    *dash.DataCache[trailKey, []audit.Event]
}

// trailKey selects the audit events the audit page shows.
type trailKey struct {
	limit  int
	action string
}

// largestN is how many of the largest orders the sales page lists.
const largestN = 100

func newDashboard(dsn, pricingURL string) (*dashboard, error) {
	dialect, _, err := audit.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", err)
	}
	d := &dashboard{dialect: dialect}

	// The pool: opened, migrated and seeded on first use, closed when the
	// cache releases it.
	d.backend = dash.CacheSingleton(func(ctx context.Context) (*backend, error) {
		return openBackend(ctx, dsn)
	},
		dash.CacheName("sales-db"),
		// Validate runs on a hit, which here means on a query cache miss,
		// not on every rerun; a pool whose database went away is replaced.
		dash.Validate(func(b *backend) bool {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return b.db.PingContext(ctx) == nil
		}),
		dash.OnRelease(func(b *backend) { b.db.Close() }),
	)
	// One HTTP client for every session, with its connection pool and a
	// timeout so a hung pricing service cannot hold a rerun forever.
	d.client = dash.CacheSingleton(func(ctx context.Context) (*http.Client, error) {
		return &http.Client{Timeout: 5 * time.Second}, nil
	}, dash.CacheName("pricing-http"))

	d.regions = dash.CacheData(func(ctx context.Context, _ struct{}) ([]string, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.RegionNames(ctx, b.db, d.dialect)
	}, dash.CacheName("regions"), dash.TTL(time.Hour))
	d.months = dash.CacheData(func(ctx context.Context, _ struct{}) ([]string, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.Months(ctx, b.db, d.dialect)
	}, dash.CacheName("months"), dash.TTL(time.Hour))

	// Query caches are keyed by the filters: every combination a user
	// picks is computed once, and moving a slider back is a hit.
	const queryTTL = 10 * time.Minute
	d.summary = dash.CacheData(func(ctx context.Context, f store.Filter) (store.Summary, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return store.Summary{}, err
		}
		return store.Summarize(ctx, b.db, d.dialect, f)
	}, dash.CacheName("summary"), dash.TTL(queryTTL), dash.MaxEntries(1000))
	d.monthly = dash.CacheData(func(ctx context.Context, f store.Filter) ([]store.MonthRow, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.Monthly(ctx, b.db, d.dialect, f)
	}, dash.CacheName("monthly"), dash.TTL(queryTTL), dash.MaxEntries(1000))
	d.products = dash.CacheData(func(ctx context.Context, f store.Filter) ([]store.ProductRow, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.ByProduct(ctx, b.db, d.dialect, f)
	}, dash.CacheName("by-product"), dash.TTL(queryTTL), dash.MaxEntries(1000))
	d.largest = dash.CacheData(func(ctx context.Context, f store.Filter) ([]store.Order, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.LargestOrders(ctx, b.db, d.dialect, f, largestN)
	}, dash.CacheName("largest-orders"), dash.TTL(queryTTL), dash.MaxEntries(1000))
	// Targets change through the form, which clears this cache; the TTL
	// covers changes made by other processes sharing a PostgreSQL database.
	d.targets = dash.CacheData(func(ctx context.Context, _ struct{}) ([]store.Target, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return store.Targets(ctx, b.db, d.dialect)
	}, dash.CacheName("targets"), dash.TTL(30*time.Second))

	// The pricing service is called at most once a minute per region,
	// however many sessions move however many sliders.
	d.quotes = dash.CacheData(func(ctx context.Context, region string) (pricing.Quote, error) {
		hc, err := d.client.Get(ctx)
		if err != nil {
			return pricing.Quote{}, err
		}
		c := pricing.Client{HTTP: hc, BaseURL: pricingURL}
		return c.Quote(ctx, region)
	}, dash.CacheName("price-quotes"), dash.TTL(time.Minute))

	// The audit page reads through a short TTL: fresh enough to show
	// another session's change within seconds, cheap under many viewers.
	d.trail = dash.CacheData(func(ctx context.Context, k trailKey) ([]audit.Event, error) {
		b, err := d.backend.Get(ctx)
		if err != nil {
			return nil, err
		}
		return b.audit.Recent(ctx, audit.Query{Limit: k.limit, Action: k.action})
	}, dash.CacheName("audit-trail"), dash.TTL(5*time.Second), dash.MaxEntries(100))
	return d, nil
}

// openBackend opens the pool, creates the schema and seeds the data on
// first run.
func openBackend(ctx context.Context, dsn string) (*backend, error) {
	dialect, _, err := audit.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if dialect == audit.SQLite && dsn != ":memory:" && !strings.HasPrefix(dsn, "file:") && !strings.Contains(dsn, "?") {
		// SQLite creates the file but not its directory.
		if dir := filepath.Dir(dsn); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("creating the data directory: %w", err)
			}
		}
	}
	db, dialect, err := audit.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	log, err := audit.New(db, dialect)
	if err == nil {
		err = setUp(ctx, db, dialect, log)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return &backend{db: db, audit: log}, nil
}

func setUp(ctx context.Context, db *sql.DB, d audit.Dialect, log *audit.Log) error {
	if err := store.Migrate(ctx, db, d); err != nil {
		return err
	}
	if _, err := store.Seed(ctx, db, d, store.DefaultSeed); err != nil {
		return err
	}
	return log.EnsureTable(ctx)
}

// App returns the dashboard's pages.
func (d *dashboard) App(opts ...dash.Option) *dash.App {
	return dash.NewApp(opts...).
		Page("/", "Sales", d.salesPage).
		Page("/audit", "Audit log", d.auditPage)
}

// Close releases the pool.
func (d *dashboard) Close() { d.backend.Forget() }
