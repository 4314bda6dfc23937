package dash

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
)

// cacheClock is an injectable clock: TTL tests move time instead of sleeping.
type cacheClock struct {
	mu sync.Mutex
	t  time.Time
}

func newCacheClock() *cacheClock { return &cacheClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *cacheClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *cacheClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// waitFor polls cond until it holds; it synchronises with goroutines that
// have no other observable signal (joining a flight) and fails after a
// generous deadline instead of hanging.
func cacheWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func cachePanicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

type cacheReport struct {
	Title  string
	Rows   []cacheRow
	Totals map[string]float64
	Best   *cacheRow
}

type cacheRow struct {
	Region string
	Tags   []string
}

func newCacheReport() cacheReport {
	return cacheReport{
		Title:  "sales",
		Rows:   []cacheRow{{Region: "EMEA", Tags: []string{"a"}}},
		Totals: map[string]float64{"EMEA": 1},
		Best:   &cacheRow{Region: "EMEA"},
	}
}

func mutateCacheReport(r *cacheReport) {
	r.Title = "changed"
	r.Rows[0].Region = "changed"
	r.Rows[0].Tags[0] = "changed"
	r.Totals["EMEA"] = 99
	r.Best.Region = "changed"
}

func cacheReportPristine(r cacheReport) bool {
	return r.Title == "sales" && r.Rows[0].Region == "EMEA" && r.Rows[0].Tags[0] == "a" &&
		r.Totals["EMEA"] == 1 && r.Best.Region == "EMEA"
}

func TestCacheDataCopyIndependence(t *testing.T) {
	var kept cacheReport // what fn still holds after returning
	c := CacheData(func(ctx context.Context, key string) (cacheReport, error) {
		kept = newCacheReport()
		return kept, nil
	})
	ctx := context.Background()

	miss, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	mutateCacheReport(&miss) // the caller that caused the miss changes its value
	mutateCacheReport(&kept) // and fn changes what it returned

	hit1, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if !cacheReportPristine(hit1) {
		t.Fatalf("a hit sees changes made to other copies: %+v", hit1)
	}
	mutateCacheReport(&hit1)
	hit2, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if !cacheReportPristine(hit2) {
		t.Fatalf("a hit sees changes made by an earlier hit: %+v", hit2)
	}
	if st := c.Stats(); st.Hits != 2 || st.Misses != 1 || st.Entries != 1 || st.Bytes <= 0 {
		t.Errorf("stats: %+v", st)
	}
}

func TestCacheDataConcurrentMissCallersGetDistinctCopies(t *testing.T) {
	release := make(chan struct{})
	c := CacheData(func(ctx context.Context, key string) (cacheReport, error) {
		<-release
		return newCacheReport(), nil
	})
	const n = 4
	results := make([]cacheReport, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := c.Get(context.Background(), "k")
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		})
	}
	cacheWaitFor(t, "all callers to join the flight", func() bool { return c.Stats().Misses == n })
	close(release)
	wg.Wait()
	for i := 1; i < n; i++ {
		if results[i].Best == results[0].Best || &results[i].Rows[0] == &results[0].Rows[0] {
			t.Fatalf("callers %d and 0 of one miss share memory", i)
		}
	}
	mutateCacheReport(&results[0])
	if !cacheReportPristine(results[1]) {
		t.Error("mutating one miss caller's value changed another's")
	}
}

