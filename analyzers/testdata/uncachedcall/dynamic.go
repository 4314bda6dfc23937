package uncachedcall

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"dashapp/repo"
	"dashapp/salespb"
	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"
)

// Calls through function values: the engine follows the value to the
// functions stored in it.

func fetchHTTP(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var b json.RawMessage
	return b, json.NewDecoder(resp.Body).Decode(&b)
}

// A package-level variable whose only stores are functions.
var fetch = fetchHTTP

// A variable assigned elsewhere in the package too: both targets count.
var load func(ctx context.Context, region string) ([]Sale, error)

func init() { load = loadSales }

type service struct {
	fetch func(ctx context.Context, url string) ([]byte, error)
}

func newService(f func(ctx context.Context, url string) ([]byte, error)) *service {
	return &service{fetch: f}
}

var loaders = map[string]func(ctx context.Context, region string) ([]Sale, error){
	"sales": loadSales,
}

// withRetry runs the function it is given: the call to withRetry runs it.
func withRetry(ctx context.Context, attempts int, f func(context.Context) error) error {
	var err error
	for range attempts {
		if err = f(ctx); err == nil {
			return nil
		}
	}
	return err
}

type reports struct{ db string }

func (r *reports) daily(ctx context.Context) ([]Sale, error)  { return loadSales(ctx, "daily") }
func (r *reports) weekly(ctx context.Context) ([]Sale, error) { return loadSales(ctx, "weekly") }

func functionValues(ui *dash.UI) {
	ctx := ui.Context()
	fetch(ctx, "https://api.example.com/rates")   // want `^functionValues → fetchHTTP → \(\*http.Client\).Do: HTTP request runs on every rerun; wrap fetchHTTP in dash.CacheData$`
	load(ctx, "EMEA")                             // want `functionValues → loadSales → \(\*sql.DB\).QueryContext`
	newService(fetchHTTP).fetch(ctx, "https://x") // want `functionValues → fetchHTTP → \(\*http.Client\).Do`
	svc := &service{fetch: fetchHTTP}
	svc.fetch(ctx, "https://y")   // want `functionValues → fetchHTTP`
	loaders["sales"](ctx, "EMEA") // want `functionValues → loadSales`
	if f, ok := loaders[ui.Selectbox("Kind", []string{"sales"})]; ok {
		f(ctx, "APAC") // want `functionValues → loadSales`
	}
	withRetry(ctx, 3, func(ctx context.Context) error { // want `functionValues → withRetry → functionValues.func1 → loadSales`
		_, err := loadSales(ctx, "EMEA")
		return err
	})

	// A method value chosen in a switch.
	r := &reports{}
	pick := r.daily
	switch ui.Radio("Period", []string{"daily", "weekly"}) {
	case "weekly":
		pick = r.weekly
	}
	pick(ctx) // want `functionValues → \(\*reports\).(daily|weekly) → loadSales`

	// A method expression.
	(*reports).daily(r, ctx) // want `functionValues → \(\*reports\).daily → loadSales`

	// A value from out of sight: silence, not a guess.
	var cb func(context.Context) error
	json.Unmarshal(nil, &cb)
	if cb != nil {
		cb(ctx)
	}
}

// Calls through interfaces: every visible implementation must reach a
// sink, and the chain names the implementation.

var pgPool *pgxpool.Pool

type salesRepo interface {
	Totals(ctx context.Context, region string) ([]float64, error)
}

type pgRepo struct{ pool *pgxpool.Pool }

func (p *pgRepo) Totals(ctx context.Context, region string) ([]float64, error) {
	rows, err := p.pool.Query(ctx, "SELECT amount FROM sales WHERE region = $1", region)
	if err != nil {
		return nil, err
	}
	rows.Close()
	return nil, nil
}

type deps struct {
	repo    salesRepo
	sales   repo.Sales
	regions repo.Regions
	client  salespb.SalesServiceClient
}

var conn *grpc.ClientConn

