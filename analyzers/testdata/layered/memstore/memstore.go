// Package memstore implements domain.Orders in memory, for development.
package memstore

import (
	"context"

	"dashapp/layered/domain"
)

type Store struct{ Orders []domain.Order }

func (s *Store) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	return s.Orders[:min(n, len(s.Orders))], nil
}
