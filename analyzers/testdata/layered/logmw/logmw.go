// Package logmw decorates domain.Orders with logging: its type is
// unexported and the package imports nothing the engine analyses, so no
// fact says what it does; it wraps a domain.Orders, so it can only pass
// the call on.
package logmw

import (
	"context"
	"log/slog"
	"time"

	"dashapp/layered/domain"
)

type logged struct {
	next domain.Orders
	log  *slog.Logger
}

// Logging wraps next with timing logs.
func Logging(next domain.Orders, log *slog.Logger) domain.Orders {
	return &logged{next: next, log: log}
}

func (l *logged) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	start := time.Now()
	defer func() { l.log.Debug("orders.Recent", "n", n, "took", time.Since(start)) }()
	return l.next.Recent(ctx, n)
}
