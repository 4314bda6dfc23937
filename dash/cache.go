package dash

import (
	"context"
	"time"
)

// CacheOption configures CacheData, CacheResource and CacheSingleton.
type CacheOption interface{ applyCache(*cacheConfig) }

type cacheConfig struct {
	name       string
	ttl        time.Duration
	maxEntries int
	validate   any // func(V) bool, checked against V at construction
	release    any // func(V), checked against V at construction
}

type cacheOptionFunc func(*cacheConfig)

func (f cacheOptionFunc) applyCache(c *cacheConfig) { f(c) }

// TTL makes entries expire d after they were computed. Zero means never.
func TTL(d time.Duration) CacheOption { return cacheOptionFunc(func(c *cacheConfig) { c.ttl = d }) }

// MaxEntries bounds the number of entries; the least recently used entry is
// evicted first. Zero means unbounded.
func MaxEntries(n int) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.maxEntries = n })
}

// CacheName names the cache in Stats, /metrics and logs.
func CacheName(name string) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.name = name })
}

// Validate is a resource cache option: fn is called on every hit and a
// resource for which it returns false is released and created again.
func Validate[V any](fn func(V) bool) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.validate = fn })
}

// OnRelease is a resource cache option: fn is called with a resource when
// it is evicted (TTL, MaxEntries, Forget, Clear, failed validation), for
// example to Close a pool.
func OnRelease[V any](fn func(V)) CacheOption {
	return cacheOptionFunc(func(c *cacheConfig) { c.release = fn })
}

// CacheStats is a snapshot of a cache's counters.
type CacheStats struct {
	Name    string
	Hits    uint64
	Misses  uint64
	Entries int
	Bytes   int64 // estimated size of the stored values (data caches)
}

// DataCache caches values computed by a function, per key. Every caller of
// Get receives its own deep copy, on a hit and on the miss that computed it,
// so no caller can change what another sees. Create one with CacheData.
type DataCache[K comparable, V any] struct {
	fn  func(ctx context.Context, key K) (V, error)
	cfg cacheConfig
}

// CacheData returns a data cache around fn. V must be deep-copyable under
// the rule of package copyable; CacheData panics at construction otherwise
// (the cacheserial analyzer reports the same mistake at compile time).
func CacheData[K comparable, V any](fn func(ctx context.Context, key K) (V, error), opts ...CacheOption) *DataCache[K, V] {
	c := &DataCache[K, V]{fn: fn}
	for _, o := range opts {
		o.applyCache(&c.cfg)
	}
	return c
}

// Get returns a deep copy of the value for key, computing it on a miss.
func (c *DataCache[K, V]) Get(ctx context.Context, key K) (V, error) { return c.fn(ctx, key) }

// Forget removes the entry for key.
func (c *DataCache[K, V]) Forget(key K) {}

// Clear removes every entry.
func (c *DataCache[K, V]) Clear() {}

// Stats returns the cache's counters.
func (c *DataCache[K, V]) Stats() CacheStats { return CacheStats{Name: c.cfg.name} }

// ResourceCache holds one shared instance per key for all sessions, such as
// a connection pool or an API client. Get returns the instance itself, not a
// copy. Create one with CacheResource.
type ResourceCache[K comparable, V any] struct {
	fn  func(ctx context.Context, key K) (V, error)
	cfg cacheConfig
}

// CacheResource returns a resource cache around fn.
func CacheResource[K comparable, V any](fn func(ctx context.Context, key K) (V, error), opts ...CacheOption) *ResourceCache[K, V] {
	c := &ResourceCache[K, V]{fn: fn}
	for _, o := range opts {
		o.applyCache(&c.cfg)
	}
	return c
}

// Get returns the shared instance for key, creating it on a miss.
func (c *ResourceCache[K, V]) Get(ctx context.Context, key K) (V, error) { return c.fn(ctx, key) }

// Forget releases and removes the instance for key.
func (c *ResourceCache[K, V]) Forget(key K) {}

// Clear releases and removes every instance.
func (c *ResourceCache[K, V]) Clear() {}

// Stats returns the cache's counters.
func (c *ResourceCache[K, V]) Stats() CacheStats { return CacheStats{Name: c.cfg.name} }

// Singleton is a resource cache without a key: the common case of one
// shared *sql.DB pool. Create one with CacheSingleton.
type Singleton[V any] struct {
	rc *ResourceCache[struct{}, V]
}

// CacheSingleton returns a keyless resource cache around fn.
func CacheSingleton[V any](fn func(ctx context.Context) (V, error), opts ...CacheOption) *Singleton[V] {
	return &Singleton[V]{rc: CacheResource(func(ctx context.Context, _ struct{}) (V, error) { return fn(ctx) }, opts...)}
}

// Get returns the shared instance, creating it on first use.
func (s *Singleton[V]) Get(ctx context.Context) (V, error) { return s.rc.Get(ctx, struct{}{}) }

// Forget releases the instance; the next Get creates a new one.
func (s *Singleton[V]) Forget() { s.rc.Clear() }

// Stats returns the cache's counters.
func (s *Singleton[V]) Stats() CacheStats { return s.rc.Stats() }
