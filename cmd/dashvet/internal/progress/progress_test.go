package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &Display{started: now, now: func() time.Time { return now }, running: map[string]*unit{}}
	if got, want := d.Status(), "dashvet: go vet is loading and building packages (0s)"; got != want {
		t.Errorf("before any unit: %q, want %q", got, want)
	}

	out := filepath.Join(t.TempDir(), "vet.out")
	now = now.Add(3 * time.Second)
	d.apply("start\tmodernc.org/sqlite/lib\t" + out + "\n")
	now = now.Add(time.Second)
	d.apply("start\tfmt\t\n")
	d.apply("done\tfmt\n")
	d.apply("start\tnet/http\t\n")
	d.SetTotal(10)
	now = now.Add(5 * time.Second)
	want := "dashvet: 1 of ≤10 packages analysed; waiting for modernc.org/sqlite/lib (6s) and 1 more [9s]"
	if got := d.Status(); got != want {
		t.Errorf("status = %q, want %q", got, want)
	}

	// A unit that unitchecker handles is done when its vetx file exists.
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	d.pollLocked()
	d.mu.Unlock()
	if got := d.Status(); !strings.HasPrefix(got, "dashvet: 2 of ≤10 packages analysed; waiting for net/http") {
		t.Errorf("after the vetx file appeared: %q", got)
	}
}

// TestQuietWhenQuick: a run that ends before the delay draws nothing, and
// output passed through is unchanged.
func TestQuietWhenQuick(t *testing.T) {
	var buf bytes.Buffer
	d, env, err := Start(&buf, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(env, EnvVar+"=") {
		t.Errorf("environment entry %q", env)
	}
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
	d, _, err := Start(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "loading and building") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := d.Writer().Write([]byte("# pkg\n")); err != nil {
		t.Fatal(err)
	}
	d.Stop()
	got := buf.String()
	if !strings.Contains(got, "\r\x1b[Kdashvet: go vet is loading") {
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
