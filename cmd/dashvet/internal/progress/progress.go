// Package progress shows how far a standalone dashvet run has got, on a
// terminal, when it takes longer than a moment: one status line on stderr,
// redrawn in place and cleared at the end.
//
// The run tells it what it is doing: the phase (listing packages with the
// go command, running the analyzers) and, while type-checking, which
// packages it started and finished. The line names the package checked
// longest, the one a slow run waits for (modernc.org/sqlite/lib in a dash
// app).
package progress

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Display draws the status line of one run on w.
type Display struct {
	w       io.Writer
	started time.Time
	delay   time.Duration
	now     func() time.Time

	mu      sync.Mutex
	phase   string // what the run does when no package is being checked
	total   int    // packages to check; 0 while unknown
	running map[string]time.Time
	done    int
	shown   bool // the status line is on the screen
	stop    chan struct{}
	stopped chan struct{}
}

// Start returns a Display that draws on w after delay, so a quick run
// prints nothing extra, and redraws four times a second until Stop.
func Start(w io.Writer, delay time.Duration) *Display {
	d := newDisplay(w, delay, time.Now)
	go d.loop()
	return d
}

func newDisplay(w io.Writer, delay time.Duration, now func() time.Time) *Display {
	return &Display{
		w: w, started: now(), delay: delay, now: now,
		phase:   "go list is loading the package graph",
		running: map[string]time.Time{},
		stop:    make(chan struct{}), stopped: make(chan struct{}),
	}
}

// SetTotal sets how many packages the run checks.
func (d *Display) SetTotal(n int) {
	d.mu.Lock()
	d.total = n
	d.phase = "type-checking"
	d.mu.Unlock()
}

// Begin records that the run started checking package id.
func (d *Display) Begin(id string) {
	d.mu.Lock()
	d.running[id] = d.now()
	d.mu.Unlock()
}

// End records that the run finished checking package id.
func (d *Display) End(id string) {
	d.mu.Lock()
	if _, ok := d.running[id]; ok {
		delete(d.running, id)
		d.done++
	}
	d.mu.Unlock()
}

// Phase says what the run does next, when it no longer checks packages.
func (d *Display) Phase(s string) {
	d.mu.Lock()
	d.phase = s
	d.total = 0
	d.running = map[string]time.Time{}
	d.mu.Unlock()
}

// Writer returns a writer for output that shares the terminal with the
// status line: it clears the line before each write.
func (d *Display) Writer() io.Writer { return clearing{d} }

type clearing struct{ d *Display }

func (c clearing) Write(p []byte) (int, error) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.clearLocked()
	return c.d.w.Write(p)
}

// Stop stops drawing and clears the status line.
func (d *Display) Stop() {
	close(d.stop)
	<-d.stopped
	d.mu.Lock()
	d.clearLocked()
	d.mu.Unlock()
}

func (d *Display) loop() {
	defer close(d.stopped)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-tick.C:
		}
		d.mu.Lock()
		if d.now().Sub(d.started) >= d.delay {
			d.drawLocked()
		}
		d.mu.Unlock()
	}
}

// Status is the text of the status line.
func (d *Display) Status() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.statusLocked()
}

func (d *Display) statusLocked() string {
	elapsed := d.now().Sub(d.started).Round(time.Second)
	if d.total == 0 {
		return fmt.Sprintf("dashvet: %s [%s]", d.phase, elapsed)
	}
	s := fmt.Sprintf("dashvet: %d of %d packages type-checked", d.done, d.total)
	if len(d.running) > 0 {
		ids := slices.Collect(func(yield func(string) bool) {
			for id := range d.running {
				if !yield(id) {
					return
				}
			}
		})
		slices.SortFunc(ids, func(a, b string) int {
			if c := d.running[a].Compare(d.running[b]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		s += fmt.Sprintf("; waiting for %s (%s)", ids[0], d.now().Sub(d.running[ids[0]]).Round(time.Second))
		if len(ids) > 1 {
			s += fmt.Sprintf(" and %d more", len(ids)-1)
		}
	}
	return s + fmt.Sprintf(" [%s]", elapsed)
}

// maxWidth keeps the status line within a common terminal's width: a
// line that wraps cannot be redrawn in place.
const maxWidth = 79

func (d *Display) drawLocked() {
	s := d.statusLocked()
	if r := []rune(s); len(r) > maxWidth {
		s = string(r[:maxWidth-1]) + "…"
	}
	fmt.Fprintf(d.w, "\r\x1b[K%s", s)
	d.shown = true
}

func (d *Display) clearLocked() {
	if d.shown {
		fmt.Fprint(d.w, "\r\x1b[K")
		d.shown = false
	}
}
