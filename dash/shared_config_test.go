package dash

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/dash/internal/redistest"
)

func TestCacheRedisURLFromEverySource(t *testing.T) {
	const u = "redis://user:secret@127.0.0.1:6379/2"
	noEnv := func(string) string { return "" }
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("[cache]\nredis_url = \"rediss://r.example:6380/0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		dir  string
		env  func(string) string
		args []string
		opts []Option
		want string
	}{
		{"default", t.TempDir(), noEnv, nil, nil, ""},
		{"dash.toml", dir, noEnv, nil, nil, "rediss://r.example:6380/0"},
		{"environment", dir, func(k string) string {
			if k == "DASH_CACHE_REDIS_URL" {
				return u
			}
			return ""
		}, nil, nil, u},
		{"flag", dir, noEnv, []string{"--cache.redis-url", u, "--db", "x"}, nil, u},
		{"option", dir, noEnv, []string{"--cache.redis-url=redis://other:1"}, []Option{CacheRedisURL(u)}, u},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(tc.dir, tc.env, tc.args, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Cache.RedisURL != tc.want {
				t.Fatalf("RedisURL %q, want %q", cfg.Cache.RedisURL, tc.want)
			}
		})
	}
	if _, err := LoadConfig(t.TempDir(), noEnv, []string{"--cache.redis-url=http://x"}); err == nil || !strings.Contains(err.Error(), "not a Redis URL") {
		t.Fatalf("a non-Redis URL: %v", err)
	}
	if got := AppArgs([]string{"--cache.redis-url", u, "--db", "x"}); !slices.Equal(got, []string{"--db", "x"}) {
		t.Fatalf("AppArgs kept %v", got)
	}
	if !strings.Contains(ConfigUsage(), "DASH_CACHE_REDIS_URL") {
		t.Fatal("ConfigUsage does not list cache.redis-url")
	}
	if r := redactURL(u); strings.Contains(r, "secret") {
		t.Fatalf("redacted URL %q shows the password", r)
	}
}

func TestSharedStoreStartsFromConfig(t *testing.T) {
	url := redistest.URL(t)
	stop, err := startSharedStore(CacheConfig{RedisURL: url}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s := defaultShared.Load()
	if s == nil {
		t.Fatal("no process store after startSharedStore")
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	stop()
	if defaultShared.Load() != nil {
		t.Fatal("the process store is still set after stop")
	}
}

func TestSharedMetrics(t *testing.T) {
	url := redistest.URL(t)
	name := uniqueName(t)
	a := CacheData(func(_ context.Context, k int) (int, error) { return k, nil }, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	b := CacheData(func(_ context.Context, k int) (int, error) { return k, nil }, CacheName(name), Shared(openStore(t, url, SharedStoreConfig{})))
	for _, c := range []*DataCache[int, int]{a, b, b} {
		if _, err := c.Get(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
	}
	hs, _ := startPage(t, func(ui *UI) {})
	_, body := get(t, hs, pathMetrics)
	// The registries hold caches weakly: keep these alive until scraped.
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	for _, want := range []string{
		`dash_cache_shared_computes_total{cache="` + name + `"} 1`,
		`dash_cache_shared_hits_total{cache="` + name + `"} 1`,
		`dash_cache_hits_total{cache="` + name + `"} 1`, // b's second Get: its local copy
		`dash_cache_shared_lock_waits_total{cache="` + name + `"} 0`,
		`dash_cache_shared_errors_total{cache="` + name + `"} 0`,
		`dash_cache_shared_fallbacks_total{cache="` + name + `"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, grepLines(body, name))
		}
	}
}
