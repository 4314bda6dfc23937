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

// A Forget that cannot reach Redis (here: Redis paused) is replayed when
// Redis answers again: the value leaves Redis and the other replicas hear
// of it.
func TestForgetDuringAnOutageIsReplayed(t *testing.T) {
	srv := redistest.Start(t)
	n := name(t)
	cfg := Config{Timeout: 100 * time.Millisecond, RetryAfter: 50 * time.Millisecond}
	sa, sb := open(t, srv.URL(), cfg), open(t, srv.URL(), cfg)
	a, b := sa.Cache(n, "k", "v", time.Minute), sb.Cache(n, "k", "v", time.Minute)
	heard := make(chan string, 10)
	stop := b.Listen(&Listener{Forget: func(k []byte) { heard <- string(k) }, Clear: func() {}})
	defer stop()
	ctx := context.Background()
	if _, err := a.Fetch(ctx, []byte("k"), func([]byte) error { return nil },
		func(context.Context) ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	rc := redistest.Client(t, srv.URL())
	valueKey, _, _ := a.keys([]byte("k"))
	if err := rc.Do(ctx, "CLIENT", "PAUSE", "2000", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.Forget(ctx, []byte("k")); err == nil {
		t.Fatal("Forget reached a paused Redis")
	}
	if sa.Pending() != 1 {
		t.Fatalf("pending caches %d, want 1", sa.Pending())
	}
	rc.Do(ctx, "CLIENT", "UNPAUSE")
	deadline := time.Now().Add(30 * time.Second)
	for sa.Ping(ctx) != nil || sa.Pending() != 0 || rc.Exists(ctx, valueKey).Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("not replayed: pending %d, value key exists %d", sa.Pending(), rc.Exists(ctx, valueKey).Val())
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case k := <-heard:
		if k != "k" {
			t.Fatalf("replica b heard of %q", k)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("replica b never heard of the replayed Forget")
	}
}

// Credentials and TLS come from the URL: a server that requires a password
// is used with it, and without it the caches work local-only.
func TestAuthThroughTheURL(t *testing.T) {
	srv := redistest.StartWithPassword(t, "s3cret")
	ctx := context.Background()
	s := open(t, srv.URL(), Config{})
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("with the password in the URL: %v", err)
	}
	wrong := open(t, strings.Replace(srv.URL(), "s3cret", "wrong", 1), Config{})
	if err := wrong.Ping(ctx); err == nil || wrong.Up() {
		t.Fatal("a wrong password was accepted")
	}
	c := wrong.Cache(name(t), "k", "v", time.Minute)
	r, err := c.Fetch(ctx, []byte("k"), func([]byte) error { return nil },
		func(context.Context) ([]byte, error) { return []byte("v"), nil })
	if err != nil || r.Source != FromLocal {
		t.Fatalf("with a wrong password: %+v, %v; want a local computation", r, err)
	}
}

// (The store connects in the background; localhost:1 keeps that on
// loopback and refused.)
func TestTLSAndUserFromTheURL(t *testing.T) {
	s, err := Open(Config{URL: "rediss://dash:pw@localhost:1/3?dial_timeout=2s", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o := s.rdb.Options()
	if o.TLSConfig == nil || o.TLSConfig.ServerName != "localhost" || o.Username != "dash" || o.Password != "pw" || o.DB != 3 || o.DialTimeout != 2*time.Second {
		t.Fatalf("options from the URL: tls %v user %q db %d dial %v", o.TLSConfig, o.Username, o.DB, o.DialTimeout)
	}
	if _, err := Open(Config{URL: "http://localhost:1"}); err == nil {
		t.Fatal("a non-Redis URL was accepted")
	}
}
