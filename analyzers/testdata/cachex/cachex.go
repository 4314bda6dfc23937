// Package cachex holds generic helpers around dash's data cache, as teams
// write them to set their defaults once. The value type is a type
// parameter here, so it is judged where a helper is instantiated.
package cachex

import (
	"context"
	"time"

	"github.com/dashvet/dashvet/dash"
)

// Cached makes a data cache with the team's TTL.
func Cached[V any](fn func(context.Context, string) (V, error)) *dash.DataCache[string, V] {
	return dash.CacheData(fn, dash.TTL(time.Minute))
}

// Named wraps Cached, with a name for the metrics: a wrapper of a wrapper.
func Named[T any](name string, fn func(context.Context, string) (T, error)) *dash.DataCache[string, T] {
	_ = name
	return Cached(fn)
}

// Keyed is generic in its key only: its value type is fixed, and fine.
func Keyed[K comparable](fn func(context.Context, K) (int, error)) *dash.DataCache[K, int] {
	return dash.CacheData(fn)
}
