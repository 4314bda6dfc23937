// Package refapp is the reference app of the runtime's memory and latency
// benchmarks (issue 12): a slider, a selectbox, a cached query on embedded
// SQLite, a metric, a 50-row table and a line chart, the page a Streamlit
// comparison uses. It needs only the public dash API, so the same
// benchmark builds against an older commit of the runtime (bench/refapp.sh
// measures both side by side).
package refapp

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
)

// Regions are the selectbox's options; the first is the default.
var Regions = []string{"EMEA", "APAC", "AMER", "LATAM"}

const historyDays = 365

// Open opens (creating and seeding it) the SQLite database at path.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	db, _, err := audit.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := seed(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seed writes a year of daily sales per region, deterministic.
func seed(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS sales (
		region TEXT NOT NULL, d INTEGER NOT NULL, day TEXT NOT NULL,
		orders INTEGER NOT NULL, revenue REAL NOT NULL, PRIMARY KEY (region, d))`); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	for r, region := range Regions {
		for d := range historyDays {
			orders := 40 + (d*7+r*13)%23
			revenue := float64(orders) * (95 + 20*math.Sin(float64(d)/9+float64(r)))
			day := fmt.Sprintf("2025-%02d-%02d", 1+d/31%12, 1+d%28)
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO sales VALUES (?, ?, ?, ?, ?)`,
				region, d, day, orders, math.Round(revenue*100)/100); err != nil {
				return fmt.Errorf("seeding: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	return nil
}

// Day is one row of the query and of the table.
type Day struct {
	Day     string
	Orders  int64
	Revenue float64
}

type query struct {
	Region string
	Days   int
}

// Page returns the app function over db. The query result is cached with
// dash.CacheData, shared by every session that asks for the same region
// and window.
func Page(db *sql.DB) func(*dash.UI) {
	sales := dash.CacheData(func(ctx context.Context, q query) ([]Day, error) {
		rows, err := db.QueryContext(ctx, `SELECT day, orders, revenue FROM sales
			WHERE region = ? AND d >= ? ORDER BY d`, q.Region, historyDays-q.Days)
		if err != nil {
			return nil, fmt.Errorf("querying sales of %s: %w", q.Region, err)
		}
		defer rows.Close()
		var out []Day
		for rows.Next() {
			var d Day
			if err := rows.Scan(&d.Day, &d.Orders, &d.Revenue); err != nil {
				return nil, fmt.Errorf("reading sales of %s: %w", q.Region, err)
			}
			out = append(out, d)
		}
		return out, rows.Err()
	}, dash.CacheName("refapp.sales"))

	return func(ui *dash.UI) {
		ui.Title("Sales")
		days := ui.Slider("Days", 30, historyDays, 180, dash.Step(5))
		region := ui.Selectbox("Region", Regions)
		rows, err := sales.Get(ui.Context(), query{Region: region, Days: days})
		if err != nil {
			ui.Error(err.Error())
			return
		}
		var total float64
		labels := make([]string, len(rows))
		revenue := make([]float64, len(rows))
		for i, r := range rows {
			total += r.Revenue
			labels[i], revenue[i] = r.Day, r.Revenue
		}
		ui.Metric("Revenue", fmt.Sprintf("%.0f", total), fmt.Sprintf("%d days", days))
		ui.Table(rows[len(rows)-min(50, len(rows)):])
		ui.LineChart(labels, dash.Series{Name: "Revenue", Values: revenue})
	}
}
