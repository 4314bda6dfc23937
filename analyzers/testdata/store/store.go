// Package store is a data access layer in another package than the app:
// its functions reach sinks, which the engine carries across as facts.
package store

import (
	"context"
	"database/sql"
	"iter"
	"net/http"
	"sync"
	"time"
)

type Order struct {
	ID    int
	Total float64
}

// LoadOrders queries through an unexported helper.
func LoadOrders(ctx context.Context, db *sql.DB) ([]Order, error) {
	return queryOrders(ctx, db)
}

func queryOrders(ctx context.Context, db *sql.DB) ([]Order, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, total FROM orders")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Total); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Open constructs a pool.
func Open(dsn string) (*sql.DB, error) { return sql.Open("postgres", dsn) }

// Repo has methods with value and pointer receivers.
type Repo struct{ DB *sql.DB }

func (r Repo) Count(ctx context.Context) (n int, err error) {
	err = r.DB.QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&n)
	return n, err
}

func (r *Repo) Ping(ctx context.Context) error { return r.DB.PingContext(ctx) }

// Name does no I/O.
func (r *Repo) Name() string { return "orders" }

// Fetch is generic and does an HTTP request.
func Fetch[T any](ctx context.Context, url string) (T, error) {
	var zero T
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return zero, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return zero, err
	}
	resp.Body.Close()
	return zero, nil
}

// Handler returns a closure that queries when it is served, not when
// Handler is called: it must not count as a sink of Handler.
func Handler(db *sql.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		db.QueryContext(r.Context(), "SELECT 1")
	}
}

// Loader holds a fetch function its users set.
type Loader struct {
	Fetch func(ctx context.Context, url string) ([]byte, error)
}

// Retry runs f up to n times. It queries only through what its caller
// hands it: a caller passing a function that does not query is not
// charged with what CountOrders passes it.
func Retry[T any](ctx context.Context, n int, f func(context.Context) (T, error)) (T, error) {
	var v T
	var err error
	for range n {
		if v, err = f(ctx); err == nil {
			return v, nil
		}
	}
	return v, err
}

// CountOrders retries a query.
func CountOrders(ctx context.Context, db *sql.DB) (int, error) {
	return Retry(ctx, 3, func(ctx context.Context) (int, error) {
		var n int
		return n, db.QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&n)
	})
}

// Orders yields the orders as it reads them: ranging over its result
// queries.
func Orders(ctx context.Context, db *sql.DB) iter.Seq[Order] {
	return func(yield func(Order) bool) {
		rows, err := db.QueryContext(ctx, "SELECT id, total FROM orders")
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var o Order
			if rows.Scan(&o.ID, &o.Total) != nil || !yield(o) {
				return
			}
		}
	}
}

// Counter makes a loader: calling its result queries.
func Counter(db *sql.DB) func(context.Context) (int, error) {
	return func(ctx context.Context) (n int, err error) {
		err = db.QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&n)
		return n, err
	}
}

// Audit records an event: a write, carried across as one.
func Audit(ctx context.Context, db *sql.DB, event string) error {
	_, err := db.ExecContext(ctx, "INSERT INTO audit (event) VALUES ($1)", event)
	return err
}

// Refresher reloads the orders in a goroutine of its own whenever asked.
type Refresher struct {
	db   *sql.DB
	kick chan string
}

func NewRefresher(db *sql.DB) *Refresher {
	r := &Refresher{db: db, kick: make(chan string, 1)}
	go r.loop()
	return r
}

func (r *Refresher) loop() {
	for reason := range r.kick {
		r.db.ExecContext(context.Background(), "REFRESH MATERIALIZED VIEW orders_by_day")
		_ = reason
	}
}

// Refresh asks the loop for a refresh and returns at once.
func (r *Refresher) Refresh(reason string) {
	select {
	case r.kick <- reason:
	default:
	}
}

// Catalog loads its categories once per Catalog.
type Catalog struct {
	db   *sql.DB
	once sync.Once
	cats []string
}

func NewCatalog(db *sql.DB) *Catalog { return &Catalog{db: db} }

func (c *Catalog) Categories(ctx context.Context) []string {
	c.once.Do(func() {
		rows, err := c.db.QueryContext(ctx, "SELECT name FROM categories")
		if err == nil {
			rows.Close()
		}
	})
	return c.cats
}

// Jobs takes work for the job worker, started once by StartJobs.
var Jobs = make(chan string, 16)

func StartJobs(db *sql.DB) { go jobWorker(db) }

func jobWorker(db *sql.DB) {
	for job := range Jobs {
		db.ExecContext(context.Background(), "INSERT INTO jobs (name) VALUES ($1)", job)
	}
}

// Timed wraps a loader with a timer: the loader it returns runs fn.
func Timed[K, V any](name string, fn func(context.Context, K) (V, error)) func(context.Context, K) (V, error) {
	return func(ctx context.Context, k K) (V, error) {
		start := time.Now()
		defer func() { _ = time.Since(start) }()
		return fn(ctx, k)
	}
}
