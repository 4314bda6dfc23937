package uncachedcall

import (
	"context"
	"database/sql"
	"iter"
	"net/http"
	"os"
	"strconv"

	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

var db *sql.DB

type Sale struct {
	Region string
	Amount float64
}

func loadSales(ctx context.Context, region string) ([]Sale, error) {
	rows, err := db.QueryContext(ctx, "SELECT region, amount FROM sales WHERE region = $1", region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return nil, nil
}

// The correct pattern: the loader runs on a cache miss only.
var salesCache = dash.CacheData(loadSales, dash.CacheName("sales"))

func app(ui *dash.UI) {
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	loadSales(ui.Context(), region) // want `^app → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`

	sales, _ := salesCache.Get(ui.Context(), region) // cached: not reported
	ui.Table(sales)

	db.PingContext(ui.Context()) // want `^app → \(\*sql.DB\).PingContext: database query runs on every rerun; move it into a loading function wrapped in dash.CacheData$`

	resp, err := http.Get("https://api.example.com/rates") // want `app → http.Get: HTTP request runs on every rerun`
	if err == nil {
		resp.Body.Close()
	}
	os.ReadFile("data.csv") // want `app → os.ReadFile: file is read on every rerun`
	// A library's own file reads are not followed: pgx reads the TLS
	// files a DSN names while it parses it.
	pgxpool.ParseConfig("postgres://db/sales?sslrootcert=/etc/ssl/ca.pem")
}

// Cross-package facts, methods on value and pointer receivers, generics.
func orders(ui *dash.UI) {
	ctx := ui.Context()
	store.LoadOrders(ctx, db) // want `orders → store.LoadOrders → store.queryOrders → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap store.LoadOrders in dash.CacheData`
	repo := store.Repo{DB: db}
	repo.Count(ctx)                        // want `orders → store.Repo.Count → \(\*sql.DB\).QueryRowContext`
	(&repo).Ping(ctx)                      // want `orders → \(\*store.Repo\).Ping → \(\*sql.DB\).PingContext`
	ui.Text(repo.Name())                   // no I/O
	store.Fetch[[]Sale](ctx, "https://x/") // want `orders → store.Fetch → \(\*http.Client\).Do: HTTP request runs on every rerun`
	store.Handler(db)                      // returns a closure: not a call to the database
}

// Closures, goroutines and defer are part of the rerun path.
func closures(ui *dash.UI) {
	load := func() {
		loadSales(ui.Context(), "EMEA") // want `closures → loadSales → \(\*sql.DB\).QueryContext`
	}
	load()
	go func() {
		db.ExecContext(context.Background(), "UPDATE hits SET n = n + 1") // want `closures → \(\*sql.DB\).ExecContext`
	}()
	defer db.ExecContext(context.Background(), "INSERT INTO visits DEFAULT VALUES") // want `closures → \(\*sql.DB\).ExecContext`
}

// Trigger guards: a click runs the code once, not on every rerun.
func triggers(ui *dash.UI) {
	if ui.Button("Refresh") {
		loadSales(ui.Context(), "EMEA")
	}
	clicked := ui.Button("Export")
	if clicked && ui.Checkbox("All", false) {
		loadSales(ui.Context(), "ALL")
	}
	ui.Form("filters", func(f *dash.UI) {
		region := f.Selectbox("Region", []string{"EMEA"})
		if !f.SubmitButton("Apply") {
			return
		}
		loadSales(f.Context(), region)
	})
	ui.Button("Reload", dash.OnChange(func(cb *dash.UI) {
		loadSales(cb.Context(), "EMEA") // a Button's callback runs once per click
	}))
	if ui.Checkbox("Live", false) {
		loadSales(ui.Context(), "LIVE") // want `triggers → loadSales`
	}
	ui.Slider("Days", 1, 30, 7, dash.OnChange(func(cb *dash.UI) {
		// Any widget's callback runs once per change of that widget, not
		// on every rerun: what it does is an action (a write, a load
		// into the state).
		sales, _ := loadSales(cb.Context(), "EMEA")
		cb.State().Set("sales", sales)
	}))
}

// Helpers that take the UI are entries of their own, reported there.
func page(ui *dash.UI) {
	panel(ui)
}

func panel(ui *dash.UI) {
	loadSales(ui.Context(), "EMEA") // want `panel → loadSales`
}

// Redis commands are methods of an embedded type; matched by package path.
var rdb = redis.NewClient(&redis.Options{Addr: "cache:6379"})

func counters(ui *dash.UI) {
	v, _ := rdb.Get(ui.Context(), "visits").Result() // want `counters → redis.cmdable.Get: database query runs on every rerun`
	ui.Text(v)
}

// Functions given to the caches run on a miss.
var pool = dash.CacheSingleton(func(ctx context.Context) (*sql.DB, error) {
	db, err := sql.Open("postgres", "")
	if err != nil {
		return nil, err
	}
	return db, db.PingContext(ctx)
})

func main() {
	dash.NewApp().
		Page("/", "Sales", app).
		Page("/orders", "Orders", orders).
		Page("/x", "X", func(ui *dash.UI) {
			db.QueryContext(ui.Context(), "SELECT 1") // want `main.func1 → \(\*sql.DB\).QueryContext`
		}).
		Run()
}

// Methods of generic types, range-over-func, method values, interfaces.
type Repo[T any] struct{ db *sql.DB }

func (r *Repo[T]) All(ctx context.Context) ([]T, error) {
	_, err := r.db.QueryContext(ctx, "SELECT 1")
	return nil, err
}

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// regions yields the regions as it reads them: its query runs when a
// loop ranges over it.
func regions(ctx context.Context) iter.Seq[string] {
	return func(yield func(string) bool) {
		rows, err := db.QueryContext(ctx, "SELECT DISTINCT region FROM sales")
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var r string
			if rows.Scan(&r) != nil || !yield(r) {
				return
			}
		}
	}
}

// The iterator call has no position of its own: the finding is at the
// call that makes the iterator, on the loop's line.
func rangeOverQuery(ui *dash.UI) {
	for r := range regions(ui.Context()) { // want `^rangeOverQuery → regions.func1 → \(\*sql.DB\).QueryContext: database query runs on every rerun; move the query out of the function literal in regions into a loading function wrapped in dash.CacheData$`
		ui.Text(r)
	}
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// countWith calls a method of its type parameter: the implementations of
// its constraint are the candidates.
func countWith[Q querier](ctx context.Context, q Q) int {
	rows, err := q.QueryContext(ctx, "SELECT id FROM sales")
	if err != nil {
		return 0
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func typeParamPage(ui *dash.UI) {
	ui.Text(strconv.Itoa(countWith(ui.Context(), db))) // want `^typeParamPage → countWith → querier.QueryContext: database query runs on every rerun; wrap countWith in dash.CacheData$`
}

func generics(ui *dash.UI) {
	r := &Repo[Sale]{db: db}
	r.All(ui.Context()) // want `generics → \(\*Repo\).All → \(\*sql.DB\).QueryContext`
	for range count(3) {
		loadSales(ui.Context(), "x") // want `generics → loadSales`
	}
	f := db.QueryContext        // a method value is followed to the method
	f(ui.Context(), "SELECT 1") // want `generics → \(\*sql.DB\).QueryContext`
	var q querier = db
	q.QueryContext(ui.Context(), "SELECT 1") // want `generics → \(\*sql.DB\).QueryContext`
	switch {
	case ui.Button("Export"):
		loadSales(ui.Context(), "ALL")
	}
}

// Spinner runs its function there and then, on every rerun.
func spinner(ui *dash.UI) {
	var sales []Sale
	ui.Spinner("Loading…", func() {
		sales, _ = loadSales(ui.Context(), "EMEA") // want `spinner → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData`
	})
	ui.Text(sales[0].Region)
}
