// Package retrymw decorates domain.Orders with retries. It imports
// net/http, so the engine analyses it: its facts (not the shape of its
// type) say that its unexported type passes the call on.
package retrymw

import (
	"context"
	"errors"
	"net/http"

	"dashapp/layered/domain"
)

type retrying struct{ next domain.Orders }

// Retrying retries next's calls once when the server was closed under them.
func Retrying(next domain.Orders) domain.Orders { return &retrying{next: next} }

func (r *retrying) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	orders, err := r.next.Recent(ctx, n)
	if errors.Is(err, http.ErrServerClosed) {
		return r.next.Recent(ctx, n)
	}
	return orders, err
}
