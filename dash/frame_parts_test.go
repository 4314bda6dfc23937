package dash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/dashvet/dashvet/dash/internal/blobs"
	"github.com/dashvet/dashvet/dash/internal/chart"
)

// partsApp is a page with a chart and a 50-row table whose data is the
// same for every session (it differs from test to test, so no test finds
// another's drawing).
func partsApp(tag string) func(*UI) {
	labels := make([]string, 60)
	values := make([]float64, 60)
	type row struct {
		Day     string
		Region  string
		Revenue float64
	}
	rows := make([]row, 50)
	for i := range labels {
		labels[i] = fmt.Sprintf("%s-%02d", tag, i)
		values[i] = float64(i*i%17) + 0.5
	}
	for i := range rows {
		rows[i] = row{Day: labels[i], Region: "EMEA", Revenue: values[i] * 1000}
	}
	return func(ui *UI) {
		ui.Title("Parts " + tag)
		ui.LineChart(labels, Series{Name: "Revenue", Values: values})
		ui.Table(rows)
		ui.Text("done")
	}
}

// sharedParts returns, for every session of srv with a final frame, its
// nodes that hold a shared part, by kind.
func sharedParts(t *testing.T, srv *server) []map[string]*node {
	t.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var out []map[string]*node
	for _, s := range srv.sessions {
		s.mu.Lock()
		f := s.last
		s.mu.Unlock()
		if f == nil || f.running {
			continue
		}
		parts := map[string]*node{}
		var walk func([]*node)
		walk = func(ns []*node) {
			for _, n := range ns {
				if n.part != nil {
					parts[n.kind] = n
				}
				walk(n.children)
			}
		}
		walk(f.main)
		out = append(out, parts)
	}
	return out
}

func TestSessionsShareChartAndTable(t *testing.T) {
	hs, srv := startPage(t, partsApp("share"))
	a := dial(t, hs, "", "/")
	a.waitText("done")
	b := dial(t, hs, "", "/")
	b.waitText("done")
	sessions := sharedParts(t, srv)
	if len(sessions) != 2 {
		t.Fatalf("%d sessions with a final frame, want 2", len(sessions))
	}
	for _, kind := range []string{kindChart, kindTable} {
		x, y := sessions[0][kind], sessions[1][kind]
		if x == nil || y == nil {
			t.Fatalf("the %s is not a shared part in both sessions", kind)
		}
		if x.part != y.part || &x.props[0] != &y.props[0] {
			t.Errorf("the two sessions hold two copies of the %s", kind)
		}
	}
	// What the clients received is the part, byte for byte.
	for _, c := range []*testClient{a, b} {
		for _, el := range c.last {
			if el.kind == kindChart && !bytes.Equal(el.raw, sessions[0][kindChart].props) {
				t.Error("a client received other chart props than the shared part")
			}
		}
	}
}

// A session whose chart left every shared store (the drawings cache and
// the parts LRU) still holds it: a reconnect resends it whole, and a new
// session showing the same chart gets the same copy, not a second one.
func TestEvictedPartStillRenders(t *testing.T) {
	hs, srv := startPage(t, partsApp("evict"))
	a := dial(t, hs, "", "/")
	want := chartProps0(t, a.waitText("done"))
	a.close()

	chartDrawings.Clear()
	frameParts.Purge()
	runtime.GC()

	again := dial(t, hs, a.welcome.Session, "/")
	if !again.welcome.Resumed {
		t.Fatal("the session was not resumed")
	}
	if got := chartProps0(t, again.waitText("done")); !bytes.Equal(got, want) {
		t.Fatal("the resumed session's chart differs from the one it showed")
	}
	fresh := dial(t, hs, "", "/")
	if got := chartProps0(t, fresh.waitText("done")); !bytes.Equal(got, want) {
		t.Fatal("a new session drew the chart differently")
	}
	sessions := sharedParts(t, srv)
	if len(sessions) != 2 || sessions[0][kindChart] == nil || sessions[1][kindChart] == nil {
		t.Fatalf("want two sessions showing a shared chart, got %d", len(sessions))
	}
	if sessions[0][kindChart].part != sessions[1][kindChart].part {
		t.Error("after eviction the chart was copied again instead of shared")
	}
}

