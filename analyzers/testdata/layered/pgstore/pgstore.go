// Package pgstore implements domain.Orders on PostgreSQL.
package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"dashapp/layered/domain"
)

type Store struct{ pool *pgxpool.Pool }

func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

func (s *Store) Recent(ctx context.Context, n int) ([]domain.Order, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, amount FROM orders ORDER BY id DESC LIMIT $1", n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Order
	for rows.Next() {
		var o domain.Order
		if err := rows.Scan(&o.ID, &o.Amount); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
