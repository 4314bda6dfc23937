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

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	Next  string
}

// Paged caches the pages of a listing: it hands Keyed's wrapper a type
// built from its own parameter, Page[T], not T itself.
func Paged[T any](fn func(context.Context, string) (Page[T], error)) *dash.DataCache[string, Page[T]] {
	return Named("pages", fn)
}

// Loader is a named data cache, as teams wrap one.
type Loader[K comparable, V any] struct {
	name string
	c    *dash.DataCache[K, V]
}

// NewLoader wraps dash.CacheData in a struct.
func NewLoader[K comparable, V any](name string, fn func(context.Context, K) (V, error)) *Loader[K, V] {
	return &Loader[K, V]{name: name, c: dash.CacheData(fn)}
}

// PagedLoader is a wrapper of a wrapper whose value type is built: the
// value type is found in its result, *Loader[string, Page[T]].
func PagedLoader[T any](name string, fn func(context.Context, string) (Page[T], error)) *Loader[string, Page[T]] {
	return NewLoader(name, fn)
}

// Counted is generic, but what it caches is fixed: a count.
func Counted[T any](fn func(context.Context, string) (int, error), _ T) *dash.DataCache[string, int] {
	return dash.CacheData(fn)
}
