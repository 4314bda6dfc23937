package dash

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/copyable/wire"
	"github.com/dashvet/dashvet/dash/internal/cachecore"
	"github.com/dashvet/dashvet/dash/internal/sharedcache"
)

// SharedStore is a connection to the Redis server that shared data caches
// (CacheData with the Shared option) keep their entries in, so that every
// replica of an app reads what one of them computed. Open one with
// OpenSharedStore, or configure the process's store with [cache] redis_url
// and use Shared(nil).
type SharedStore struct {
	s *sharedcache.Store
}

// SharedStoreConfig configures OpenSharedStore. Zero fields take the
// defaults.
type SharedStoreConfig struct {
	// URL is the Redis server: redis://[user:password@]host:port[/db], or
	// rediss://... for TLS; credentials and TLS go through the URL.
	URL string
	// LockTTL is the expiry of the lock a replica holds while it computes
	// a value for all of them; it is extended while the computation runs,
	// so it only bounds how long a replica that died blocks the others.
	// Default 10s.
	LockTTL time.Duration
	// Timeout bounds one Redis operation (unless the URL sets its own
	// timeouts); a slower Redis counts as down. Default 500ms.
	Timeout time.Duration
	// RetryAfter is how long caches stay local-only after a Redis error
	// before trying Redis again. Default 1s.
	RetryAfter time.Duration
	// Logger receives the outage warnings; slog.Default() when nil.
	Logger *slog.Logger
}

// OpenSharedStore connects to Redis. It fails only on a malformed URL: a
// Redis that does not answer yet is an outage, during which shared caches
// work local-only, and they use it as soon as it answers.
func OpenSharedStore(cfg SharedStoreConfig) (*SharedStore, error) {
	s, err := sharedcache.Open(sharedcache.Config{
		URL:        cfg.URL,
		LockTTL:    cfg.LockTTL,
		Timeout:    cfg.Timeout,
		RetryAfter: cfg.RetryAfter,
		Logger:     cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("dash: shared store: %w", err)
	}
	return &SharedStore{s: s}, nil
}

// Ping checks that Redis answers.
func (s *SharedStore) Ping(ctx context.Context) error { return s.s.Ping(ctx) }

// Up reports whether shared caches currently use Redis (false during an
// outage).
func (s *SharedStore) Up() bool { return s.s.Up() }

// Close closes the connections. Shared caches that use the store must not
// be used afterwards.
func (s *SharedStore) Close() error { return s.s.Close() }

// defaultShared is the process's store, which Shared(nil) caches use: set
// by Run from [cache] redis_url (or SetSharedStore). Until it is set those
// caches are local-only.
var defaultShared atomic.Pointer[SharedStore]

// SetSharedStore makes s the process's store for caches created with
// Shared(nil); nil makes them local-only again. Run calls it when
// [cache] redis_url is configured.
func SetSharedStore(s *SharedStore) { defaultShared.Store(s) }

// Shared is a data cache option: the cache's entries are kept in store,
// a Redis server shared by every replica of the app, keyed by the cache's
// name and key, with the cache's TTL as their expiry. Each replica keeps a
// local copy in front of it (bounded by MaxEntries, MaxBytes and TTL as
// usual), and:
//
//   - a value computed by one replica is a hit for all of them;
//   - concurrent misses of one key on any number of replicas run the
//     function once (a lock in Redis; a replica that dies holding it
//     blocks the others for at most SharedStoreConfig.LockTTL);
//   - Forget and Clear reach every replica;
//   - while Redis is down or slow the cache works local-only, logs a
//     warning, counts it in /metrics, and resumes when Redis answers.
//
// A nil store means the process's store, configured by [cache] redis_url,
// DASH_CACHE_REDIS_URL, --cache.redis-url or SetSharedStore: a cache
// created at package level, before Run reads the configuration, uses it
// from then on.
//
// Values cross the wire, so besides the copy rule the key and value types
// must satisfy copyable's shared rule (copyable.CheckSharedReflect): no
// interface, any included, and no unique.Handle; keys hold no pointers.
// CacheData panics otherwise, with the path. Name shared caches with
// CacheName: the name is their identity across replicas (the default, the
// file and line, changes with the code).
//
// Resource caches (CacheResource, CacheSingleton) are always per process:
// a pool or client is local by nature. Shared given to them panics.
func Shared(store *SharedStore) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.shared = &sharedOption{store: store} })
}

