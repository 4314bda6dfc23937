package dash

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/internal/redistest"
)

// Replicas in these tests are caches of one name in one process, each
// with its own SharedStore (its own connections) and its own local tier:
// to Redis they are indistinguishable from caches in separate processes.

func openStore(t *testing.T, url string, cfg SharedStoreConfig) *SharedStore {
	t.Helper()
	cfg.URL = url
	s, err := OpenSharedStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// uniqueName keeps tests (and -count=N runs) out of each other's keys on
// the shared test server.
func uniqueName(t *testing.T) string {
	return fmt.Sprintf("%s-%d", t.Name(), rand.Uint64())
}

// eventually waits for cond without asserting any duration: the deadline
// only keeps a broken test from hanging.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type sharedReport struct {
	Region string
	rows   []sharedRow // unexported: carried too
	ByDay  map[int]float64
	At     time.Time
	Best   *sharedRow
	Empty  []string
}

type sharedRow struct {
	ID    int
	Label string
	tags  []string
}

func TestSharedCrossReplicaHit(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	var calls atomic.Int64
	fn := func(_ context.Context, region string) (sharedReport, error) {
		calls.Add(1)
		r := sharedReport{
			Region: region,
			rows:   []sharedRow{{1, "a", []string{"x"}}, {2, "b", nil}},
			ByDay:  map[int]float64{1: 1.5},
			At:     time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
			Empty:  []string{},
		}
		r.Best = &r.rows[0]
		return r, nil
	}
	a := CacheData(fn, CacheName(name), TTL(time.Minute), Shared(openStore(t, url, SharedStoreConfig{})))
	b := CacheData(fn, CacheName(name), TTL(time.Minute), Shared(openStore(t, url, SharedStoreConfig{})))
	ctx := context.Background()
	want, err := a.Get(ctx, "EMEA")
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "EMEA")
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the function ran %d times for two replicas, want 1", n)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("replica b got %+v, replica a computed %+v", got, want)
	}
	if got.Empty == nil || got.Best == nil {
		t.Fatalf("empty slice or pointer lost on the wire: %+v", got)
	}
	if sa, sb := a.SharedStats(), b.SharedStats(); sa.Computes != 1 || sb.SharedHits != 1 || sb.Computes != 0 {
		t.Fatalf("stats: a %+v, b %+v", sa, sb)
	}
	// b now answers from its local copy, and every Get is a private copy.
	got.rows[0].Label = "changed"
	again, err := b.Get(ctx, "EMEA")
	if err != nil {
		t.Fatal(err)
	}
	if again.rows[0].Label != "a" || b.Stats().Hits != 1 {
		t.Fatalf("local hit: %+v, stats %+v", again, b.Stats())
	}
}

func TestSharedEntryExpiresWithTheTTL(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	c := CacheData(func(_ context.Context, k int) (int, error) { return k * 2, nil },
		CacheName(name), TTL(90*time.Second), Shared(openStore(t, url, SharedStoreConfig{})))
	if _, err := c.Get(context.Background(), 21); err != nil {
		t.Fatal(err)
	}
	rc := redistest.Client(t, url)
	keys, err := rc.Keys(context.Background(), "dash:c:"+name+":*:v:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("value keys %v, %v; want one", keys, err)
	}
	ttl, err := rc.PTTL(context.Background(), keys[0]).Result()
	if err != nil || ttl <= 0 || ttl > 90*time.Second {
		t.Fatalf("expiry of %s: %v, %v; want at most the cache's TTL", keys[0], ttl, err)
	}
}

// 50 sessions spread over 3 replicas miss one key together: the function
// runs once in total.
func TestSharedSingleFlightAcrossReplicas(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	var calls atomic.Int64
	release := make(chan struct{})
	fn := func(ctx context.Context, k string) ([]int, error) {
		calls.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return []int{1, 2, 3}, nil
	}
	var replicas []*DataCache[string, []int]
	for range 3 {
		replicas = append(replicas, CacheData(fn, CacheName(name), TTL(time.Minute),
			Shared(openStore(t, url, SharedStoreConfig{}))))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := replicas[i%3].Get(context.Background(), "k")
			if err == nil && len(v) != 3 {
				err = fmt.Errorf("got %v", v)
			}
			errs <- err
		}()
	}
	// Let the computation finish only once both other replicas wait for it.
	eventually(t, "two replicas waiting for the third's lock", func() bool {
		var waits uint64
		for _, r := range replicas {
			waits += r.SharedStats().LockWaits
		}
		return waits >= 2
	})
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the function ran %d times across 3 replicas, want 1", n)
	}
}

