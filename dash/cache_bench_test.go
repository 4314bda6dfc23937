package dash

import (
	"context"
	"strconv"
	"testing"
	"time"
)

type benchRow struct {
	ID     int64
	Region string
	Amount float64
	At     time.Time
}

// BenchmarkCacheDataGetHit measures a hit, whose cost is dominated by the
// deep copy of the value: compare it with the size of the cached result.
func BenchmarkCacheDataGetHit(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		rows := make([]benchRow, n)
		for i := range rows {
			rows[i] = benchRow{ID: int64(i), Region: "EMEA", Amount: float64(i)}
		}
		b.Run("rows/"+strconv.Itoa(n), func(b *testing.B) {
			c := CacheData(func(ctx context.Context, key string) ([]benchRow, error) { return rows, nil })
			ctx := context.Background()
			if _, err := c.Get(ctx, "k"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Get(ctx, "k"); err != nil {
					b.Fatal(err)
				}
			}
		})
		records := make([]map[string]any, n)
		for i := range records {
			records[i] = map[string]any{"id": float64(i), "region": "EMEA", "tags": []any{"a", "b"}}
		}
		b.Run("json/"+strconv.Itoa(n), func(b *testing.B) {
			c := CacheData(func(ctx context.Context, key string) ([]map[string]any, error) { return records, nil })
			ctx := context.Background()
			if _, err := c.Get(ctx, "k"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Get(ctx, "k"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCacheResourceGetHit is the floor: a hit without a copy.
func BenchmarkCacheResourceGetHit(b *testing.B) {
	type client struct{ n int }
	c := CacheResource(func(ctx context.Context, key string) (*client, error) { return &client{}, nil })
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Get(ctx, "k"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
