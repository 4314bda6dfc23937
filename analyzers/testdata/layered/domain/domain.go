// Package domain declares what the pages need, as interfaces: the layered
// shape in which no package but main sees the implementations.
package domain

import "context"

type Order struct {
	ID     int64
	Amount float64
}

// Orders is implemented by pgstore (PostgreSQL) and memstore (memory).
type Orders interface {
	Recent(ctx context.Context, n int) ([]Order, error)
}
