package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dashvet/dashvet/dash/audit"
)

// AllRegions is the Filter.Region that selects every region.
const AllRegions = ""

// Filter selects orders. It is comparable, so the dashboard uses it as the
// key of its data caches: one cached result per combination of filters.
type Filter struct {
	Region         string // AllRegions or one region
	From           string // first month included, YYYY-MM; "" for no bound
	Until          string // last month included, YYYY-MM; "" for no bound
	MinAmountCents int64  // only orders of at least this amount
}

func (f Filter) where() (string, []any) {
	conds := []string{"amount_cents >= ?"}
	args := []any{f.MinAmountCents}
	if f.From != "" {
		conds, args = append(conds, "month >= ?"), append(args, f.From)
	}
	if f.Until != "" {
		conds, args = append(conds, "month <= ?"), append(args, f.Until)
	}
	if f.Region != AllRegions {
		conds, args = append(conds, "region = ?"), append(args, f.Region)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Summary is the headline numbers of the selected orders.
type Summary struct {
	Orders        int64
	Units         int64
	RevenueCents  int64
	AvgOrderCents int64
}

// Summarize returns the headline numbers of the orders f selects.
func Summarize(ctx context.Context, db *sql.DB, d audit.Dialect, f Filter) (Summary, error) {
	where, args := f.where()
	// CAST keeps SUM an integer on PostgreSQL, which widens bigint sums to
	// numeric.
	q := "SELECT COUNT(*), CAST(COALESCE(SUM(quantity), 0) AS BIGINT), CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM orders" + where
	var s Summary
	if err := db.QueryRowContext(ctx, d.Rebind(q), args...).Scan(&s.Orders, &s.Units, &s.RevenueCents); err != nil {
		return Summary{}, fmt.Errorf("summarising orders: %w", err)
	}
	if s.Orders > 0 {
		s.AvgOrderCents = s.RevenueCents / s.Orders
	}
	return s, nil
}

// MonthRow is the revenue of one month.
type MonthRow struct {
	Month        string
	Orders       int64
	RevenueCents int64
}

// Monthly returns the revenue per month of the orders f selects, oldest
// month first.
func Monthly(ctx context.Context, db *sql.DB, d audit.Dialect, f Filter) ([]MonthRow, error) {
	where, args := f.where()
	q := "SELECT month, COUNT(*), CAST(SUM(amount_cents) AS BIGINT) FROM orders" + where + " GROUP BY month ORDER BY month"
	return collect(ctx, db, d, q, args, "monthly revenue", func(rs *sql.Rows) (MonthRow, error) {
		var r MonthRow
		err := rs.Scan(&r.Month, &r.Orders, &r.RevenueCents)
		return r, err
	})
}

// ProductRow is the sales of one product.
type ProductRow struct {
	Product      string
	Orders       int64
	Units        int64
	RevenueCents int64
}

// AvgUnitCents is the average price realised per unit.
func (p ProductRow) AvgUnitCents() int64 {
	if p.Units == 0 {
		return 0
	}
	return p.RevenueCents / p.Units
}

// ByProduct returns the sales per product of the orders f selects, best
// selling first.
func ByProduct(ctx context.Context, db *sql.DB, d audit.Dialect, f Filter) ([]ProductRow, error) {
	where, args := f.where()
	q := "SELECT product, COUNT(*), CAST(SUM(quantity) AS BIGINT), CAST(SUM(amount_cents) AS BIGINT) FROM orders" + where +
		" GROUP BY product ORDER BY 4 DESC, product"
	return collect(ctx, db, d, q, args, "sales by product", func(rs *sql.Rows) (ProductRow, error) {
		var r ProductRow
		err := rs.Scan(&r.Product, &r.Orders, &r.Units, &r.RevenueCents)
		return r, err
	})
}

// LargestOrders returns the n largest orders f selects.
func LargestOrders(ctx context.Context, db *sql.DB, d audit.Dialect, f Filter, n int) ([]Order, error) {
	where, args := f.where()
	q := "SELECT id, day, month, region, product, quantity, amount_cents FROM orders" + where +
		" ORDER BY amount_cents DESC, id LIMIT ?"
	return collect(ctx, db, d, q, append(args, n), "largest orders", func(rs *sql.Rows) (Order, error) {
		var o Order
		err := rs.Scan(&o.ID, &o.Day, &o.Month, &o.Region, &o.Product, &o.Quantity, &o.AmountCents)
		return o, err
	})
}

// Months returns the months that have orders, oldest first.
func Months(ctx context.Context, db *sql.DB, d audit.Dialect) ([]string, error) {
	return collect(ctx, db, d, "SELECT DISTINCT month FROM orders ORDER BY month", nil, "months", scanString)
}

// RegionNames returns the regions that have orders, in alphabetical order.
func RegionNames(ctx context.Context, db *sql.DB, d audit.Dialect) ([]string, error) {
	return collect(ctx, db, d, "SELECT DISTINCT region FROM orders ORDER BY region", nil, "regions", scanString)
}

// Target is a region's monthly revenue target.
type Target struct {
	Region       string
	MonthlyCents int64
	UpdatedAt    time.Time
}

// Targets returns every region's target, by region name.
func Targets(ctx context.Context, db *sql.DB, d audit.Dialect) ([]Target, error) {
	return collect(ctx, db, d, "SELECT region, monthly_cents, updated_at FROM targets ORDER BY region", nil, "targets",
		func(rs *sql.Rows) (Target, error) {
			var t Target
			err := rs.Scan(&t.Region, &t.MonthlyCents, &t.UpdatedAt)
			t.UpdatedAt = t.UpdatedAt.UTC()
			return t, err
		})
}

// ErrUnknownRegion is returned by SetTarget for a region without orders.
var ErrUnknownRegion = errors.New("unknown region")

// maxTargetCents bounds a target, so that a typo of a few extra digits is
// refused rather than stored.
const maxTargetCents = 1_000_000_000_00

// SetTarget sets region's monthly target and returns the previous one (0
// when it had none).
func SetTarget(ctx context.Context, db *sql.DB, d audit.Dialect, region string, cents int64, at time.Time) (previous int64, err error) {
	if cents < 0 || cents > maxTargetCents {
		return 0, fmt.Errorf("target of %d cents is outside 0..%d", cents, int64(maxTargetCents))
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("setting target of %s: %w", region, err)
	}
	defer tx.Rollback() // a no-op after Commit
	var known int
	if err := tx.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM orders WHERE region = ?"), region).Scan(&known); err != nil {
		return 0, fmt.Errorf("setting target of %s: %w", region, err)
	}
	if known == 0 {
		return 0, fmt.Errorf("setting target of %q: %w", region, ErrUnknownRegion)
	}
	err = tx.QueryRowContext(ctx, d.Rebind("SELECT monthly_cents FROM targets WHERE region = ?"), region).Scan(&previous)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("setting target of %s: %w", region, err)
	}
	_, err = tx.ExecContext(ctx, d.Rebind(
		"INSERT INTO targets (region, monthly_cents, updated_at) VALUES (?, ?, ?) "+
			"ON CONFLICT (region) DO UPDATE SET monthly_cents = excluded.monthly_cents, updated_at = excluded.updated_at"),
		region, cents, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("setting target of %s: %w", region, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("setting target of %s: commit: %w", region, err)
	}
	return previous, nil
}

func scanString(rs *sql.Rows) (string, error) {
	var s string
	err := rs.Scan(&s)
	return s, err
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, db *sql.DB, d audit.Dialect, q string, args []any, what string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctx, d.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("querying %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return out, nil
}