// A replica that dies holding the lock blocks the others at most until the
// lock expires; then one of them computes.
func TestSharedDeadReplicaLockExpires(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	started := make(chan struct{}, 1)
	deadStore := openStore(t, url, SharedStoreConfig{LockTTL: 300 * time.Millisecond})
	dead := CacheData(func(ctx context.Context, k string) (string, error) {
		started <- struct{}{}
		<-stuck
		return "from the dead replica", nil
	}, CacheName(name), Shared(deadStore))
	go dead.Get(context.Background(), "k")
	<-started
	// The replica loses Redis for good: its lock is no longer extended.
	deadStore.Close()

	alive := CacheData(func(ctx context.Context, k string) (string, error) {
		return "from the live replica", nil
	}, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{LockTTL: 300 * time.Millisecond})))
	got, err := alive.Get(context.Background(), "k")
	if err != nil || got != "from the live replica" {
		t.Fatalf("got %q, %v", got, err)
	}
	if s := alive.SharedStats(); s.LockWaits != 1 || s.Computes != 1 {
		t.Fatalf("the live replica should have waited for the lock, then computed: %+v", s)
	}
}

func TestSharedForgetAndClearReachEveryReplica(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	var version atomic.Int64
	fn := func(_ context.Context, k string) (string, error) {
		return fmt.Sprintf("%s-v%d", k, version.Add(1)), nil
	}
	a := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	b := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	ctx := context.Background()
	for _, k := range []string{"x", "y"} {
		if _, err := a.Get(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Get(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if b.Stats().Entries != 2 || version.Load() != 2 {
		t.Fatalf("setup: b holds %d entries, %d computations", b.Stats().Entries, version.Load())
	}

	a.Forget("x")
	eventually(t, "b's local copy of x forgotten", func() bool { return b.Stats().Entries == 1 })
	got, err := b.Get(ctx, "x")
	if err != nil || got != "x-v3" {
		t.Fatalf("after Forget on a, b got %q, %v; want a fresh x-v3", got, err)
	}

	b.Clear()
	eventually(t, "a's local copies cleared", func() bool { return a.Stats().Entries == 0 })
	got, err = a.Get(ctx, "y")
	if err != nil || got != "y-v4" {
		t.Fatalf("after Clear on b, a got %q, %v; want a fresh y-v4", got, err)
	}
}

// A Forget while another replica computes keeps that (possibly stale)
// result out of Redis and out of every local tier; its callers still get
// it.
func TestSharedForgetDuringComputation(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	started, finish := make(chan struct{}), make(chan struct{})
	var calls atomic.Int64
	fn := func(_ context.Context, k string) (int64, error) {
		n := calls.Add(1)
		if n == 1 {
			close(started)
			<-finish
		}
		return n, nil
	}
	a := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	b := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	res := make(chan int64)
	go func() {
		v, _ := a.Get(context.Background(), "k")
		res <- v
	}()
	<-started
	b.Forget("k")
	close(finish)
	if v := <-res; v != 1 {
		t.Fatalf("a's caller got %d, want the value computed for it", v)
	}
	got, err := b.Get(context.Background(), "k")
	if err != nil || got != 2 {
		t.Fatalf("after the Forget, b got %d, %v; want a new computation", got, err)
	}
	if a.Stats().Entries != 0 {
		// a's own flight was detached by the invalidation, or its put was
		// refused: either way nothing stale is kept.
		eventually(t, "a keeps nothing stale", func() bool { return a.Stats().Entries == 0 })
	}
}

func TestSharedErrorsAreNotShared(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	boom := errors.New("boom")
	var fail atomic.Bool
	fail.Store(true)
	fn := func(_ context.Context, k int) (int, error) {
		if fail.Load() {
			return 0, boom
		}
		return k, nil
	}
	a := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	b := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	if _, err := a.Get(context.Background(), 7); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	fail.Store(false)
	// The failed computation gave its lock up: b computes at once.
	if v, err := b.Get(context.Background(), 7); err != nil || v != 7 {
		t.Fatalf("got %d, %v", v, err)
	}
}

func TestSharedUsesTheProcessStore(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	var calls atomic.Int64
	fn := func(_ context.Context, k int) (int, error) { calls.Add(1); return k, nil }
	// Created before any store is configured, as at package level.
	a := CacheData(fn, CacheName(name), Shared(nil))
	if _, err := a.Get(context.Background(), 1); err != nil || calls.Load() != 1 {
		t.Fatalf("local-only before configuration: %v, %d calls", err, calls.Load())
	}
	SetSharedStore(openStore(t, url, SharedStoreConfig{}))
	t.Cleanup(func() { SetSharedStore(nil) })
	b := CacheData(fn, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	if _, err := a.Get(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || b.SharedStats().SharedHits != 1 {
		t.Fatalf("after SetSharedStore: %d calls, b %+v", calls.Load(), b.SharedStats())
	}
}

func TestSharedRefusesWhatCannotCrossTheWire(t *testing.T) {
	type report struct {
		Title string
		Extra map[string]any
	}
	type ptrKey struct{ P *int }
	for _, tc := range []struct {
		name string
		make func()
		want string
	}{
		{"any inside the value", func() {
			CacheData(func(context.Context, string) (report, error) { return report{}, nil }, CacheName("r"), Shared(nil))
		}, `dash.CacheData "r": values of type dash.report cannot be shared between replicas: report.Extra[k]: any: `},
		{"pointer in the key", func() {
			CacheData(func(context.Context, ptrKey) (int, error) { return 0, nil }, CacheName("p"), Shared(nil))
		}, `dash.CacheData "p": keys of type dash.ptrKey cannot be shared between replicas: ptrKey.P: *int: `},
		{"copy rule first", func() {
			CacheData(func(context.Context, string) (chan int, error) { return nil, nil }, CacheName("c"), Shared(nil))
		}, `dash.CacheData "c": values of type chan int cannot be deep-copied: chan int: `},
		{"resource cache", func() {
			CacheResource(func(context.Context, string) (*strings.Builder, error) { return nil, nil }, CacheName("res"), Shared(nil))
		}, `dash.CacheResource "res": Shared is a data cache option`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, tc.want) {
					t.Fatalf("panic %q, want it to start with %q", msg, tc.want)
				}
			}()
			tc.make()
		})
	}
}

// Redis killed mid-run: every Get still answers (local-only), the outage
// is counted, and once Redis is back the replicas share again.
func TestSharedSurvivesRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	name := uniqueName(t)
	var calls atomic.Int64
	fn := func(_ context.Context, k int) (int, error) { calls.Add(1); return k * 10, nil }
	cfg := SharedStoreConfig{RetryAfter: 50 * time.Millisecond, Timeout: 200 * time.Millisecond}
	sa, sb := openStore(t, srv.URL(), cfg), openStore(t, srv.URL(), cfg)
	a := CacheData(fn, CacheName(name), Shared(sa))
	b := CacheData(fn, CacheName(name), Shared(sb))
	ctx := context.Background()
	get := func(c *DataCache[int, int], k int) {
		t.Helper()
		v, err := c.Get(ctx, k)
		if err != nil || v != k*10 {
			t.Fatalf("Get(%d) = %d, %v", k, v, err)
		}
	}
	get(a, 1)
	get(b, 1)
	if calls.Load() != 1 {
		t.Fatalf("before the outage: %d calls, want 1", calls.Load())
	}

	srv.Kill()
	for k := 2; k < 6; k++ {
		get(a, k)
		get(b, k)
	}
	// Whichever noticed first (a Get, or the invalidation listener), the
	// store is down and the values were computed local-only.
	if sa.Up() || a.SharedStats().Fallbacks == 0 {
		t.Fatalf("during the outage: up %v, stats %+v", sa.Up(), a.SharedStats())
	}
	a.Forget(2) // reaches this replica only; must not panic or block

	srv.Restart()
	eventually(t, "both replicas use Redis again", func() bool {
		get(a, 100)
		get(b, 100)
		return sa.Up() && sb.Up()
	})
	before := calls.Load()
	get(a, 200)
	get(b, 200)
	if n := calls.Load() - before; n != 1 {
		t.Fatalf("after Redis came back, a new key ran %d times across two replicas, want 1", n)
	}
}
