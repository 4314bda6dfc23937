package dash

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/internal/cachecore"
)

// CacheOption configures CacheData, CacheResource and CacheSingleton.
type CacheOption interface{ applyCache(*cacheConfig) }

type cacheConfig struct {
	name           string
	ttl            time.Duration
	maxEntries     int
	maxBytes       int64
	computeTimeout time.Duration
	validate       any // func(V) bool, checked against V at construction
	release        any // func(V), checked against V at construction
	shared         *sharedOption
	now            func() time.Time
}

type cacheOptionFunc func(*cacheConfig)

func (f cacheOptionFunc) applyCache(c *cacheConfig) { f(c) }

// TTL makes entries expire d after they were computed. Zero means never.
// Expired entries are dropped as time passes, not only when asked for again.
func TTL(d time.Duration) CacheOption { return cacheOptionFunc(func(c *cacheConfig) { c.ttl = d }) }

// MaxEntries bounds the number of entries; the least recently used entry is
// evicted first. Zero means unbounded.
func MaxEntries(n int) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.maxEntries = n })
}

// MaxBytes bounds the estimated size of a data cache's values; the least
// recently used entries are evicted first. The newest entry is always kept,
// even when it alone is larger. Zero means unbounded.
func MaxBytes(n int64) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.maxBytes = n })
}

// ComputeTimeout bounds one run of the cache's function. Without it a run
// is bounded by its callers only: it is cancelled once no caller waits for
// its result any more.
func ComputeTimeout(d time.Duration) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.computeTimeout = d })
}

// CacheName names the cache in Stats, /metrics and logs. The default is the
// file and line of the call that created the cache, such as "sales.go:42".
func CacheName(name string) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.name = name })
}

// Validate is a resource cache option: fn is called on every hit and a
// resource for which it returns false is released and created again. A
// panicking fn counts as false. Its type parameter must be the cache's
// value type; CacheResource panics otherwise.
func Validate[V any](fn func(V) bool) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.validate = fn })
}

// OnRelease is a resource cache option: fn is called with a resource when
// it is evicted (TTL, MaxEntries, Forget, Clear, failed validation), for
// example to Close a pool. It runs outside the cache's lock, once per
// resource, and never while a Get that found the resource is validating
// it. Callers that obtained the resource earlier may still be using it:
// release gracefully ((*sql.DB).Close waits for running queries).
func OnRelease[V any](fn func(V)) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.release = fn })
}

// withClock replaces the cache's clock, for tests.
func withClock(now func() time.Time) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.now = now })
}

// CacheStats is a snapshot of a cache's counters.
type CacheStats struct {
	Name    string
	Hits    uint64
	Misses  uint64
	Entries int
	Bytes   int64 // estimated size of the stored values (data caches)
}

// CacheStatsAll returns a snapshot of every live cache of the process,
// sorted by name, for metrics. A cache the program no longer references
// leaves the list once it is garbage collected.
func CacheStatsAll() []CacheStats {
	all := cachecore.All()
	out := make([]CacheStats, len(all))
	for i, s := range all {
		out[i] = statsFrom(s)
	}
	return out
}

func statsFrom(s cachecore.Snapshot) CacheStats {
	return CacheStats{Name: s.Name, Hits: s.Hits, Misses: s.Misses, Entries: s.Entries, Bytes: s.Bytes}
}

// buildConfig applies opts and names the cache after its creator when no
// CacheName is given; skip counts the frames between the user's call and
// buildConfig.
func buildConfig(opts []CacheOption, skip int) cacheConfig {
	var cfg cacheConfig
	for _, o := range opts {
		if o != nil {
			o.applyCache(&cfg)
		}
	}
	if cfg.name == "" {
		if _, file, line, ok := runtime.Caller(skip + 1); ok {
			cfg.name = fmt.Sprintf("%s:%d", filepath.Base(file), line)
		} else {
			cfg.name = "unnamed"
		}
	}
	return cfg
}

// DataCache caches values computed by a function, per key. Every caller of
// Get receives its own deep copy, on a hit and on the miss that computed it,
// so no caller can change what another sees. Create one with CacheData.
type DataCache[K comparable, V any] struct {
	fn     func(ctx context.Context, key K) (V, error)
	cfg    cacheConfig
	core   *cachecore.Cache[K, V]
	copier *copyable.Copier[V]
	sh     *sharedTier[K, V] // with Shared: replaces core
}

