package dash

import (
	"context"
	"testing"
)

// BenchmarkRoundTripRaw is BenchmarkRoundTrip with a client that finds the
// render it waits for in the raw bytes instead of decoding the tree, as a
// browser that is not the bottleneck would: the cost left is the server's
// and the socket's.
func BenchmarkRoundTripRaw(b *testing.B) {
	for _, app := range benchApps {
		b.Run(app.name, func(b *testing.B) {
			hs, _ := startPage(b, app.fn)
			ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
			defer cancel()
			c, err := dialBench(ctx, wsURL(hs))
			if err != nil {
				b.Fatal(err)
			}
			defer c.close()
			b.ReportAllocs()
			for b.Loop() {
				if err := c.roundTrip(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