type sharedOption struct{ store *SharedStore }

// sharedVal is what a shared cache's local tier keeps: the value and when
// its Redis copy expires, which a local hit must not outlive.
type sharedVal[V any] struct {
	v       V
	expires time.Time // zero: never
	fresh   bool      // decoded: already owned, no copy needed to keep it
}

// sharedTier is the shared part of a DataCache: the local tier (a cachecore
// of sharedVal) and the namespace in whichever store is bound.
type sharedTier[K comparable, V any] struct {
	fn     func(ctx context.Context, key K) (V, error)
	name   string
	ttl    time.Duration
	fixed  *SharedStore // nil: the process's store
	kc, vc *wire.Codec
	copier *copyable.Copier[V]
	core   *cachecore.Cache[K, sharedVal[V]]
	now    func() time.Time

	mu    sync.Mutex
	bound *sharedcache.Store
	ns    *sharedcache.Cache
	stop  func()
}

func newSharedTier[K comparable, V any](fn func(ctx context.Context, key K) (V, error), cfg cacheConfig, copier *copyable.Copier[V]) *sharedTier[K, V] {
	kc, err := wire.NewCodec(reflect.TypeFor[K](), true)
	if err != nil {
		panic(fmt.Sprintf("dash.CacheData %q: keys of type %s cannot be shared between replicas: %v", cfg.name, reflect.TypeFor[K](), err))
	}
	vc, err := wire.NewCodec(reflect.TypeFor[V](), false)
	if err != nil {
		panic(fmt.Sprintf("dash.CacheData %q: values of type %s cannot be shared between replicas: %v", cfg.name, reflect.TypeFor[V](), err))
	}
	t := &sharedTier[K, V]{fn: fn, name: cfg.name, ttl: cfg.ttl, fixed: cfg.shared.store, kc: kc, vc: vc, copier: copier, now: cfg.now}
	if t.now == nil {
		t.now = time.Now
	}
	t.core = cachecore.New(cachecore.Config[K, sharedVal[V]]{
		Name:           cfg.name,
		TTL:            cfg.ttl,
		MaxEntries:     cfg.maxEntries,
		MaxBytes:       cfg.maxBytes,
		ComputeTimeout: cfg.computeTimeout,
		Now:            cfg.now,
		Store:          t.keep,
	})
	return t
}

// keep makes the local tier's own copy of a value: a decoded value is
// already nobody else's.
func (t *sharedTier[K, V]) keep(sv sharedVal[V]) (sharedVal[V], int64, error) {
	if !sv.fresh {
		kept, err := t.copier.Copy(sv.v)
		if err != nil {
			return sv, 0, fmt.Errorf("the computed value cannot be deep-copied: %w", err)
		}
		sv.v = kept
	}
	return sv, estimateSize(reflect.ValueOf(&sv.v).Elem()), nil
}

// namespace returns the cache's namespace in the store bound now, binding
// (and listening for invalidations) on first use of each store; nil when no
// store is configured.
func (t *sharedTier[K, V]) namespace() *sharedcache.Cache {
	ss := t.fixed
	if ss == nil {
		ss = defaultShared.Load()
	}
	if ss == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bound == ss.s {
		return t.ns
	}
	if t.stop != nil {
		t.stop()
	}
	t.bound = ss.s
	t.ns = ss.s.Cache(t.name, t.kc.Fingerprint(), t.vc.Fingerprint(), t.ttl)
	// The store holds the listener; the listener holds the tier weakly, so
	// a cache the program drops is still collected (and stops listening).
	w := weak.Make(t)
	t.stop = t.ns.Listen(&sharedcache.Listener{
		Forget: func(kb []byte) {
			if tt := w.Value(); tt != nil {
				if k, err := wire.DecodeValue[K](tt.kc, kb); err == nil {
					tt.core.Forget(k)
				}
			}
		},
		Clear: func() {
			if tt := w.Value(); tt != nil {
				tt.core.Clear()
			}
		},
	})
	runtime.AddCleanup(t, func(stop func()) { stop() }, t.stop)
	return t.ns
}

