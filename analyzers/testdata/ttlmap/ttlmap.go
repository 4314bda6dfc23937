// Package ttlmap is a concurrency-safe map whose entries expire, as teams
// write it by hand: the loader runs on a miss or an expired entry only.
package ttlmap

import (
	"context"
	"sync"
	"time"
)

type entry[V any] struct {
	v  V
	at time.Time
}

// Map memoises values for a while.
type Map[K comparable, V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[K]entry[V]
}

// New returns an empty map whose entries live ttl.
func New[K comparable, V any](ttl time.Duration) *Map[K, V] {
	return &Map[K, V]{ttl: ttl, m: make(map[K]entry[V])}
}

// GetOrLoad returns the value of k, loading it when absent or expired.
func (m *Map[K, V]) GetOrLoad(ctx context.Context, k K, load func(context.Context, K) (V, error)) (V, error) {
	m.mu.Lock()
	e, ok := m.m[k]
	m.mu.Unlock()
	if ok && time.Since(e.at) < m.ttl {
		return e.v, nil
	}
	v, err := load(ctx, k)
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	m.m[k] = entry[V]{v: v, at: time.Now()}
	m.mu.Unlock()
	return v, nil
}

// Peek loads k whether it is there or not, and keeps it: no cache.
func (m *Map[K, V]) Peek(ctx context.Context, k K, load func(context.Context, K) (V, error)) V {
	e, ok := m.m[k]
	if ok && time.Since(e.at) < m.ttl {
		_ = e
	}
	v, _ := load(ctx, k)
	m.m[k] = entry[V]{v: v, at: time.Now()}
	return v
}

// Sync is the same over a sync.Map.
type Sync[V any] struct {
	ttl time.Duration
	m   sync.Map
}

// Get returns the value of k, loading it when absent or expired.
func (s *Sync[V]) Get(ctx context.Context, k string, load func(context.Context, string) (V, error)) (V, error) {
	if x, ok := s.m.Load(k); ok && time.Since(x.(entry[V]).at) < s.ttl {
		return x.(entry[V]).v, nil
	}
	v, err := load(ctx, k)
	if err == nil {
		s.m.Store(k, entry[V]{v: v, at: time.Now()})
	}
	return v, err
}
