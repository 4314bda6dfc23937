// Package store loads data; it has no UI, so it reports nothing itself.
// Its facts tell the analyzers of package app that Sales queries the
// database.
package store

import (
	"context"
	"database/sql"
)

// Sales returns the sales of a region.
func Sales(ctx context.Context, db *sql.DB, region string) ([]float64, error) {
	rows, err := db.QueryContext(ctx, "SELECT amount FROM sales WHERE region = $1", region)
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
