// Package cachecore is the engine under dash's caches: a keyed store with
// LRU and TTL eviction, per-key single flight whose computation outlives
// any one caller, pinning of values under validation, and counters.
//
// It knows nothing about copying or resources: dash.DataCache passes a
// Store hook that deep-copies, dash.ResourceCache passes Validate and
// OnRemove hooks.
package cachecore

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Cache. The zero value is an unbounded cache that
// never expires entries.
type Config[K comparable, V any] struct {
	Name       string
	TTL        time.Duration // 0: entries never expire
	MaxEntries int           // 0: no bound on the number of entries
	MaxBytes   int64         // 0: no bound on the estimated size
	// ComputeTimeout bounds one computation; 0 leaves it bounded only by
	// its callers (it is cancelled when the last one stops waiting).
	ComputeTimeout time.Duration
	Now            func() time.Time // clock, time.Now when nil

	// Store turns a computed value into the value kept, and estimates its
	// size in bytes. An error is returned to the waiters; nothing is kept.
	Store func(V) (V, int64, error)
	// Validate is called on every hit, outside the lock; false removes the
	// entry and computes it again.
	Validate func(V) bool
	// OnRemove is called with every value that leaves the cache (expiry,
	// eviction, Forget, Clear, failed validation), outside the lock and
	// never while a Get that found the value is still deciding to return
	// it.
	OnRemove func(K, V)
	// KeepForgotten keeps the result of a computation that Forget or Clear
	// detached while it ran. Resource caches need it: their callers got the
	// value, so the cache must own it to release it one day.
	KeepForgotten bool
}

type entry[K comparable, V any] struct {
	key     K
	v       V
	size    int64
	expires time.Time // zero: never
	links   [2]links[K, V]
	// pins counts Gets validating this entry; removed marks an entry taken
	// out of the cache while pinned, released by the last unpin.
	pins    int
	removed bool
}

type flight[V any] struct {
	done      chan struct{}
	v         V
	err       error
	waiters   int
	cancel    context.CancelFunc
	forgotten bool // detached by Forget or Clear
	abandoned bool // detached because every waiter left
}

// Cache is a keyed store with single flight. Its methods are safe for
// concurrent use.
type Cache[K comparable, V any] struct {
	cfg   Config[K, V]
	stats *Counters

	mu      sync.Mutex
	entries map[K]*entry[K, V]
	lru     list[K, V] // most recently used first
	age     list[K, V] // newest first; with one TTL, also the expiry order
	flights map[K]*flight[V]
	running atomic.Int64 // computations whose goroutine has not returned
	bytes   int64
}

// New returns a cache and registers its counters.
func New[K comparable, V any](cfg Config[K, V]) *Cache[K, V] {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Cache[K, V]{
		cfg:     cfg,
		stats:   &Counters{Name: cfg.Name},
		entries: make(map[K]*entry[K, V]),
		lru:     list[K, V]{which: 0},
		age:     list[K, V]{which: 1},
		flights: make(map[K]*flight[V]),
	}
	Register(c.stats)
	return c
}

// Counters returns the cache's live counters.
func (c *Cache[K, V]) Counters() *Counters { return c.stats }

