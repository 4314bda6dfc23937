// Package store is the data layer of the sales example: the schema, a
// deterministic seed of a few thousand orders, and the queries the
// dashboard shows. Every function takes the pool and its dialect, does its
// I/O and returns plain values; the dashboard calls them only from inside
// dash caches.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dashvet/dashvet/dash/audit"
)

// Product is an item of the catalogue with its list price.
type Product struct {
	Name          string
	ListCents     int64
	Weight        int // relative share of orders
	MaxQuantity   int
	MaxDiscountPc int // largest discount a sales rep may give, in percent
}

// Catalog is the product catalogue the seed sells and the pricing service
// quotes.
var Catalog = []Product{
	{Name: "Sensor kit", ListCents: 4_900, Weight: 35, MaxQuantity: 40, MaxDiscountPc: 20},
	{Name: "Gateway", ListCents: 12_900, Weight: 20, MaxQuantity: 12, MaxDiscountPc: 15},
	{Name: "Dashboard licence", ListCents: 29_900, Weight: 15, MaxQuantity: 10, MaxDiscountPc: 25},
	{Name: "Support pack", ListCents: 9_900, Weight: 20, MaxQuantity: 8, MaxDiscountPc: 10},
	{Name: "Cable set", ListCents: 1_900, Weight: 10, MaxQuantity: 60, MaxDiscountPc: 5},
}

// Regions are the sales regions, with their relative share of orders.
var Regions = []struct {
	Name   string
	Weight int
}{
	{"EMEA", 35}, {"North America", 30}, {"APAC", 25}, {"LATAM", 10},
}

// SeedConfig describes the generated order history.
type SeedConfig struct {
	Orders    int       // number of orders
	LastMonth time.Time // any time in the last month of the history
	Months    int       // length of the history in months
	Seed      uint64    // random seed; the same seed yields the same orders
}

// DefaultSeed is the history the example creates on first run: 4,000
// orders over the 24 months of 2024 and 2025.
var DefaultSeed = SeedConfig{
	Orders:    4000,
	LastMonth: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC),
	Months:    24,
	Seed:      20240101,
}

// Order is one row of the orders table.
type Order struct {
	ID          int64
	Day         string // YYYY-MM-DD
	Month       string // YYYY-MM
	Region      string
	Product     string
	Quantity    int64
	AmountCents int64
}

// Generate returns the orders described by cfg. It is a pure function of
// cfg: the same config gives the same orders on every machine, so tests and
// screenshots are reproducible.
func Generate(cfg SeedConfig) []Order {
	if cfg.Orders <= 0 || cfg.Months <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	last := time.Date(cfg.LastMonth.Year(), cfg.LastMonth.Month(), 1, 0, 0, 0, 0, time.UTC)
	first := last.AddDate(0, -(cfg.Months - 1), 0)

	productWeights := make([]int, len(Catalog))
	for i, p := range Catalog {
		productWeights[i] = p.Weight
	}
	regionWeights := make([]int, len(Regions))
	for i, r := range Regions {
		regionWeights[i] = r.Weight
	}

	orders := make([]Order, 0, cfg.Orders)
	for i := range cfg.Orders {
		// Later months sell more: the business grows about 40% over the
		// history, with a year-end peak.
		m := growthMonth(rng, cfg.Months)
		month := first.AddDate(0, m, 0)
		daysIn := month.AddDate(0, 1, -1).Day()
		day := month.AddDate(0, 0, rng.IntN(daysIn))
		p := Catalog[pick(rng, productWeights)]
		r := Regions[pick(rng, regionWeights)]
		qty := 1 + int64(math.Floor(math.Pow(rng.Float64(), 2)*float64(p.MaxQuantity)))
		discount := rng.IntN(p.MaxDiscountPc + 1)
		amount := qty * p.ListCents * int64(100-discount) / 100
		orders = append(orders, Order{
			ID:          int64(i + 1),
			Day:         day.Format(time.DateOnly),
			Month:       day.Format("2006-01"),
			Region:      r.Name,
			Product:     p.Name,
			Quantity:    qty,
			AmountCents: amount,
		})
	}
	return orders
}

