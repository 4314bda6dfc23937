// Package evaluator returns closures over an interface it is given, with
// no implementation of its own: the calls they make are judged by the
// package calling the closure.
package evaluator

import "context"

// Source reads a flag's rollout.
type Source interface {
	Rollout(ctx context.Context, key string) (int, error)
}

// New returns an evaluator reading the flag through src on every call.
func New(src Source) func(ctx context.Context, key, user string) (bool, error) {
	return func(ctx context.Context, key, user string) (bool, error) {
		pct, err := src.Rollout(ctx, key)
		if err != nil {
			return false, err
		}
		return len(user)%100 < pct, nil
	}
}

// Fixed returns an evaluator that reads nothing.
func Fixed(pct int) func(ctx context.Context, key, user string) (bool, error) {
	return func(ctx context.Context, key, user string) (bool, error) { return len(user)%100 < pct, nil }
}
