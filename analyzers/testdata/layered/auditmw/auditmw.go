// Package auditmw decorates domain.Orders with an exported type, as
// decorators often are: the type implements domain.Orders itself, and its
// method calls the interface on its own field, which the constructor sets.
package auditmw

import (
	"context"
	"log/slog"

	"dashapp/layered/domain"
)

type Orders struct {
	Next domain.Orders
	Log  *slog.Logger
}

// New wraps next.
func New(next domain.Orders, log *slog.Logger) *Orders { return &Orders{Next: next, Log: log} }

func (o *Orders) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	o.Log.InfoContext(ctx, "orders.Recent", "n", n)
	return o.Next.Recent(ctx, n)
}
