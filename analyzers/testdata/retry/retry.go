// Package retry is a helper of the app's own module that imports nothing
// the engine catalogues: it is analysed all the same, for the functions
// it runs.
package retry

import (
	"context"
	"time"
)

// Do runs f up to n times.
func Do[T any](ctx context.Context, n int, f func(context.Context) (T, error)) (T, error) {
	var v T
	var err error
	for range n {
		if v, err = f(ctx); err == nil {
			return v, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return v, err
}

// Timed returns f, timed.
func Timed[K, V any](f func(context.Context, K) (V, error)) func(context.Context, K) (V, error) {
	return func(ctx context.Context, k K) (V, error) {
		start := time.Now()
		defer func() { _ = time.Since(start) }()
		return f(ctx, k)
	}
}
