package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/dash/audit/audittest"
)

// small is a history small enough to seed quickly in every test.
var small = SeedConfig{Orders: 600, LastMonth: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Months: 12, Seed: 7}

type backend struct {
	db *sql.DB
	d  audit.Dialect
}

// backends yields a fresh, seeded database per backend: SQLite always,
// PostgreSQL (in a schema of its own) when DASH_TEST_POSTGRES_DSN is set.
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openSeeded(t, filepath.Join(t.TempDir(), "sales.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openSeeded(t, audittest.PostgresSchema(t)))
	})
}

func openSeeded(t *testing.T, dsn string) backend {
	t.Helper()
	ctx := context.Background()
	db, d, err := audit.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	n, err := Seed(ctx, db, d, small)
	if err != nil {
		t.Fatal(err)
	}
	if n != small.Orders {
		t.Fatalf("Seed inserted %d orders, want %d", n, small.Orders)
	}
	return backend{db, d}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(DefaultSeed), Generate(DefaultSeed)
	if len(a) != DefaultSeed.Orders {
		t.Fatalf("Generate returned %d orders, want %d", len(a), DefaultSeed.Orders)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls of Generate with one config differ")
	}
	other := DefaultSeed
	other.Seed++
	if reflect.DeepEqual(a, Generate(other)) {
		t.Error("another seed gave the same orders")
	}
}

func TestGenerateStaysInCatalogue(t *testing.T) {
	prices := map[string]Product{}
	for _, p := range Catalog {
		prices[p.Name] = p
	}
	regions := map[string]bool{}
	for _, r := range Regions {
		regions[r.Name] = true
	}
	first, last := "2024-01", "2025-12"
	months := map[string]bool{}
	for _, o := range Generate(DefaultSeed) {
		p, ok := prices[o.Product]
		if !ok || !regions[o.Region] {
			t.Fatalf("order %+v: unknown product or region", o)
		}
		if o.Month < first || o.Month > last || !strings.HasPrefix(o.Day, o.Month) {
			t.Fatalf("order %+v outside %s..%s or day not in month", o, first, last)
		}
		if _, err := time.Parse(time.DateOnly, o.Day); err != nil {
			t.Fatalf("order %+v: %v", o, err)
		}
		full := o.Quantity * p.ListCents
		if o.Quantity < 1 || o.Quantity > int64(p.MaxQuantity) ||
			o.AmountCents > full || o.AmountCents < full*int64(100-p.MaxDiscountPc)/100 {
			t.Fatalf("order %+v: quantity or amount outside the catalogue's bounds for %+v", o, p)
		}
		months[o.Month] = true
	}
	if len(months) != DefaultSeed.Months {
		t.Errorf("orders cover %d months, want %d", len(months), DefaultSeed.Months)
	}
}

// expect computes in Go what the queries should return for f.
func expect(orders []Order, f Filter) (Summary, map[string]MonthRow, map[string]ProductRow) {
	var s Summary
	months, products := map[string]MonthRow{}, map[string]ProductRow{}
	for _, o := range orders {
		if o.AmountCents < f.MinAmountCents || o.Month < f.From || f.Until != "" && o.Month > f.Until || f.Region != AllRegions && o.Region != f.Region {
			continue
		}
		s.Orders++
		s.Units += o.Quantity
		s.RevenueCents += o.AmountCents
		m := months[o.Month]
		m.Month, m.Orders, m.RevenueCents = o.Month, m.Orders+1, m.RevenueCents+o.AmountCents
		months[o.Month] = m
		p := products[o.Product]
		p.Product, p.Orders, p.Units, p.RevenueCents = o.Product, p.Orders+1, p.Units+o.Quantity, p.RevenueCents+o.AmountCents
		products[o.Product] = p
	}
	if s.Orders > 0 {
		s.AvgOrderCents = s.RevenueCents / s.Orders
	}
	return s, months, products
}

