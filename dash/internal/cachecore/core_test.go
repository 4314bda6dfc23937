package cachecore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// startAbandoned starts a computation of key that blocks until release is
// closed, and makes its only caller give up.
func startAbandoned[V any](t *testing.T, c *Cache[string, V], key string, v V, release chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, key, func(context.Context, string) (V, error) {
			<-release
			return v, nil
		})
		done <- err
	}()
	waitUntil(t, "the computation to start", func() bool { return c.Running() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoning caller got %v", err)
	}
}

func TestAbandonedResultIsKeptWhenTheKeyIsFree(t *testing.T) {
	c := New(Config[string, int]{Name: "t"})
	release := make(chan struct{})
	startAbandoned(t, c, "k", 42, release)
	close(release)
	waitUntil(t, "the computation to finish", func() bool { return c.Running() == 0 })
	v, err := c.Get(context.Background(), "k", func(context.Context, string) (int, error) {
		return 0, errors.New("recomputed")
	})
	if err != nil || v != 42 {
		t.Fatalf("Get = %v, %v; the abandoned result was not kept", v, err)
	}
}

func TestForgottenResultIsDroppedUnlessKeepForgotten(t *testing.T) {
	for _, keep := range []bool{false, true} {
		var mu sync.Mutex
		var removed []int
		c := New(Config[string, int]{KeepForgotten: keep, OnRemove: func(_ string, v int) {
			mu.Lock()
			removed = append(removed, v)
			mu.Unlock()
		}})
		release := make(chan struct{})
		got := make(chan int, 1)
		go func() {
			v, _ := c.Get(context.Background(), "k", func(context.Context, string) (int, error) {
				<-release
				return 1, nil
			})
			got <- v
		}()
		waitUntil(t, "the computation to start", func() bool { return c.Running() == 1 })
		c.Forget("k")
		close(release)
		if v := <-got; v != 1 {
			t.Fatalf("waiter got %d", v)
		}
		waitUntil(t, "the computation to finish", func() bool { return c.Running() == 0 })
		if n := c.Stats().Entries; (n == 1) != keep {
			t.Errorf("KeepForgotten=%v: %d entries after the forgotten computation ended", keep, n)
		}
		c.Clear()
		mu.Lock()
		if keep && (len(removed) != 1 || removed[0] != 1) {
			t.Errorf("KeepForgotten: removed %v, want the kept value released by Clear", removed)
		}
		mu.Unlock()
	}
}

func TestLRUOrderAndExpiryOrder(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(0, 0)
	var removed []string
	setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	removedKeys := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), removed...) }
	c := New(Config[string, string]{
		MaxEntries: 3,
		TTL:        10 * time.Second,
		Now:        func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		OnRemove:   func(k, _ string) { mu.Lock(); removed = append(removed, k); mu.Unlock() },
	})
	get := func(k string) {
		if _, err := c.Get(context.Background(), k, func(_ context.Context, k string) (string, error) { return k, nil }); err != nil {
			t.Fatal(err)
		}
		// Entries evicted by an insert are released by the computing
		// goroutine after its callers were answered.
		waitUntil(t, "the computation to finish", func() bool { return c.Running() == 0 })
	}
	get("a")
	setNow(time.Unix(1, 0))
	get("b")
	setNow(time.Unix(2, 0))
	get("c")
	get("a") // a becomes most recently used; b is now the LRU
	get("d") // evicts b
	if r := removedKeys(); len(r) != 1 || r[0] != "b" {
		t.Fatalf("LRU eviction removed %v, want [b]", r)
	}
	// a was computed first, at 0s: it expires first although it was used last.
	setNow(time.Unix(10, 0))
	_ = c.Stats()
	if r := removedKeys(); len(r) != 2 || r[1] != "a" {
		t.Fatalf("expiry removed %v, want a next", r)
	}
	setNow(time.Unix(100, 0))
	if st := c.Stats(); st.Entries != 0 {
		t.Fatalf("entries after every TTL passed: %d", st.Entries)
	}
	if r := removedKeys(); len(r) != 4 {
		t.Fatalf("removed %v, want all four keys", r)
	}
}

func TestStoreErrorIsReturnedAndNotKept(t *testing.T) {
	errCopy := errors.New("cannot copy")
	c := New(Config[string, int]{Store: func(v int) (int, int64, error) {
		if v < 0 {
			return 0, 0, errCopy
		}
		return v, 8, nil
	}})
	_, err := c.Get(context.Background(), "k", func(context.Context, string) (int, error) { return -1, nil })
	if !errors.Is(err, errCopy) {
		t.Fatalf("err = %v", err)
	}
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("stats after a failed store: %+v", st)
	}
	if _, err := c.Get(context.Background(), "k", func(context.Context, string) (int, error) { return 1, nil }); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Entries != 1 || st.Bytes != 8 {
		t.Fatalf("stats after a store: %+v", st)
	}
}

func TestComputeTimeoutBoundsTheComputation(t *testing.T) {
	c := New(Config[string, int]{ComputeTimeout: time.Millisecond})
	_, err := c.Get(context.Background(), "k", func(ctx context.Context, _ string) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the compute timeout", err)
	}
}
