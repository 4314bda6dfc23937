package dash

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkSessions measures the round trip a user sees while many other
// sessions are connected and active: n real WebSocket clients on loopback
// (in this process, so they share the CPU with the server, as a load test
// on one machine does) move a slider. Interactions arrive as a Poisson
// process at n/think per second, each from a session that is not already
// waiting for a render — every user moves the slider once per think time
// on average. One iteration is one interaction; ns/op is therefore the
// mean arrival interval, and the numbers to read are the latency
// percentiles of the round trips (p50-ms, p99-ms, max-ms), the
// throughput actually reached (rt/s) and the CPU time the process (server
// and clients) spent per round trip (cpu-µs/rt), which unlike the latency
// does not depend on what else the machine runs.
func BenchmarkSessions(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("sessions=%d/think=1s", n), func(b *testing.B) {
			benchSessions(b, n, time.Second)
		})
	}
}

func benchSessions(b *testing.B, n int, think time.Duration) {
	// Every client is on loopback: no per-client limit.
	hs, _ := startPage(b, benchApps[0].fn, MaxSessions(n), MaxSessionsPerClient(0))
	setup, cancelSetup := context.WithTimeout(context.Background(), benchTimeout)
	defer cancelSetup()
	clients, err := dialBenchMany(setup, wsURL(hs), n)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()

	// Each client owns a goroutine that performs one round trip per token.
	stop := make(chan struct{})
	tokens := make([]chan struct{}, n)
	lat := make([][]time.Duration, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i, c := range clients {
		tokens[i] = make(chan struct{}, 1)
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-tokens[i]:
				}
				ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
				start := time.Now()
				err := c.roundTrip(ctx)
				d := time.Since(start)
				cancel()
				if err != nil {
					errs <- fmt.Errorf("session %d: %w", i, err)
					return
				}
				lat[i] = append(lat[i], d)
			}
		})
	}

	rng := rand.New(rand.NewPCG(uint64(n), 1))
	interval := float64(think) / float64(n)
	next := time.Now()
	failed := false
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		next = next.Add(time.Duration(rng.ExpFloat64() * interval))
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		if !dispatch(tokens, rng.IntN(n), errs) {
			failed = true
			break
		}
	}
	close(stop)
	wg.Wait()
	cpu1, _ := processCPU()
	close(errs)
	for err := range errs {
		b.Error(err)
		failed = true
	}
	if failed {
		return
	}
	all := slices.Concat(lat...)
	if len(all) == 0 {
		b.Fatal("no round trip completed")
	}
	slices.Sort(all)
	b.ReportMetric(percentileMS(all, 0.50), "p50-ms")
	b.ReportMetric(percentileMS(all, 0.99), "p99-ms")
	b.ReportMetric(percentileMS(all, 1), "max-ms")
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "rt/s")
	if cpuOK {
		// Server and clients together, per round trip.
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Microsecond)/float64(len(all)), "cpu-µs/rt")
	}
}

// dispatch gives a token to the first idle session from i on, or, when
// every session is still waiting for a render, waits for session i. It
// reports false if a client failed meanwhile.
func dispatch(tokens []chan struct{}, i int, errs chan error) bool {
	for k := range tokens {
		select {
		case tokens[(i+k)%len(tokens)] <- struct{}{}:
			return true
		default:
		}
	}
	select {
	case tokens[i] <- struct{}{}:
		return true
	case err := <-errs:
		errs <- err // for the caller to report
		return false
	}
}

// percentileMS returns the p-quantile of sorted durations in milliseconds
// (nearest rank).
func percentileMS(sorted []time.Duration, p float64) float64 {
	i := int(p*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}