// compute is the local tier's function: on a local miss, the value comes
// from Redis, or is computed once for every replica.
func (t *sharedTier[K, V]) compute(ctx context.Context, key K) (sharedVal[V], error) {
	ns := t.namespace()
	if ns == nil {
		v, err := t.fn(ctx, key)
		return sharedVal[V]{v: v}, err
	}
	var out sharedVal[V]
	res, err := ns.Fetch(ctx, wire.EncodeValue(t.kc, nil, key),
		func(b []byte) error {
			v, err := wire.DecodeValue[V](t.vc, b)
			out = sharedVal[V]{v: v, fresh: true}
			return err
		},
		func(ctx context.Context) ([]byte, error) {
			v, err := t.fn(ctx, key)
			if err != nil {
				return nil, err
			}
			out = sharedVal[V]{v: v}
			return wire.EncodeValue(t.vc, nil, v), nil
		})
	if err != nil {
		return sharedVal[V]{}, err
	}
	out.expires = res.Expires
	if !res.Keep {
		// A Forget or Clear on some replica took the lock away while this
		// ran: answer this flight's callers, keep nothing.
		t.core.Forget(key)
	}
	return out, nil
}

func (t *sharedTier[K, V]) get(ctx context.Context, key K) (V, error) {
	var zero V
	for range 3 {
		sv, err := t.core.Get(ctx, key, t.compute)
		if err != nil {
			return zero, err
		}
		if !sv.expires.IsZero() && !t.now().Before(sv.expires) {
			// The Redis copy this came from has expired (it was read late
			// in its life): look again.
			t.core.Forget(key)
			continue
		}
		return t.copier.Copy(sv.v)
	}
	// Expired three times in a row: a clock far off Redis's. Serve the
	// function's value rather than loop.
	v, err := t.fn(ctx, key)
	if err != nil {
		return zero, err
	}
	return t.copier.Copy(v)
}

func (t *sharedTier[K, V]) forget(key K) {
	t.core.Forget(key)
	if ns := t.namespace(); ns != nil {
		if err := ns.Forget(context.Background(), wire.EncodeValue(t.kc, nil, key)); err != nil {
			slog.Warn("dash: shared cache Forget reached this replica only", "cache", t.name, "err", err)
		}
	}
}

func (t *sharedTier[K, V]) clear() {
	t.core.Clear()
	if ns := t.namespace(); ns != nil {
		if err := ns.Clear(context.Background()); err != nil {
			slog.Warn("dash: shared cache Clear reached this replica only", "cache", t.name, "err", err)
		}
	}
}

// SharedCacheStats are the counters of a shared data cache's Redis tier;
// hits of its local tier are CacheStats.Hits.
type SharedCacheStats struct {
	Name string
	// SharedHits are values read from Redis, computed by some replica.
	SharedHits uint64
	// Computes are values this replica computed for all of them.
	Computes uint64
	// LockWaits are misses that waited for another replica's computation.
	LockWaits uint64
	// Errors are failed or timed-out Redis operations.
	Errors uint64
	// Fallbacks are values computed local-only because Redis was down.
	Fallbacks uint64
}

// SharedStats returns the counters of the cache's Redis tier, zero for a
// cache without the Shared option or before it first used a store.
func (c *DataCache[K, V]) SharedStats() SharedCacheStats {
	if c.sh == nil {
		return SharedCacheStats{Name: c.cfg.name}
	}
	c.sh.mu.Lock()
	ns := c.sh.ns
	c.sh.mu.Unlock()
	if ns == nil {
		return SharedCacheStats{Name: c.cfg.name}
	}
	return sharedStatsFrom(ns.Counters().Snapshot())
}

func sharedStatsFrom(s sharedcache.Snapshot) SharedCacheStats {
	return SharedCacheStats{Name: s.Name, SharedHits: s.SharedHits, Computes: s.Computes,
		LockWaits: s.LockWaits, Errors: s.Errors, Fallbacks: s.Fallbacks + s.TooLarge}
}

// SharedCacheStatsAll returns the Redis-tier counters of every live shared
// cache of the process, sorted by name, for /metrics.
func SharedCacheStatsAll() []SharedCacheStats {
	all := sharedcache.All()
	out := make([]SharedCacheStats, len(all))
	for i, s := range all {
		out[i] = sharedStatsFrom(s)
	}
	return out
}