// CacheData returns a data cache around fn. V must be deep-copyable under
// the rule of package copyable; CacheData panics at construction otherwise
// (the cacheserial analyzer reports the same mistake at compile time).
//
// The cache keeps its own deep copy of what fn returns and gives every
// caller another one. A value whose dynamic content cannot be copied (a
// channel inside an any) is an error returned by Get and is not cached.
// Validate and OnRelease are resource cache options: CacheData panics when
// given one.
func CacheData[K comparable, V any](fn func(ctx context.Context, key K) (V, error), opts ...CacheOption) *DataCache[K, V] {
	if fn == nil {
		panic("dash.CacheData: nil function")
	}
	cfg := buildConfig(opts, 1)
	if cfg.validate != nil || cfg.release != nil {
		panic(fmt.Sprintf("dash.CacheData %q: Validate and OnRelease are resource cache options; a data cache hands out copies, use dash.CacheResource for shared objects", cfg.name))
	}
	copier, err := copyable.NewCopier[V]()
	if err != nil {
		// The problem's reason carries the one piece of advice (for pools
		// and clients: dash.CacheResource).
		panic(fmt.Sprintf("dash.CacheData %q: values of type %s cannot be deep-copied: %v", cfg.name, reflect.TypeFor[V](), err))
	}
	c := &DataCache[K, V]{fn: fn, cfg: cfg, copier: copier}
	if cfg.shared != nil {
		c.sh = newSharedTier(fn, cfg, copier)
		return c
	}
	c.core = cachecore.New(cachecore.Config[K, V]{
		Name:           cfg.name,
		TTL:            cfg.ttl,
		MaxEntries:     cfg.maxEntries,
		MaxBytes:       cfg.maxBytes,
		ComputeTimeout: cfg.computeTimeout,
		Now:            cfg.now,
		Store:          c.store,
	})
	return c
}

// store makes the cache's private copy of a computed value.
func (c *DataCache[K, V]) store(v V) (V, int64, error) {
	kept, err := c.copier.Copy(v)
	if err != nil {
		return kept, 0, fmt.Errorf("the computed value cannot be deep-copied: %w", err)
	}
	return kept, estimateSize(reflect.ValueOf(&kept).Elem()), nil
}

// Get returns a deep copy of the value for key, computing it on a miss.
// Concurrent misses of one key run fn once; a caller whose ctx ends stops
// waiting with ctx's error while the computation continues for the others.
// Errors are returned, wrapped with the cache's name, and never cached.
func (c *DataCache[K, V]) Get(ctx context.Context, key K) (V, error) {
	var zero V
	if c.sh != nil {
		v, err := c.sh.get(ctx, key)
		if err != nil {
			return zero, fmt.Errorf("dash: data cache %q: %w", c.cfg.name, err)
		}
		return v, nil
	}
	v, err := c.core.Get(ctx, key, c.fn)
	if err != nil {
		return zero, fmt.Errorf("dash: data cache %q: %w", c.cfg.name, err)
	}
	out, err := c.copier.Copy(v)
	if err != nil {
		// Unreachable in practice: the kept value was copied once already.
		return zero, fmt.Errorf("dash: data cache %q: %w", c.cfg.name, err)
	}
	return out, nil
}

// Forget removes the entry for key. A computation of key already running
// still answers its callers, but its result is not kept.
// With Shared, every replica forgets it.
func (c *DataCache[K, V]) Forget(key K) {
	if c.sh != nil {
		c.sh.forget(key)
		return
	}
	c.core.Forget(key)
}

// Clear removes every entry, like Forget for every key.
// With Shared, on every replica.
func (c *DataCache[K, V]) Clear() {
	if c.sh != nil {
		c.sh.clear()
		return
	}
	c.core.Clear()
}

// Stats returns the cache's counters.
// With Shared, Hits are hits of the replica's local copy; see SharedStats
// for the Redis tier.
func (c *DataCache[K, V]) Stats() CacheStats {
	if c.sh != nil {
		return statsFrom(c.sh.core.Stats())
	}
	return statsFrom(c.core.Stats())
}

// ResourceCache holds one shared instance per key for all sessions, such as
// a connection pool or an API client. Get returns the instance itself, not a
// copy. Create one with CacheResource.
type ResourceCache[K comparable, V any] struct {
	fn   func(ctx context.Context, key K) (V, error)
	cfg  cacheConfig
	core *cachecore.Cache[K, V]
}

