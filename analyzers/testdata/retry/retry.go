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

// Attempt runs f up to n times, for a function with no result.
func Attempt(ctx context.Context, n int, f func(context.Context) error) error {
	var err error
	for range n {
		if err = f(ctx); err == nil {
			return nil
		}
	}
	return err
}

// Value is Attempt for a function with a result: it wraps f in a literal
// that Attempt runs.
func Value[T any](ctx context.Context, n int, f func(context.Context) (T, error)) (T, error) {
	var out T
	err := Attempt(ctx, n, func(ctx context.Context) error {
		v, err := f(ctx)
		if err == nil {
			out = v
		}
		return err
	})
	return out, err
}
