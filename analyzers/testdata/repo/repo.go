// Package repo is a data access layer behind interfaces, as teams write
// it: the app sees only the interfaces and constructors.
package repo

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

// Sales has one implementation, unexported, which queries PostgreSQL.
type Sales interface {
	Totals(ctx context.Context, region string) ([]float64, error)
	Name() string
}

type pgSales struct{ pool *pgxpool.Pool }

// NewSales returns the PostgreSQL implementation.
func NewSales(pool *pgxpool.Pool) Sales { return &pgSales{pool: pool} }

func (s *pgSales) Totals(ctx context.Context, region string) ([]float64, error) {
	rows, err := s.pool.Query(ctx, "SELECT amount FROM sales WHERE region = $1", region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *pgSales) Name() string { return "postgres" }

// Regions has a database implementation and an in-memory one: a call
// through the interface may be either, so it is not reported.
type Regions interface {
	List(ctx context.Context) ([]string, error)
}

// DBRegions reads the regions with sqlx.
type DBRegions struct{ DB *sqlx.DB }

func (r DBRegions) List(ctx context.Context) ([]string, error) {
	var out []string
	err := r.DB.SelectContext(ctx, &out, "SELECT name FROM regions")
	return out, err
}

// Fixed is a constant list of regions.
type Fixed []string

func (f Fixed) List(context.Context) ([]string, error) { return f, nil }