func interfaces(ui *dash.UI) {
	ctx := ui.Context()
	p := &deps{repo: &pgRepo{pool: pgPool}, sales: repo.NewSales(pgPool), regions: repo.Fixed{"EMEA"}}
	p.repo.Totals(ctx, "EMEA")  // want `^interfaces → \(\*pgRepo\).Totals → \(\*pgxpool.Pool\).Query: database query runs on every rerun; wrap \(\*pgRepo\).Totals in dash.CacheData$`
	p.sales.Totals(ctx, "EMEA") // want `interfaces → \(\*repo.pgSales\).Totals → \(\*pgxpool.Pool\).Query: database query runs on every rerun; move the call into a loading function wrapped in dash.CacheData$`
	ui.Text(p.sales.Name())     // no I/O in any implementation
	p.regions.List(ctx)         // repo.Fixed does no I/O: not every implementation queries

	// The generated gRPC client: NewSalesServiceClient returns the
	// interface; its unexported implementation calls Invoke.
	client := salespb.NewSalesServiceClient(conn)
	client.Totals(ctx, &salespb.TotalsRequest{Region: "EMEA"}) // want `interfaces → \(\*salespb.salesServiceClient\).Totals → grpc.ClientConnInterface.Invoke: RPC runs on every rerun; move the call into a loading function wrapped in dash.CacheData$`
	p.client = client
	p.client.Totals(ctx, &salespb.TotalsRequest{}) // want `interfaces → \(\*salespb.salesServiceClient\).Totals`
}

// Guards by dominance: every shape that lets code run only after a click.

func confirmed(ui *dash.UI) bool { return ui.Button("Confirm") }

func guards(ui *dash.UI) {
	ctx := ui.Context()
	if confirmed(ui) {
		loadSales(ctx, "EMEA")
	}
	refresh := ui.Button("Refresh") || ui.Button("Reload")
	if refresh {
		loadSales(ctx, "EMEA")
	}
	for i := 0; i < 3; i++ {
		if !ui.Button("Step") {
			continue
		}
		loadSales(ctx, "EMEA")
	}
	clicked := ui.Button("Export")
	if !clicked {
		ui.Text("nothing to export")
	} else {
		loadSales(ctx, "ALL")
	}
	if ui.Button("A") || ui.Checkbox("Always", false) {
		loadSales(ctx, "ALL") // want `guards → loadSales`
	}
	if !ui.Button("Go") {
		ui.Text("waiting")
	}
	loadSales(ctx, "after") // want `guards → loadSales`
}

// A helper that draws UI: caching it would cache the drawing, so the
// advice is to move the query out of it.
type panelUI struct{ *dash.UI }

func (p panelUI) salesTable(region string) {
	rows, _ := db.QueryContext(p.Context(), "SELECT * FROM sales WHERE region = $1", region)
	if rows != nil {
		rows.Close()
	}
	p.Text("sales")
}

func (p panelUI) regionTable(region string) {
	sales, _ := loadSales(p.Context(), region)
	p.Table(sales)
}

func drawing(ui *dash.UI) {
	p := panelUI{ui}
	p.salesTable("EMEA")  // want `^drawing → panelUI.salesTable → \(\*sql.DB\).QueryContext: database query runs on every rerun; move the query out of panelUI.salesTable into a loading function wrapped in dash.CacheData$`
	p.regionTable("EMEA") // want `^drawing → panelUI.regionTable → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
}

// A long chain is elided in the message; the full chain stays in the
// related information.
func level1(ctx context.Context) { level2(ctx) }
func level2(ctx context.Context) { level3(ctx) }
func level3(ctx context.Context) { level4(ctx) }
func level4(ctx context.Context) { level5(ctx) }
func level5(ctx context.Context) { level6(ctx) }
func level6(ctx context.Context) { loadSales(ctx, "deep") }

func deep(ui *dash.UI) {
	level1(ui.Context()) // want `^deep → level1 → level2 → level3 → … 2 more … → level6 → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap level1 in dash.CacheData$`
}

// Literals handed to a callee whose body is out of sight run as part of
// the rerun (a WaitGroup, an errgroup), unless the callee is known to run
// them later: an HTTP handler runs per request, time.AfterFunc later.
func handedOver(ui *dash.UI) {
	var wg sync.WaitGroup
	wg.Go(func() {
		loadSales(context.Background(), "EMEA") // want `handedOver → loadSales`
	})
	wg.Wait()
	http.HandleFunc("/export", func(w http.ResponseWriter, r *http.Request) {
		loadSales(r.Context(), "EMEA")
	})
	time.AfterFunc(time.Minute, func() { loadSales(context.Background(), "later") })
}

// A field of another package's struct set here: the stores in sight.
func foreignField(ui *dash.UI) {
	l := store.Loader{Fetch: fetchHTTP}
	l.Fetch(ui.Context(), "https://z") // want `foreignField → fetchHTTP → \(\*http.Client\).Do`
}

