// Package store is the antipatterns example's data helper in a package of
// its own: LoadOrders queries the database on every call, and the dashvet
// analyzers follow that through package boundaries (as an object fact), so
// the app's uncached call to it is reported where the app makes it.
package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dashvet/dashvet/dash/audit"
)

// Order is one of a region's largest orders.
type Order struct {
	ID          int64
	Day         string
	Product     string
	AmountCents int64
}

// LoadOrders returns the ten largest orders of region. It runs a query on
// every call: callers on a dashboard's rerun path must wrap it in
// dash.CacheData.
func LoadOrders(ctx context.Context, db *sql.DB, d audit.Dialect, region string) ([]Order, error) {
	rows, err := db.QueryContext(ctx, d.Rebind(
		"SELECT id, day, product, amount_cents FROM orders WHERE region = ? ORDER BY amount_cents DESC, id LIMIT 10"), region)
	if err != nil {
		return nil, fmt.Errorf("loading orders of %s: %w", region, err)
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Day, &o.Product, &o.AmountCents); err != nil {
			return nil, fmt.Errorf("loading orders of %s: %w", region, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading orders of %s: %w", region, err)
	}
	return out, nil
}