// growthMonth draws a month index in [0, months) with later months and
// Novembers/Decembers more likely.
func growthMonth(rng *rand.Rand, months int) int {
	for {
		m := rng.IntN(months)
		w := 1 + 0.4*float64(m)/float64(max(months-1, 1))
		if m%12 >= 10 {
			w *= 1.3
		}
		if rng.Float64()*1.82 < w {
			return m
		}
	}
}

func pick(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// Migrate creates the example's tables and indexes when missing.
func Migrate(ctx context.Context, db *sql.DB, d audit.Dialect) error {
	ts := "TIMESTAMP"
	if d == audit.Postgres {
		ts = "TIMESTAMPTZ"
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS orders (
	id BIGINT PRIMARY KEY,
	day VARCHAR(10) NOT NULL,
	month VARCHAR(7) NOT NULL,
	region VARCHAR(64) NOT NULL,
	product VARCHAR(64) NOT NULL,
	quantity BIGINT NOT NULL,
	amount_cents BIGINT NOT NULL
)`,
		`CREATE INDEX IF NOT EXISTS orders_month_region_idx ON orders (month, region)`,
		`CREATE TABLE IF NOT EXISTS targets (
	region VARCHAR(64) PRIMARY KEY,
	monthly_cents BIGINT NOT NULL,
	updated_at ` + ts + ` NOT NULL
)`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("creating sales schema (%s): %w", d, err)
		}
	}
	return nil
}

// seedBatch is the number of orders per INSERT statement: 7 parameters
// each keeps a statement well below SQLite's and PostgreSQL's limits.
const seedBatch = 250

// Seed inserts the orders of cfg unless the orders table already holds
// data. Rows are inserted with their generated ids and ON CONFLICT DO
// NOTHING, so two processes seeding the same database at once end with
// one copy of the history.
func Seed(ctx context.Context, db *sql.DB, d audit.Dialect, cfg SeedConfig) (inserted int, err error) {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orders").Scan(&n); err != nil {
		return 0, fmt.Errorf("counting orders: %w", err)
	}
	if n > 0 {
		return 0, nil
	}
	orders := Generate(cfg)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("seeding orders: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	for start := 0; start < len(orders); start += seedBatch {
		batch := orders[start:min(start+seedBatch, len(orders))]
		var q strings.Builder
		q.WriteString("INSERT INTO orders (id, day, month, region, product, quantity, amount_cents) VALUES ")
		args := make([]any, 0, len(batch)*7)
		for i, o := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, o.ID, o.Day, o.Month, o.Region, o.Product, o.Quantity, o.AmountCents)
		}
		q.WriteString(" ON CONFLICT (id) DO NOTHING")
		res, err := tx.ExecContext(ctx, d.Rebind(q.String()), args...)
		if err != nil {
			return 0, fmt.Errorf("seeding orders %d-%d: %w", batch[0].ID, batch[len(batch)-1].ID, err)
		}
		if k, err := res.RowsAffected(); err == nil {
			inserted += int(k)
		}
	}
	if err := seedTargets(ctx, tx, d); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("seeding orders: commit: %w", err)
	}
	return inserted, nil
}

// seedTargets gives every region a monthly revenue target, close to what
// the region sells in the last months of the default history.
func seedTargets(ctx context.Context, tx *sql.Tx, d audit.Dialect) error {
	targets := map[string]int64{"EMEA": 5_500_000, "North America": 4_700_000, "APAC": 3_800_000, "LATAM": 1_500_000}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range Regions {
		_, err := tx.ExecContext(ctx, d.Rebind(
			"INSERT INTO targets (region, monthly_cents, updated_at) VALUES (?, ?, ?) ON CONFLICT (region) DO NOTHING"),
			r.Name, targets[r.Name], at)
		if err != nil {
			return fmt.Errorf("seeding target of %s: %w", r.Name, err)
		}
	}
	return nil
}