func TestQueriesMatchTheData(t *testing.T) {
	filters := []Filter{
		{},
		{Region: "EMEA"},
		{Region: "LATAM", From: "2025-03"},
		{MinAmountCents: 50_000},
		{Region: "APAC", From: "2025-01", MinAmountCents: 20_000},
		{Region: "Atlantis"},
		{From: "2024-09", Until: "2024-11"},
		{Region: "North America", Until: "2024-12", MinAmountCents: 10_000},
	}
	orders := Generate(small)
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		for _, f := range filters {
			wantSum, wantMonths, wantProducts := expect(orders, f)
			sum, err := Summarize(ctx, b.db, b.d, f)
			if err != nil {
				t.Fatal(err)
			}
			if sum != wantSum {
				t.Errorf("Summarize(%+v) = %+v, want %+v", f, sum, wantSum)
			}

			monthly, err := Monthly(ctx, b.db, b.d, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(monthly) != len(wantMonths) || !slices.IsSortedFunc(monthly, func(a, b MonthRow) int { return strings.Compare(a.Month, b.Month) }) {
				t.Errorf("Monthly(%+v) returned %d months (sorted: %v), want %d sorted", f, len(monthly),
					slices.IsSortedFunc(monthly, func(a, b MonthRow) int { return strings.Compare(a.Month, b.Month) }), len(wantMonths))
			}
			for _, m := range monthly {
				if m != wantMonths[m.Month] {
					t.Errorf("Monthly(%+v) month %s = %+v, want %+v", f, m.Month, m, wantMonths[m.Month])
				}
			}

			byProduct, err := ByProduct(ctx, b.db, b.d, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(byProduct) != len(wantProducts) {
				t.Errorf("ByProduct(%+v) returned %d products, want %d", f, len(byProduct), len(wantProducts))
			}
			for i, p := range byProduct {
				if p != wantProducts[p.Product] {
					t.Errorf("ByProduct(%+v) %s = %+v, want %+v", f, p.Product, p, wantProducts[p.Product])
				}
				if i > 0 && byProduct[i-1].RevenueCents < p.RevenueCents {
					t.Errorf("ByProduct(%+v) not sorted by revenue at %d", f, i)
				}
			}

			largest, err := LargestOrders(ctx, b.db, b.d, f, 5)
			if err != nil {
				t.Fatal(err)
			}
			var want []Order
			for _, o := range orders {
				if o.AmountCents >= f.MinAmountCents && o.Month >= f.From && (f.Until == "" || o.Month <= f.Until) && (f.Region == AllRegions || o.Region == f.Region) {
					want = append(want, o)
				}
			}
			sort.SliceStable(want, func(i, j int) bool {
				if want[i].AmountCents != want[j].AmountCents {
					return want[i].AmountCents > want[j].AmountCents
				}
				return want[i].ID < want[j].ID
			})
			want = want[:min(5, len(want))]
			if !reflect.DeepEqual(largest, want) && (len(largest) != 0 || len(want) != 0) {
				t.Errorf("LargestOrders(%+v) = %+v, want %+v", f, largest, want)
			}
		}

		months, err := Months(ctx, b.db, b.d)
		if err != nil {
			t.Fatal(err)
		}
		if len(months) != small.Months || months[0] != "2024-07" || months[len(months)-1] != "2025-06" {
			t.Errorf("Months = %v, want the 12 months 2024-07..2025-06", months)
		}
		regions, err := RegionNames(ctx, b.db, b.d)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"APAC", "EMEA", "LATAM", "North America"}; !reflect.DeepEqual(regions, want) {
			t.Errorf("RegionNames = %v, want %v", regions, want)
		}
	})
}

func TestSeedIsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		n, err := Seed(ctx, b.db, b.d, small)
		if err != nil || n != 0 {
			t.Fatalf("second Seed inserted %d, %v; want 0, nil", n, err)
		}
		if err := Migrate(ctx, b.db, b.d); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		s, err := Summarize(ctx, b.db, b.d, Filter{})
		if err != nil || s.Orders != int64(small.Orders) {
			t.Errorf("after second seed: %d orders, %v; want %d", s.Orders, err, small.Orders)
		}
	})
}

func TestSetTarget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		before, err := Targets(ctx, b.db, b.d)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) != len(Regions) {
			t.Fatalf("seeded %d targets, want %d", len(before), len(Regions))
		}
		at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
		prev, err := SetTarget(ctx, b.db, b.d, "EMEA", 4_200_000, at)
		if err != nil {
			t.Fatal(err)
		}
		if prev != 5_500_000 {
			t.Errorf("previous EMEA target = %d, want the seeded 5500000", prev)
		}
		after, err := Targets(ctx, b.db, b.d)
		if err != nil {
			t.Fatal(err)
		}
		for i, tg := range after {
			switch {
			case tg.Region == "EMEA":
				if tg.MonthlyCents != 4_200_000 || !tg.UpdatedAt.Equal(at) {
					t.Errorf("EMEA target after update = %+v, want 4200000 at %v", tg, at)
				}
			case tg != before[i]:
				t.Errorf("target of %s changed from %+v to %+v", tg.Region, before[i], tg)
			}
		}

		if _, err := SetTarget(ctx, b.db, b.d, "Atlantis", 1, at); !errors.Is(err, ErrUnknownRegion) {
			t.Errorf("SetTarget of an unknown region: %v, want ErrUnknownRegion", err)
		}
		for _, cents := range []int64{-1, maxTargetCents + 1} {
			if _, err := SetTarget(ctx, b.db, b.d, "EMEA", cents, at); err == nil {
				t.Errorf("SetTarget(%d) succeeded", cents)
			}
		}
	})
}

func TestQueriesHonourCancellation(t *testing.T) {
	b := openSeeded(t, filepath.Join(t.TempDir(), "sales.db"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Summarize(ctx, b.db, b.d, Filter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Summarize with a cancelled context: %v, want context.Canceled", err)
	}
}

// BenchmarkSummarize measures the sales page's headline query over the
// default 4,000-order history: the cost of one data cache miss.
func BenchmarkSummarize(b *testing.B) {
	ctx := context.Background()
	db, d, err := audit.Open(ctx, filepath.Join(b.TempDir(), "sales.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := Migrate(ctx, db, d); err != nil {
		b.Fatal(err)
	}
	if _, err := Seed(ctx, db, d, DefaultSeed); err != nil {
		b.Fatal(err)
	}
	f := Filter{From: "2025-01", Until: "2025-12"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Summarize(ctx, db, d, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeed measures creating and seeding the default history, the
// example's first start.
func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		db, d, err := audit.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("sales%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if err := Migrate(ctx, db, d); err != nil {
			b.Fatal(err)
		}
		if _, err := Seed(ctx, db, d, DefaultSeed); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
