package sharedcache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/internal/redistest"
)

func open(t *testing.T, url string, cfg Config) *Store {
	t.Helper()
	cfg.URL = url
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func name(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), rand.Uint64()) }

// A replica whose lock was taken from it (it expired while the replica was
// paused, and another replica took it) cannot overwrite the newer value:
// its put carries a token the lock no longer holds.
func TestFencingTokenRefusesAStaleWriter(t *testing.T) {
	url := redistest.URL(t)
	n := name(t)
	a := open(t, url, Config{}).Cache(n, "k", "v", time.Minute)
	b := open(t, url, Config{}).Cache(n, "k", "v", time.Minute)
	rc := redistest.Client(t, url)
	ctx := context.Background()
	key := []byte("key")
	_, lockKey, _ := a.keys(key)

	inA, resumeA := make(chan struct{}), make(chan struct{})
	resA := make(chan Result, 1)
	go func() {
		r, err := a.Fetch(ctx, key, func([]byte) error { return nil }, func(context.Context) ([]byte, error) {
			close(inA)
			<-resumeA
			return []byte("stale"), nil
		})
		if err != nil {
			t.Error(err)
		}
		resA <- r
	}()
	<-inA
	tokenA, err := rc.Get(ctx, lockKey).Int64()
	if err != nil {
		t.Fatal(err)
	}
	// A's lock is lost (as if it expired while A was paused).
	rc.Del(ctx, lockKey)
	var got string
	rb, err := b.Fetch(ctx, key, func(bs []byte) error { got = string(bs); return nil },
		func(context.Context) ([]byte, error) { return []byte("fresh"), nil })
	if err != nil || rb.Source != FromComputed || !rb.Keep {
		t.Fatalf("b: %+v, %v; want it to compute and store", rb, err)
	}
	close(resumeA)
	ra := <-resA
	if ra.Keep {
		t.Fatalf("a's stale put was accepted: %+v", ra)
	}
	rb, err = b.Fetch(ctx, key, func(bs []byte) error { got = string(bs); return nil },
		func(context.Context) ([]byte, error) { return nil, errors.New("must not compute") })
	if err != nil || rb.Source != FromShared || got != "fresh" {
		t.Fatalf("Redis holds %q (%+v, %v), want b's fresh value", got, rb, err)
	}
	if last, err := rc.Get(ctx, "dash:c:"+n+":fence").Int64(); err != nil || last <= tokenA {
		t.Fatalf("tokens are not increasing: a held %d, the counter is at %d (%v)", tokenA, last, err)
	}
}

// Clear deletes every key of the cache and none of another cache whose
// name is a glob pattern matching it.
func TestClearDeletesOnlyItsOwnKeys(t *testing.T) {
	url := redistest.URL(t)
	n := name(t)
	s := open(t, url, Config{})
	mine, other := s.Cache(n+"[x]", "k", "v", time.Minute), s.Cache(n+"x", "k", "v", time.Minute)
	ctx := context.Background()
	for i := range 5 {
		for _, c := range []*Cache{mine, other} {
			if _, err := c.Fetch(ctx, []byte{byte(i)}, func([]byte) error { return nil },
				func(context.Context) ([]byte, error) { return []byte("v"), nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := mine.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	rc := redistest.Client(t, url)
	left, err := rc.Keys(ctx, "dash:c:"+globEscape(n)+"*:v:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range left {
		if strings.HasPrefix(k, mine.prefix) {
			t.Errorf("Clear left %s", k)
		}
	}
	if len(left) != 5 {
		t.Errorf("the other cache kept %d of its 5 keys: %v", len(left), left)
	}
}

// A Redis that stops answering (CLIENT PAUSE) is an outage like a dead
// one: Fetch computes locally once the operation times out.
func TestSlowRedisFallsBackToLocal(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.URL(), Config{Timeout: 100 * time.Millisecond, RetryAfter: 50 * time.Millisecond})
	c := s.Cache(name(t), "k", "v", time.Minute)
	ctx := context.Background()
	fetch := func(key string) Result {
		t.Helper()
		r, err := c.Fetch(ctx, []byte(key), func([]byte) error { return nil },
			func(context.Context) ([]byte, error) { return []byte("v"), nil })
		if err != nil {
			t.Fatalf("Fetch(%s): %v", key, err)
		}
		return r
	}
	if r := fetch("a"); r.Source != FromComputed {
		t.Fatalf("before the pause: %+v", r)
	}
	rc := redistest.Client(t, srv.URL())
	if err := rc.Do(ctx, "CLIENT", "PAUSE", "3000", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	if r := fetch("b"); r.Source != FromLocal {
		t.Fatalf("during the pause: %+v, want a local computation", r)
	}
	if s.Up() || c.Counters().Snapshot().Fallbacks == 0 {
		t.Fatalf("the pause was not noticed: up %v, %+v", s.Up(), c.Counters().Snapshot())
	}
	rc.Do(ctx, "CLIENT", "UNPAUSE")
	deadline := time.Now().Add(30 * time.Second)
	for fetch("c").Source == FromLocal {
		if time.Now().After(deadline) {
			t.Fatal("Redis never used again after the pause")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
