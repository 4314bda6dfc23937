package wire

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
)

// The shapes of dash/copyable's benchmarks: a plain query row, and a row
// that owns a slice, a map and a pointer.
type salesRow struct {
	ID     int64
	Region string
	Amount float64
	At     time.Time
}

type order struct {
	ID    int64
	Lines []string
	Attrs map[string]string
	Buyer *salesRow
}

func rows(n int) []salesRow {
	out := make([]salesRow, n)
	for i := range out {
		out[i] = salesRow{ID: int64(i), Region: "EMEA-" + strconv.Itoa(i%7), Amount: float64(i) * 1.5, At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)}
	}
	return out
}

func orders(n int) []order {
	buyer := &salesRow{ID: 1, Region: "APAC"}
	out := make([]order, n)
	for i := range out {
		out[i] = order{ID: int64(i), Lines: []string{"a", "b", "c"}, Attrs: map[string]string{"k": strconv.Itoa(i)}, Buyer: buyer}
	}
	return out
}

// BenchmarkWire compares, per value, a deep copy (a local hit of a data
// cache), an encoding (a replica storing a value in Redis) and a decoding
// (a replica reading one), so docs/caches.md can say what a shared hit
// costs over a local one.
func BenchmarkWire(b *testing.B) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"rows=100", rows(100)},
		{"rows=10000", rows(10000)},
		{"orders=1000", orders(1000)},
	} {
		t := reflect.TypeOf(tc.v)
		c, err := NewCodec(t, false)
		if err != nil {
			b.Fatal(err)
		}
		p := reflect.New(t)
		p.Elem().Set(reflect.ValueOf(tc.v))
		enc := c.Encode(nil, p.UnsafePointer())
		b.Run(tc.name+"/copy", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := copyable.Copy[any](tc.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			buf := make([]byte, 0, len(enc))
			for b.Loop() {
				buf = c.Encode(buf[:0], p.UnsafePointer())
			}
		})
		b.Run(tc.name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			for b.Loop() {
				out := reflect.New(t)
				if err := c.Decode(enc, out.UnsafePointer()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
