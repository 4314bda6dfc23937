package dash

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCacheResourceReleasesEveryInstanceOnce hammers a resource cache with
// concurrent Gets, Forgets, Clears, expiry, LRU eviction, failing creation,
// failing validation and cancelled callers, then checks the release
// contract: once everything settled and the cache was cleared, every
// created instance has been released exactly once.
func TestCacheResourceReleasesEveryInstanceOnce(t *testing.T) {
	clock := newCacheClock()
	var created atomic.Int64
	var mu sync.Mutex
	released := map[int64]int{}
	type res struct{ id int64 }
	c := CacheResource(
		func(ctx context.Context, key int) (*res, error) {
			if rand.IntN(10) == 0 {
				return nil, context.DeadlineExceeded // creation sometimes fails
			}
			return &res{id: created.Add(1)}, nil
		},
		OnRelease(func(r *res) {
			mu.Lock()
			released[r.id]++
			mu.Unlock()
		}),
		Validate(func(r *res) bool { return rand.IntN(20) != 0 }),
		MaxEntries(4), TTL(time.Minute), withClock(clock.Now),
	)

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 400 {
				key := rand.IntN(8)
				switch op := rand.IntN(20); {
				case op == 0:
					c.Forget(key)
				case op == 1 && g == 0:
					c.Clear()
				case op == 2:
					clock.Advance(20 * time.Second)
				case op == 3:
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					_, _ = c.Get(ctx, key)
				default:
					_, _ = c.Get(context.Background(), key)
				}
			}
		})
	}
	wg.Wait()
	// Computations detached by Clear or by their callers may still be
	// storing their result.
	cacheWaitFor(t, "running computations to finish", func() bool { return c.core.Running() == 0 })
	c.Clear()
	mu.Lock()
	defer mu.Unlock()
	n := created.Load()
	for id := int64(1); id <= n; id++ {
		if released[id] != 1 {
			t.Errorf("instance %d released %d times, want exactly once (created %d)", id, released[id], n)
		}
	}
	if len(released) != int(n) {
		t.Errorf("released %d distinct instances, created %d", len(released), n)
	}
}
