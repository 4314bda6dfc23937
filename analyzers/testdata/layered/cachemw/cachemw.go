// Package cachemw decorates domain.Orders with a data cache: the wrapped
// implementation is called only in the cache's loader, so a page over it
// does not query on every rerun.
package cachemw

import (
	"context"

	"github.com/dashvet/dashvet/dash"

	"dashapp/layered/domain"
)

type cached struct {
	next   domain.Orders
	recent *dash.DataCache[int, []domain.Order]
}

// Caching wraps next in a cache of its Recent results.
func Caching(next domain.Orders) domain.Orders {
	c := &cached{next: next}
	c.recent = dash.CacheData(func(ctx context.Context, n int) ([]domain.Order, error) {
		return c.next.Recent(ctx, n)
	})
	return c
}

func (c *cached) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	return c.recent.Get(ctx, n)
}
