package copyable_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
)

// salesRow is the typical shape of a cached query result: a plain struct.
type salesRow struct {
	ID     int64
	Region string
	Amount float64
	At     time.Time
}

// order is a row that owns references: a slice, a map and a pointer.
type order struct {
	ID    int64
	Lines []string
	Attrs map[string]string
	Buyer *salesRow
}

func benchCopy[T any](b *testing.B, v T) {
	c, err := copyable.NewCopier[T]()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Copy(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCopy(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		rows := make([]salesRow, n)
		for i := range rows {
			rows[i] = salesRow{ID: int64(i), Region: "EMEA", Amount: float64(i), At: time.Unix(int64(i), 0)}
		}
		b.Run("plain-structs/"+strconv.Itoa(n), func(b *testing.B) { benchCopy(b, rows) })

		strs := make([]string, n)
		for i := range strs {
			strs[i] = strconv.Itoa(i)
		}
		b.Run("strings/"+strconv.Itoa(n), func(b *testing.B) { benchCopy(b, strs) })

		m := make(map[string]int, n)
		for i := range n {
			m[strconv.Itoa(i)] = i
		}
		b.Run("map-string-int/"+strconv.Itoa(n), func(b *testing.B) { benchCopy(b, m) })

		orders := make([]order, n)
		buyer := &salesRow{Region: "APAC"}
		for i := range orders {
			orders[i] = order{ID: int64(i), Lines: []string{"a", "b"}, Attrs: map[string]string{"k": "v"}, Buyer: buyer}
		}
		b.Run("structs-with-references/"+strconv.Itoa(n), func(b *testing.B) { benchCopy(b, orders) })

		js := make([]any, n)
		for i := range js {
			js[i] = map[string]any{"id": float64(i), "name": "x", "tags": []any{"a", "b"}}
		}
		b.Run("json-any/"+strconv.Itoa(n), func(b *testing.B) { benchCopy(b, js) })
	}
	blob := make([]byte, 1<<20)
	b.Run("bytes/1MiB", func(b *testing.B) {
		b.SetBytes(int64(len(blob)))
		benchCopy(b, blob)
	})
}