func TestCacheDataTTL(t *testing.T) {
	clock := newCacheClock()
	var calls atomic.Int32
	c := CacheData(func(ctx context.Context, key int) (int, error) {
		return int(calls.Add(1)), nil
	}, TTL(time.Minute), withClock(clock.Now))
	ctx := context.Background()
	get := func() int {
		v, err := c.Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(); v != 1 {
		t.Fatalf("first Get = %d", v)
	}
	clock.Advance(59 * time.Second)
	if v := get(); v != 1 {
		t.Fatalf("Get before expiry recomputed: %d", v)
	}
	clock.Advance(time.Second)
	if c.Stats().Entries != 0 {
		t.Error("an expired entry is still counted")
	}
	if v := get(); v != 2 {
		t.Fatalf("Get after expiry = %d, want a recomputation", v)
	}
}

func TestCacheDataMaxEntriesEvictsLeastRecentlyUsed(t *testing.T) {
	calls := map[string]int{}
	var mu sync.Mutex
	c := CacheData(func(ctx context.Context, key string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[key]++
		return key, nil
	}, MaxEntries(2))
	ctx := context.Background()
	for _, k := range []string{"a", "b", "a", "c", "a", "b"} {
		if _, err := c.Get(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	// c evicted b (a was used more recently); b's return evicted c.
	want := map[string]int{"a": 1, "b": 2, "c": 1}
	for k, n := range want {
		if calls[k] != n {
			t.Errorf("key %s computed %d times, want %d (all: %v)", k, calls[k], n, calls)
		}
	}
	if st := c.Stats(); st.Entries != 2 {
		t.Errorf("entries = %d, want 2", st.Entries)
	}
}

func TestCacheDataMaxBytes(t *testing.T) {
	c := CacheData(func(ctx context.Context, key int) ([]byte, error) {
		return make([]byte, 1000), nil
	}, MaxBytes(2500))
	for k := range 5 {
		if _, err := c.Get(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.Stats(); st.Entries != 2 || st.Bytes > 2500 {
		t.Errorf("stats after 5 values of ~1KB under a 2.5KB bound: %+v", st)
	}
}

func TestCacheSingleFlight(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	c := CacheData(func(ctx context.Context, key string) ([]string, error) {
		calls.Add(1)
		<-release
		return []string{"rows"}, nil
	})
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			v, err := c.Get(context.Background(), "k")
			if err != nil || len(v) != 1 {
				t.Errorf("Get = %v, %v", v, err)
			}
		})
	}
	cacheWaitFor(t, "50 callers to miss", func() bool { return c.Stats().Misses == n })
	close(release)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("%d concurrent misses ran fn %d times, want 1", n, got)
	}
}

func TestCacheErrorIsNotCached(t *testing.T) {
	errDown := errors.New("database down")
	var calls atomic.Int32
	c := CacheData(func(ctx context.Context, key string) (int, error) {
		if calls.Add(1) == 1 {
			return 0, errDown
		}
		return 7, nil
	}, CacheName("flaky"))
	_, err := c.Get(context.Background(), "k")
	if !errors.Is(err, errDown) || !strings.Contains(err.Error(), `"flaky"`) {
		t.Fatalf("first Get error = %v, want errDown wrapped with the cache name", err)
	}
	if c.Stats().Entries != 0 {
		t.Fatal("an error was stored")
	}
	v, err := c.Get(context.Background(), "k")
	if err != nil || v != 7 {
		t.Fatalf("second Get = %v, %v; the error was cached", v, err)
	}
}

func TestCachePanickingFunctionIsAnError(t *testing.T) {
	c := CacheData(func(ctx context.Context, key string) (int, error) { panic("boom") })
	_, err := c.Get(context.Background(), "k")
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v, want the panic as an error", err)
	}
}

func TestCacheCancelledCallerDoesNotCancelOthers(t *testing.T) {
	release := make(chan struct{})
	var computeCancelled atomic.Bool
	c := CacheData(func(ctx context.Context, key string) (string, error) {
		select {
		case <-release:
			return "done", nil
		case <-ctx.Done():
			computeCancelled.Store(true)
			return "", ctx.Err()
		}
	})
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() { _, err := c.Get(ctxA, "k"); errA <- err }()
	cacheWaitFor(t, "caller A to start the computation", func() bool { return c.Stats().Misses == 1 })
	resB := make(chan string, 1)
	go func() {
		v, err := c.Get(context.Background(), "k")
		if err != nil {
			t.Error(err)
		}
		resB <- v
	}()
	cacheWaitFor(t, "caller B to join", func() bool { return c.Stats().Misses == 2 })

	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	close(release)
	if v := <-resB; v != "done" {
		t.Fatalf("caller B got %q", v)
	}
	if computeCancelled.Load() {
		t.Fatal("cancelling caller A cancelled the computation B waited for")
	}
}

