package uncachedcall

import (
	"context"
	"sync"
	"time"

	"dashapp/ttlmap"
	"github.com/dashvet/dashvet/dash"
)

// Caches written by hand run their work on a miss only, like a nil test
// of a package variable: a memo in a map or sync.Map whose miss branch
// stores into it, and a refresh test of a variable its branch assigns.

var configOnce = sync.OnceValues(func() ([]Sale, error) { return loadSales(context.Background(), "config") })

var (
	ttlMu      sync.Mutex
	ttlRows    []Sale
	ttlFetched time.Time
)

func recentSales(ctx context.Context) []Sale {
	ttlMu.Lock()
	defer ttlMu.Unlock()
	if !ttlFetched.IsZero() && time.Since(ttlFetched) < time.Minute {
		return ttlRows
	}
	ttlRows, _ = loadSales(ctx, "recent")
	ttlFetched = time.Now()
	return ttlRows
}

var byRegion sync.Map

func regionSales(ctx context.Context, region string) []Sale {
	if v, ok := byRegion.Load(region); ok {
		return v.([]Sale)
	}
	rows, _ := loadSales(ctx, region)
	byRegion.Store(region, rows)
	return rows
}

var (
	memoMu sync.RWMutex
	memo   = map[string][]Sale{}
)

func memoSales(ctx context.Context, region string) []Sale {
	memoMu.RLock()
	rows, ok := memo[region]
	memoMu.RUnlock()
	if ok {
		return rows
	}
	rows, _ = loadSales(ctx, region)
	memoMu.Lock()
	memo[region] = rows
	memoMu.Unlock()
	return rows
}

// forgetful looks up but never stores: every call misses.
func forgetful(ctx context.Context, region string) []Sale {
	if rows, ok := memo[region]; ok {
		return rows
	}
	rows, _ := loadSales(ctx, region)
	return rows
}

var stamped time.Time

// stampsAlways assigns the time whichever way the test goes: no cache.
func stampsAlways(ctx context.Context) {
	if time.Since(stamped) > time.Minute {
		loadSales(ctx, "stamp")
	}
	stamped = time.Now()
}

// salesMemo is a caching decorator: once per region per value.
type salesMemo struct {
	mu   sync.Mutex
	rows map[string][]Sale
}

func (m *salesMemo) get(ctx context.Context, region string) []Sale {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rows, ok := m.rows[region]; ok {
		return rows
	}
	rows, _ := loadSales(ctx, region)
	m.rows[region] = rows
	return rows
}

var sharedMemo = &salesMemo{rows: map[string][]Sale{}}

func memos(ui *dash.UI) {
	ctx := ui.Context()
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	configOnce()
	recentSales(ctx)
	regionSales(ctx, region)
	memoSales(ctx, region)
	sharedMemo.get(ctx, region)

	forgetful(ctx, region)                                   // want `memos → forgetful → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
	stampsAlways(ctx)                                        // want `memos → stampsAlways → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
	(&salesMemo{rows: map[string][]Sale{}}).get(ctx, region) // want `memos → \(\*salesMemo\).get → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; \(\*salesMemo\).get loads once per value of its receiver, and the value is made on every rerun: make it once`
}

var pending []string

// drain loops over a variable its body assigns: no cache.
func drain(ctx context.Context) {
	for len(pending) > 0 {
		loadSales(ctx, pending[0])
		pending = pending[1:]
	}
}

func draining(ui *dash.UI) {
	drain(ui.Context()) // want `draining → drain → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
}

// A TTL map of another package, in a package variable: its loader runs on
// a miss or an expired entry only.
var (
	salesTTL = ttlmap.New[string, []Sale](time.Minute)
	syncTTL  = &ttlmap.Sync[[]Sale]{}
)

func ttlMemos(ui *dash.UI) {
	ctx := ui.Context()
	salesTTL.GetOrLoad(ctx, "EMEA", loadSales)
	syncTTL.Get(ctx, "EMEA", loadSales)
	salesTTL.Peek(ctx, "EMEA", loadSales) // want `ttlMemos → \(\*ttlmap.Map\).Peek → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`

	// A memo made in the page is empty on every rerun.
	local := ttlmap.New[string, []Sale](time.Minute)
	local.GetOrLoad(ctx, "EMEA", loadSales)              // want `^ttlMemos → \(\*ttlmap.Map\).GetOrLoad → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; \(\*ttlmap.Map\).GetOrLoad loads once per value of its receiver, and the value is made on every rerun: make it once`
	(&ttlmap.Sync[[]Sale]{}).Get(ctx, "EMEA", loadSales) // want `ttlMemos → \(\*ttlmap.Sync\).Get → loadSales`
	pageMemo{salesTTL}.rows(ctx)
}

// A method handing its receiver's memo a loader: once per value of it.
type pageMemo struct{ m *ttlmap.Map[string, []Sale] }

func (p pageMemo) rows(ctx context.Context) []Sale {
	v, _ := p.m.GetOrLoad(ctx, "APAC", loadSales)
	return v
}