// CacheResource returns a resource cache around fn. Options Validate and
// OnRelease must be instantiated with V (Validate(func(*sql.DB) bool) for a
// cache of *sql.DB); CacheResource panics otherwise. MaxBytes does not
// apply: resources have no estimated size.
func CacheResource[K comparable, V any](fn func(ctx context.Context, key K) (V, error), opts ...CacheOption) *ResourceCache[K, V] {
	return newResourceCache(fn, buildConfig(opts, 1))
}

func newResourceCache[K comparable, V any](fn func(ctx context.Context, key K) (V, error), cfg cacheConfig) *ResourceCache[K, V] {
	if fn == nil {
		panic("dash.CacheResource: nil function")
	}
	if cfg.shared != nil {
		panic(fmt.Sprintf("dash.CacheResource %q: Shared is a data cache option; resources (pools, clients) are per process by nature", cfg.name))
	}
	core := cachecore.Config[K, V]{
		Name:           cfg.name,
		TTL:            cfg.ttl,
		MaxEntries:     cfg.maxEntries,
		ComputeTimeout: cfg.computeTimeout,
		Now:            cfg.now,
		// A resource created for callers that Forget or Clear detached, or
		// that all gave up, is kept so that it is released one day.
		KeepForgotten: true,
	}
	if cfg.validate != nil {
		fn, ok := cfg.validate.(func(V) bool)
		if !ok {
			panic(fmt.Sprintf("dash.CacheResource %q: Validate takes %s but the cache holds %s; write dash.Validate(func(v %s) bool {...})",
				cfg.name, reflect.TypeOf(cfg.validate).In(0), reflect.TypeFor[V](), reflect.TypeFor[V]()))
		}
		core.Validate = fn
	}
	if cfg.release != nil {
		fn, ok := cfg.release.(func(V))
		if !ok {
			panic(fmt.Sprintf("dash.CacheResource %q: OnRelease takes %s but the cache holds %s; write dash.OnRelease(func(v %s) {...})",
				cfg.name, reflect.TypeOf(cfg.release).In(0), reflect.TypeFor[V](), reflect.TypeFor[V]()))
		}
		core.OnRemove = func(_ K, v V) { fn(v) }
	}
	return &ResourceCache[K, V]{fn: fn, cfg: cfg, core: cachecore.New(core)}
}

// Get returns the shared instance for key, creating it on a miss.
// Concurrent misses of one key create it once; with Validate, an instance
// that fails validation is released and created again. Errors are
// returned, wrapped with the cache's name, and never cached.
func (c *ResourceCache[K, V]) Get(ctx context.Context, key K) (V, error) {
	v, err := c.core.Get(ctx, key, c.fn)
	if err != nil {
		var zero V
		return zero, fmt.Errorf("dash: resource cache %q: %w", c.cfg.name, err)
	}
	return v, nil
}

// Forget releases and removes the instance for key.
func (c *ResourceCache[K, V]) Forget(key K) { c.core.Forget(key) }

// Clear releases and removes every instance.
func (c *ResourceCache[K, V]) Clear() { c.core.Clear() }

// Stats returns the cache's counters.
func (c *ResourceCache[K, V]) Stats() CacheStats { return statsFrom(c.core.Stats()) }

// Singleton is a resource cache without a key: the common case of one
// shared *sql.DB pool. Create one with CacheSingleton.
type Singleton[V any] struct {
	rc *ResourceCache[struct{}, V]
}

// CacheSingleton returns a keyless resource cache around fn.
func CacheSingleton[V any](fn func(ctx context.Context) (V, error), opts ...CacheOption) *Singleton[V] {
	if fn == nil {
		panic("dash.CacheSingleton: nil function")
	}
	cfg := buildConfig(opts, 1)
	return &Singleton[V]{rc: newResourceCache(func(ctx context.Context, _ struct{}) (V, error) { return fn(ctx) }, cfg)}
}

// Get returns the shared instance, creating it on first use.
func (s *Singleton[V]) Get(ctx context.Context) (V, error) { return s.rc.Get(ctx, struct{}{}) }

// Forget releases the instance; the next Get creates a new one.
func (s *Singleton[V]) Forget() { s.rc.Clear() }

// Stats returns the cache's counters.
func (s *Singleton[V]) Stats() CacheStats { return s.rc.Stats() }