// Get returns the value for key, computing it with compute on a miss. All
// concurrent misses of one key share one computation, which runs with a
// context detached from the caller that started it: a caller whose ctx
// ends returns ctx.Err() at once while the others keep waiting. The
// computation is cancelled when no caller waits for it any more (and after
// ComputeTimeout). Errors are returned to every waiter and never kept.
func (c *Cache[K, V]) Get(ctx context.Context, key K, compute func(context.Context, K) (V, error)) (V, error) {
	var expired []*entry[K, V] // released once the lock is dropped
	for {
		c.mu.Lock()
		expired = c.expireLocked()
		e := c.entries[key]
		if e == nil {
			break // miss, with the lock held
		}
		if c.cfg.Validate == nil {
			v := e.v
			c.stats.hits.Add(1)
			c.lru.moveToFront(e)
			c.mu.Unlock()
			c.release(expired)
			return v, nil
		}
		e.pins++
		c.mu.Unlock()
		c.release(expired)

		valid := c.validate(e.v)

		c.mu.Lock()
		e.pins--
		var drop []*entry[K, V]
		if e.removed {
			// Removed while we validated: it is released now or by the
			// last pin holder, so it must not be handed out.
			if e.pins == 0 {
				drop = append(drop, e)
			}
		} else if !valid {
			drop = c.removeLocked(e)
		} else {
			v := e.v
			c.stats.hits.Add(1)
			c.lru.moveToFront(e)
			c.mu.Unlock()
			return v, nil
		}
		c.mu.Unlock()
		c.release(drop)
		// Look again: another caller may have created a fresh value.
	}

	// Miss; c.mu is held.
	c.stats.misses.Add(1)
	if err := ctx.Err(); err != nil {
		c.mu.Unlock()
		c.release(expired)
		var zero V
		return zero, err
	}
	f := c.flights[key]
	if f == nil {
		f = c.startLocked(ctx, key, compute)
	}
	f.waiters++
	c.mu.Unlock()
	c.release(expired)

	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		select {
		case <-f.done:
			// Finished while we were giving up; the result is ready.
			c.mu.Unlock()
			return f.v, f.err
		default:
		}
		if f.waiters == 0 {
			f.abandoned = true
			f.cancel()
			if c.flights[key] == f {
				delete(c.flights, key)
			}
		}
		c.mu.Unlock()
		var zero V
		return zero, ctx.Err()
	}
}

func (c *Cache[K, V]) startLocked(ctx context.Context, key K, compute func(context.Context, K) (V, error)) *flight[V] {
	// Keep the caller's values (trace IDs, loggers), drop its deadline and
	// cancellation: the result is shared by every caller of this key.
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if c.cfg.ComputeTimeout > 0 {
		var cancelT context.CancelFunc
		fctx, cancelT = context.WithTimeout(fctx, c.cfg.ComputeTimeout)
		parent := cancel
		cancel = func() { cancelT(); parent() }
	}
	f := &flight[V]{done: make(chan struct{}), cancel: cancel}
	c.flights[key] = f
	c.running.Add(1)
	go c.run(fctx, f, key, compute)
	return f
}

func (c *Cache[K, V]) run(ctx context.Context, f *flight[V], key K, compute func(context.Context, K) (V, error)) {
	defer c.running.Add(-1) // last: after the release hooks of evicted entries ran
	v, err := c.compute(ctx, key, compute)
	var size int64
	if err == nil && c.cfg.Store != nil {
		v, size, err = c.cfg.Store(v)
	}
	f.cancel()

	c.mu.Lock()
	attached := c.flights[key] == f
	if attached {
		delete(c.flights, key)
	}
	var removed []*entry[K, V]
	if err == nil {
		keep := attached ||
			(f.forgotten && c.cfg.KeepForgotten) ||
			(f.abandoned && (c.cfg.KeepForgotten || c.entries[key] == nil))
		if keep {
			removed = c.insertLocked(key, v, size, c.cfg.Now())
		}
	}
	f.v, f.err = v, err
	close(f.done)
	c.mu.Unlock()
	c.release(removed)
}

// Running returns the number of computations in progress, including those
// that Forget, Clear or their callers have detached, and those still
// releasing what their result evicted.
func (c *Cache[K, V]) Running() int { return int(c.running.Load()) }

// compute runs the user's function, turning a panic into an error: it runs
// on a goroutine of its own, where a panic would end the process.
func (c *Cache[K, V]) compute(ctx context.Context, key K, fn func(context.Context, K) (V, error)) (v V, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cache %q: computing key %v panicked: %v\n%s", c.cfg.Name, key, r, debug.Stack())
		}
	}()
	return fn(ctx, key)
}

func (c *Cache[K, V]) validate(v V) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("dash: cache validation panicked; treating the value as invalid", "cache", c.cfg.Name, "panic", r)
			ok = false
		}
	}()
	return c.cfg.Validate(v)
}