// A helper that runs the function value it is handed is not what to
// cache (a function is no cache key): the function value is.
func retry[T any](ctx context.Context, n int, f func(context.Context) (T, error)) (T, error) {
	var v T
	var err error
	for range n {
		if v, err = f(ctx); err == nil {
			return v, nil
		}
	}
	return v, err
}

func fetchEMEA(ctx context.Context) ([]Sale, error) { return loadSales(ctx, "EMEA") }

func retried(ui *dash.UI) {
	n, _ := retry(ui.Context(), 3, func(ctx context.Context) (int, error) { // want `^retried → retry → retried.func1 → \(\*sql.DB\).QueryRowContext: database query runs on every rerun; wrap the function literal given to retry in dash.CacheData$`
		var n int
		return n, db.QueryRowContext(ctx, "SELECT count(*) FROM sales").Scan(&n)
	})
	sales, _ := retry(ui.Context(), 3, fetchEMEA) // want `^retried → retry → fetchEMEA → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap fetchEMEA in dash.CacheData$`
	ui.Metric("Sales", strconv.Itoa(n+len(sales)), "")
}

// A runner of another package: judged by what this caller hands it.
func retriedElsewhere(ui *dash.UI) {
	n, _ := store.Retry(ui.Context(), 3, func(context.Context) (int, error) { return 42, nil })
	orders, _ := store.Retry(ui.Context(), 3, func(ctx context.Context) ([]store.Order, error) { // want `^retriedElsewhere → store.Retry → retriedElsewhere.func2 → store.LoadOrders → store.queryOrders → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap the function literal given to store.Retry in dash.CacheData$`
		return store.LoadOrders(ctx, db)
	})
	ui.Metric("Orders", strconv.Itoa(n+len(orders)), "")
}

// Function values another package's functions return: an iterator over a
// query, a loader made by a factory.
func returnedValues(ui *dash.UI) {
	for o := range store.Orders(ui.Context(), db) { // want `^returnedValues → store.Orders → store.Orders.func1 → \(\*sql.DB\).QueryContext: database query runs on every rerun; move the query out of the function literal store.Orders returns into a loading function wrapped in dash.CacheData$`
		_ = o
	}
	count := store.Counter(db)
	n, _ := count(ui.Context()) // want `^returnedValues → store.Counter → store.Counter.func1 → \(\*sql.DB\).QueryRowContext: database query runs on every rerun; move the query out of the function literal store.Counter returns`
	_ = n
}

// Function types with methods adapt function values to an interface (the
// http.HandlerFunc pattern): the method runs the value converted.
type salesSource interface {
	Sales(ctx context.Context, region string) ([]Sale, error)
}

type salesFunc func(ctx context.Context, region string) ([]Sale, error)

func (f salesFunc) Sales(ctx context.Context, region string) ([]Sale, error) { return f(ctx, region) }

func inMemory(ctx context.Context, region string) ([]Sale, error) { return nil, nil }

func adapters(ui *dash.UI) {
	var src salesSource = salesFunc(loadSales)
	src.Sales(ui.Context(), "EMEA") // want `^adapters → salesFunc.Sales → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`

	var mem salesSource = salesFunc(inMemory)
	mem.Sales(ui.Context(), "EMEA") // an adapter of a function without I/O
}

// Decorator factories return a function that runs the one they are given.
func logged[K, V any](fn func(context.Context, K) (V, error)) func(context.Context, K) (V, error) {
	return func(ctx context.Context, k K) (V, error) {
		v, err := fn(ctx, k)
		return v, err
	}
}

func pureSales(ctx context.Context, region string) ([]Sale, error) { return nil, nil }

type salesLoader func(context.Context, string) ([]Sale, error)

// traced returns its literal as a named function type.
func traced(f salesLoader) salesLoader {
	return func(ctx context.Context, region string) ([]Sale, error) { return f(ctx, region) }
}

func factories(ui *dash.UI) {
	timed := store.Timed("sales", loadSales)
	timed(ui.Context(), "EMEA") // want `^factories → store.Timed → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
	withLog := logged(loadSales)
	withLog(ui.Context(), "EMEA") // want `^factories → logged → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
	pure := store.Timed("pure", pureSales)
	pure(ui.Context(), "EMEA")              // a factory around a function without I/O
	logged(pureSales)(ui.Context(), "EMEA") // the literal's other caller gave it loadSales, not this one
	logged(cachedSales.Get)(ui.Context(), "EMEA")
	traced(loadSales)(ui.Context(), "EMEA") // want `^factories → traced → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
	traced(cachedSales.Get)(ui.Context(), "EMEA")
}

var cachedSales = dash.CacheData(loadSales)
