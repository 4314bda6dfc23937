package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newDisplay(nil, 0, func() time.Time { return now })
	if got, want := d.Status(), "dashvet: go list is loading the package graph [0s]"; got != want {
		t.Errorf("before type-checking: %q, want %q", got, want)
	}

	now = now.Add(3 * time.Second)
	d.SetTotal(10)
	d.Begin("modernc.org/sqlite/lib")
	now = now.Add(time.Second)
	d.Begin("fmt")
	d.End("fmt")
	d.Begin("net/http")
	now = now.Add(5 * time.Second)
	want := "dashvet: 1 of 10 packages type-checked; waiting for modernc.org/sqlite/lib (6s) and 1 more [9s]"
	if got := d.Status(); got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	d.End("modernc.org/sqlite/lib")
	if got := d.Status(); !strings.HasPrefix(got, "dashvet: 2 of 10 packages type-checked; waiting for net/http (5s) [9s]") {
		t.Errorf("after sqlite finished: %q", got)
	}
	d.End("never began") // not counted
	d.Phase("running the analyzers")
	if got, want := d.Status(), "dashvet: running the analyzers [9s]"; got != want {
		t.Errorf("after type-checking: %q, want %q", got, want)
	}
}

// TestQuietWhenQuick: a run that ends before the delay draws nothing, and
// output passed through is unchanged.
func TestQuietWhenQuick(t *testing.T) {
	var buf syncBuffer
	d := Start(&buf, time.Hour)
	if _, err := d.Writer().Write([]byte("go: downloading x\n")); err != nil {
		t.Fatal(err)
	}
	d.Stop()
	if got := buf.String(); got != "go: downloading x\n" {
		t.Errorf("output = %q, want only the passed-through line", got)
	}
}

// TestDrawAndClear: after the delay the status line is drawn, cleared
// before passed-through output, and cleared at the end.
func TestDrawAndClear(t *testing.T) {
	var buf syncBuffer
	d := Start(&buf, 0)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "loading the package graph") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := d.Writer().Write([]byte("# pkg\n")); err != nil {
		t.Fatal(err)
	}
	d.Stop()
	got := buf.String()
	if !strings.Contains(got, "\r\x1b[Kdashvet: go list is loading") {
		t.Fatalf("no status line drawn: %q", got)
	}
	if !strings.Contains(got, "\r\x1b[K# pkg\n") {
		t.Errorf("status line not cleared before other output: %q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") && !strings.HasSuffix(got, "# pkg\n") {
		t.Errorf("status line left on the screen: %q", got)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