func (c *Cache[K, V]) insertLocked(key K, v V, size int64, now time.Time) []*entry[K, V] {
	var removed []*entry[K, V]
	if old := c.entries[key]; old != nil {
		removed = append(removed, c.removeLocked(old)...)
	}
	e := &entry[K, V]{key: key, v: v, size: size}
	if c.cfg.TTL > 0 {
		e.expires = now.Add(c.cfg.TTL)
	}
	c.entries[key] = e
	c.lru.pushFront(e)
	c.age.pushFront(e)
	c.bytes += size
	for c.cfg.MaxEntries > 0 && len(c.entries) > c.cfg.MaxEntries && c.lru.tail != e {
		removed = append(removed, c.removeLocked(c.lru.tail)...)
	}
	for c.cfg.MaxBytes > 0 && c.bytes > c.cfg.MaxBytes && c.lru.tail != e {
		removed = append(removed, c.removeLocked(c.lru.tail)...)
	}
	c.publishLocked()
	return removed
}

// expireLocked removes expired entries. With a single TTL the age list is
// also the expiry order, so this stops at the first live entry and costs
// O(1) per removed entry: entries nobody asks for again do not pile up.
func (c *Cache[K, V]) expireLocked() []*entry[K, V] {
	if c.cfg.TTL <= 0 || c.age.tail == nil {
		return nil
	}
	now := c.cfg.Now()
	var removed []*entry[K, V]
	for e := c.age.tail; e != nil && !now.Before(e.expires); e = c.age.tail {
		removed = append(removed, c.removeLocked(e)...)
	}
	return removed
}

// removeLocked takes e out of the cache and returns it when it can be
// released now (it is not pinned).
func (c *Cache[K, V]) removeLocked(e *entry[K, V]) []*entry[K, V] {
	delete(c.entries, e.key)
	c.lru.remove(e)
	c.age.remove(e)
	c.bytes -= e.size
	e.removed = true
	c.publishLocked()
	if e.pins > 0 {
		return nil
	}
	return []*entry[K, V]{e}
}

func (c *Cache[K, V]) publishLocked() {
	c.stats.entries.Store(int64(len(c.entries)))
	c.stats.bytes.Store(c.bytes)
}

// release runs OnRemove for entries that left the cache, without the lock:
// a hook such as (*sql.DB).Close may block.
func (c *Cache[K, V]) release(es []*entry[K, V]) {
	if c.cfg.OnRemove == nil {
		return
	}
	for _, e := range es {
		c.onRemove(e)
	}
}

func (c *Cache[K, V]) onRemove(e *entry[K, V]) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("dash: cache release hook panicked", "cache", c.cfg.Name, "key", fmt.Sprint(e.key), "panic", r)
		}
	}()
	c.cfg.OnRemove(e.key, e.v)
}

// Forget removes key's entry and detaches a computation of key in flight,
// so that its result (computed from data that may be stale) is not kept;
// its waiters still receive it.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	var removed []*entry[K, V]
	if e := c.entries[key]; e != nil {
		removed = c.removeLocked(e)
	}
	if f := c.flights[key]; f != nil {
		f.forgotten = true
		delete(c.flights, key)
	}
	c.mu.Unlock()
	c.release(removed)
}

// Clear removes every entry and detaches every computation in flight.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	var removed []*entry[K, V]
	for e := c.lru.head; e != nil; {
		next := e.links[0].next
		removed = append(removed, c.removeLocked(e)...)
		e = next
	}
	for k, f := range c.flights {
		f.forgotten = true
		delete(c.flights, k)
	}
	c.mu.Unlock()
	c.release(removed)
}

// Stats returns the counters after dropping expired entries, so Entries
// and Bytes do not count what no Get would return.
func (c *Cache[K, V]) Stats() Snapshot {
	c.mu.Lock()
	removed := c.expireLocked()
	c.mu.Unlock()
	c.release(removed)
	return c.stats.Snapshot()
}