func TestCacheComputationCancelledWhenEveryCallerLeaves(t *testing.T) {
	cancelled := make(chan struct{})
	c := CacheData(func(ctx context.Context, key string) (string, error) {
		<-ctx.Done()
		close(cancelled)
		return "", ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _, _ = c.Get(ctx, "k"); close(done) }()
	cacheWaitFor(t, "the caller to miss", func() bool { return c.Stats().Misses == 1 })
	cancel()
	<-done
	<-cancelled // the computation nobody waits for is stopped
}

func TestCacheForgetDropsRunningComputation(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	c := CacheData(func(ctx context.Context, key string) (int, error) {
		n := calls.Add(1)
		if n == 1 {
			<-release
		}
		return int(n), nil
	})
	res := make(chan int, 1)
	go func() {
		v, _ := c.Get(context.Background(), "k")
		res <- v
	}()
	cacheWaitFor(t, "the computation to start", func() bool { return calls.Load() == 1 })
	c.Forget("k") // the data changed under the running computation
	close(release)
	if v := <-res; v != 1 {
		t.Fatalf("waiter got %d", v)
	}
	v, err := c.Get(context.Background(), "k")
	if err != nil || v != 2 {
		t.Fatalf("Get after Forget = %v, %v; the stale result was kept", v, err)
	}
}

type copyableProblem = copyable.Problem

func TestCacheDataRejectsNonCopyableTypes(t *testing.T) {
	msg := cachePanicMessage(func() {
		CacheData(func(ctx context.Context, key string) (*sql.DB, error) { return nil, nil })
	})
	if !strings.Contains(msg, "*sql.DB") || !strings.Contains(msg, "CacheResource") {
		t.Errorf("panic for *sql.DB: %q", msg)
	}
	type report struct {
		Title string
		Rows  *sql.Rows
	}
	msg = cachePanicMessage(func() {
		CacheData(func(ctx context.Context, key string) (report, error) { return report{}, nil })
	})
	if !strings.Contains(msg, "report.Rows: *sql.Rows") {
		t.Errorf("panic for a struct holding *sql.Rows does not name the path: %q", msg)
	}
	msg = cachePanicMessage(func() {
		CacheData(func(ctx context.Context, key string) ([]func(), error) { return nil, nil })
	})
	if !strings.Contains(msg, "[]func()[i]: func()") {
		t.Errorf("panic for []func(): %q", msg)
	}
}

func TestCacheDataRejectsNonCopyableDynamicValues(t *testing.T) {
	var calls atomic.Int32
	c := CacheData(func(ctx context.Context, key string) (map[string]any, error) {
		calls.Add(1)
		return map[string]any{"updates": make(chan int)}, nil
	})
	for range 2 {
		_, err := c.Get(context.Background(), "k")
		var p *copyableProblem
		if !errors.As(err, &p) {
			t.Fatalf("err = %v, want a *copyable.Problem", err)
		}
		if p.Path != "map[string]any[k].(chan int)" || p.Type != "chan int" {
			t.Errorf("problem = %+v", p)
		}
	}
	if calls.Load() != 2 {
		t.Error("a value that cannot be copied was cached")
	}
}

func TestCacheOptionsAreCheckedAtConstruction(t *testing.T) {
	fn := func(ctx context.Context, key string) (int, error) { return 1, nil }
	msg := cachePanicMessage(func() { CacheResource(fn, Validate(func(s string) bool { return true })) })
	if !strings.Contains(msg, "Validate takes string but the cache holds int") {
		t.Errorf("mismatched Validate: %q", msg)
	}
	msg = cachePanicMessage(func() { CacheResource(fn, OnRelease(func(*sql.DB) {})) })
	if !strings.Contains(msg, "OnRelease takes *sql.DB but the cache holds int") {
		t.Errorf("mismatched OnRelease: %q", msg)
	}
	msg = cachePanicMessage(func() { CacheData(fn, OnRelease(func(int) {})) })
	if !strings.Contains(msg, "resource cache options") {
		t.Errorf("OnRelease on a data cache: %q", msg)
	}
}

// cachePool stands for a connection pool.
type cachePool struct {
	id     int
	closed atomic.Bool
}

type cachePoolFactory struct {
	mu       sync.Mutex
	created  []*cachePool
	released []int
}

func (f *cachePoolFactory) create(ctx context.Context, key string) (*cachePool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := &cachePool{id: len(f.created) + 1}
	f.created = append(f.created, p)
	return p, nil
}

func (f *cachePoolFactory) release(p *cachePool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p.closed.Store(true)
	f.released = append(f.released, p.id)
}

func (f *cachePoolFactory) releasedIDs() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.released...)
}

func TestCacheResourceSharesAndReleases(t *testing.T) {
	clock := newCacheClock()
	f := &cachePoolFactory{}
	c := CacheResource(f.create, OnRelease(f.release), MaxEntries(2), TTL(time.Hour), withClock(clock.Now))
	ctx := context.Background()
	a1, _ := c.Get(ctx, "a")
	a2, _ := c.Get(ctx, "a")
	if a1 != a2 {
		t.Fatal("a resource cache handed out two instances for one key")
	}
	_, _ = c.Get(ctx, "b")
	_, _ = c.Get(ctx, "c") // evicts a (least recently used)
	// The computing goroutine releases what its insert evicted after
	// answering its callers.
	cacheWaitFor(t, "the release of the evicted instance", func() bool { return c.core.Running() == 0 })
	if got := f.releasedIDs(); len(got) != 1 || got[0] != a1.id || !a1.closed.Load() {
		t.Fatalf("after MaxEntries eviction released %v, want [%d]", got, a1.id)
	}
	c.Forget("b")
	if got := f.releasedIDs(); len(got) != 2 || got[1] != 2 {
		t.Fatalf("after Forget released %v", got)
	}
	clock.Advance(2 * time.Hour)
	if st := c.Stats(); st.Entries != 0 {
		t.Fatalf("expired resource still cached: %+v", st)
	}
	if got := f.releasedIDs(); len(got) != 3 || got[2] != 3 {
		t.Fatalf("after expiry released %v", got)
	}
	_, _ = c.Get(ctx, "d")
	c.Clear()
	if got := f.releasedIDs(); len(got) != 4 {
		t.Fatalf("after Clear released %v", got)
	}
}