func chartProps0(t *testing.T, els []element) json.RawMessage {
	t.Helper()
	charts := find(els, kindChart)
	if len(charts) != 1 {
		t.Fatalf("%d charts on the page, want 1: %s", len(charts), dump(els))
	}
	var p chartProps
	if err := json.Unmarshal(charts[0].raw, &p); err != nil || p.Src == "" {
		t.Fatalf("chart props %.80s: no SVG (%v)", charts[0].raw, err)
	}
	return charts[0].raw
}

// holdDrawings makes every drawing of key wait until release is closed,
// and counts the drawings of key.
func holdDrawings(t *testing.T, key string) (release chan struct{}, draws *int, mu *sync.Mutex) {
	release = make(chan struct{})
	draws, mu = new(int), new(sync.Mutex)
	hook := func(k string) {
		if k != key {
			return
		}
		mu.Lock()
		*draws++
		mu.Unlock()
		<-release
	}
	testHookDraw.Store(&hook)
	t.Cleanup(func() { testHookDraw.Store(nil) })
	return release, draws, mu
}

// waitMisses waits until the drawings cache counted n more misses than
// before: that many callers are waiting for a drawing.
func waitMisses(t *testing.T, before, n uint64) {
	t.Helper()
	waitFor(t, fmt.Sprint(n, " callers waiting for the drawing"), func() bool {
		return chartDrawings.Counters().Snapshot().Misses-before >= n
	})
}

func TestConcurrentMissesDrawOnce(t *testing.T) {
	labels := []string{"single", "flight", "draw"}
	series := []chart.Series{{Name: "x", Values: []float64{3, 1, 2}}}
	release, draws, mu := holdDrawings(t, chart.Key(chart.Line, labels, series))
	before := chartDrawings.Counters().Snapshot().Misses

	const callers = 20
	got := make([]*blobs.Blob, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { got[i], errs[i] = drawChart(context.Background(), chart.Line, labels, series) })
	}
	waitMisses(t, before, callers) // every caller missed and waits on the one drawing
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("callers %d and 0 got different props", i)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if *draws != 1 {
		t.Fatalf("%d concurrent misses drew the chart %d times, want once", callers, *draws)
	}
}

// A caller whose run is superseded stops waiting at once; the drawing goes
// on, and the callers still waiting get it.
func TestCancelledCallerLeavesTheDrawing(t *testing.T) {
	labels := []string{"cancel", "one", "caller"}
	series := []chart.Series{{Values: []float64{1, 2, 3}}}
	release, draws, mu := holdDrawings(t, chart.Key(chart.Bar, labels, series))
	before := chartDrawings.Counters().Snapshot().Misses

	ctx, cancel := context.WithCancel(context.Background())
	leaver := make(chan error, 1)
	go func() {
		_, err := drawChart(ctx, chart.Bar, labels, series)
		leaver <- err
	}()
	stayer := make(chan *blobs.Blob, 1)
	go func() {
		p, err := drawChart(context.Background(), chart.Bar, labels, series)
		if err != nil {
			t.Error(err)
		}
		stayer <- p
	}()
	waitMisses(t, before, 2)
	cancel()
	if err := <-leaver; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v, want context.Canceled", err)
	}
	close(release) // only now does the drawing finish
	p := <-stayer
	if p == nil || !bytes.Contains(p.Bytes(), []byte(`"kind":"bar"`)) {
		t.Fatal("the caller that stayed did not get the drawing")
	}
	mu.Lock()
	defer mu.Unlock()
	if *draws != 1 {
		t.Fatalf("drawn %d times, want once", *draws)
	}
}