func TestCacheResourceValidateRecreates(t *testing.T) {
	f := &cachePoolFactory{}
	c := CacheResource(f.create, OnRelease(f.release),
		Validate(func(p *cachePool) bool { return p.id != 1 })) // the first pool goes bad
	ctx := context.Background()
	p1, _ := c.Get(ctx, "db")
	p2, err := c.Get(ctx, "db")
	if err != nil {
		t.Fatal(err)
	}
	if p2 == p1 || p2.id != 2 {
		t.Fatalf("an invalid resource was handed out again: %d", p2.id)
	}
	if got := f.releasedIDs(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("released %v, want the invalid pool 1", got)
	}
	p3, _ := c.Get(ctx, "db")
	if p3 != p2 {
		t.Fatal("a valid resource was recreated")
	}
}

func TestCacheResourceNotReleasedWhileValidating(t *testing.T) {
	f := &cachePoolFactory{}
	validating := make(chan struct{})
	proceed := make(chan struct{})
	var once sync.Once
	c := CacheResource(f.create, OnRelease(f.release), Validate(func(p *cachePool) bool {
		if p.id == 1 {
			once.Do(func() { close(validating) })
			<-proceed
		}
		return true
	}))
	ctx := context.Background()
	if _, err := c.Get(ctx, "db"); err != nil { // a miss: created, not validated
		t.Fatal(err)
	}
	got := make(chan *cachePool, 1)
	go func() {
		p, err := c.Get(ctx, "db")
		if err != nil {
			t.Error(err)
		}
		got <- p
	}()
	// Wait until the hit is inside Validate, then evict the pool.
	<-validating
	c.Forget("db")
	if len(f.releasedIDs()) != 0 {
		t.Fatal("a resource was released while a Get was validating it")
	}
	close(proceed)
	p := <-got
	if p.id == 1 || p.closed.Load() {
		t.Fatal("Get returned the resource removed during its validation")
	}
	if ids := f.releasedIDs(); len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("released %v, want [1] once validation finished", ids)
	}
}

func TestCacheSingleton(t *testing.T) {
	f := &cachePoolFactory{}
	s := CacheSingleton(func(ctx context.Context) (*cachePool, error) { return f.create(ctx, "") }, OnRelease(f.release))
	a, _ := s.Get(context.Background())
	b, _ := s.Get(context.Background())
	if a != b {
		t.Fatal("singleton created twice")
	}
	s.Forget()
	if !a.closed.Load() {
		t.Fatal("Forget did not release the instance")
	}
	c, _ := s.Get(context.Background())
	if c == a {
		t.Fatal("Get after Forget returned the released instance")
	}
	if st := s.Stats(); st.Hits != 1 || st.Misses != 2 || st.Entries != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheStatsAll(t *testing.T) {
	c := CacheData(func(ctx context.Context, key int) (int, error) { return key, nil }, CacheName("stats-all-test"))
	_, _ = c.Get(context.Background(), 1)
	_, _ = c.Get(context.Background(), 1)
	var found bool
	for _, s := range CacheStatsAll() {
		if s.Name == "stats-all-test" {
			found = true
			if s.Hits != 1 || s.Misses != 1 || s.Entries != 1 {
				t.Errorf("registry snapshot %+v", s)
			}
		}
	}
	if !found {
		t.Fatal("named cache missing from CacheStatsAll")
	}
	d := CacheData(func(ctx context.Context, key int) (int, error) { return key, nil })
	if name := d.Stats().Name; !strings.HasPrefix(name, "cache_test.go:") {
		t.Errorf("default name %q, want the creating file and line", name)
	}
}

func TestCacheRegistryForgetsCollectedCaches(t *testing.T) {
	func() {
		c := CacheData(func(ctx context.Context, key int) (int, error) { return key, nil }, CacheName("registry-gc-test"))
		_, _ = c.Get(context.Background(), 1)
	}()
	present := func() bool {
		for _, s := range CacheStatsAll() {
			if s.Name == "registry-gc-test" {
				return true
			}
		}
		return false
	}
	cacheWaitFor(t, "the dropped cache to leave the registry", func() bool {
		runtime.GC()
		return !present()
	})
}
