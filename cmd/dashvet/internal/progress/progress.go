// Package progress shows how far a standalone dashvet run has got, on a
// terminal, when it takes longer than a moment.
//
// The work happens in processes dashvet does not control directly: go vet
// starts one vet tool process (this executable) per package. Each of them
// appends a line to a file named by the environment variable EnvVar when
// it starts on a package, and a line when it is done if it finishes by
// returning (the fast path); a unit handled by unitchecker, which exits
// the process, is done when its vetx output file appears. The standalone
// command reads the file and redraws one status line on stderr.
package progress

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// EnvVar names the file the vet tool processes append their events to.
const EnvVar = "DASHVET_PROGRESS"

// Event kinds, the first field of a line.
const (
	start = "start"
	done  = "done"
)

// Unit reads the vet tool's *.cfg file (the last of args) and returns the
// package's ID ("p [p.test]") and where its vetx output goes; ok is false
// when progress is not being recorded or args are not a unit of work.
func Unit(args []string) (id, vetxOut string, ok bool) {
	if os.Getenv(EnvVar) == "" || len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") {
		return "", "", false
	}
	data, err := os.ReadFile(args[len(args)-1])
	if err != nil {
		return "", "", false
	}
	var cfg struct{ ID, VetxOutput string }
	if json.Unmarshal(data, &cfg) != nil || cfg.ID == "" {
		return "", "", false
	}
	return cfg.ID, cfg.VetxOutput, true
}

// Started records that this process started on unit id. Progress is a
// nicety: failing to record it never fails the analysis.
func Started(id, vetxOut string) { record(start + "\t" + id + "\t" + vetxOut + "\n") }

// Done records that this process finished unit id.
func Done(id string) { record(done + "\t" + id + "\n") }

func record(line string) {
	name := os.Getenv(EnvVar)
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	// One write of a short line to a file opened O_APPEND lands whole,
	// whatever the other vet processes write at the same time.
	_, _ = f.WriteString(line)
	_ = f.Close()
}

// Display follows the events of one run and draws a status line on w.
type Display struct {
	w       io.Writer
	events  *os.File
	started time.Time
	delay   time.Duration
	now     func() time.Time

	mu      sync.Mutex
	total   int // packages go vet may analyse; 0 while unknown
	running map[string]*unit
	done    int
	shown   bool // the status line is on the screen
	stop    chan struct{}
	stopped chan struct{}
}

type unit struct {
	id, vetxOut string
	since       time.Time
}

// Start creates the event file and returns the Display and the environment
// entry that makes the vet tool processes record to it. It draws only
// after delay, so a quick run prints nothing extra.
func Start(w io.Writer, delay time.Duration) (*Display, string, error) {
	f, err := os.CreateTemp("", "dashvet-progress-*")
	if err != nil {
		return nil, "", fmt.Errorf("creating progress file: %w", err)
	}
	d := &Display{
		w: w, events: f, started: time.Now(), delay: delay, now: time.Now,
		running: map[string]*unit{},
		stop:    make(chan struct{}), stopped: make(chan struct{}),
	}
	go d.loop()
	return d, EnvVar + "=" + f.Name(), nil
}

// SetTotal sets how many packages the run may analyse, when known.
func (d *Display) SetTotal(n int) {
	d.mu.Lock()
	d.total = n
	d.mu.Unlock()
}

// Writer returns a writer for output that shares the terminal with the
// status line (go vet's stderr): it clears the line before each write.
func (d *Display) Writer() io.Writer { return clearing{d} }

type clearing struct{ d *Display }

func (c clearing) Write(p []byte) (int, error) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.clearLocked()
	return c.d.w.Write(p)
}

// Stop clears the status line and removes the event file.
func (d *Display) Stop() {
	close(d.stop)
	<-d.stopped
	d.mu.Lock()
	d.clearLocked()
	d.mu.Unlock()
	name := d.events.Name()
	_ = d.events.Close()
	_ = os.Remove(name)
}

func (d *Display) loop() {
	defer close(d.stopped)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	r := bufio.NewReader(d.events)
	var partial string
	for {
		select {
		case <-d.stop:
			return
		case <-tick.C:
		}
		// Read the lines appended since the last tick; a line still being
		// written waits for the next one.
		for {
			s, err := r.ReadString('\n')
			if err != nil {
				partial += s
				break
			}
			d.apply(partial + s)
			partial = ""
		}
		d.mu.Lock()
		d.pollLocked()
		if d.now().Sub(d.started) >= d.delay {
			d.drawLocked()
		}
		d.mu.Unlock()
	}
}

func (d *Display) apply(line string) {
	f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case f[0] == start && len(f) == 3:
		d.running[f[1]] = &unit{id: f[1], vetxOut: f[2], since: d.now()}
	case f[0] == done && len(f) == 2:
		if _, ok := d.running[f[1]]; ok {
			delete(d.running, f[1])
			d.done++
		}
	}
}

// pollLocked moves the units whose vetx output exists to done.
func (d *Display) pollLocked() {
	for id, u := range d.running {
		if u.vetxOut == "" {
			continue
		}
		if _, err := os.Stat(u.vetxOut); err == nil {
			delete(d.running, id)
			d.done++
		}
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
	if d.done == 0 && len(d.running) == 0 {
		return fmt.Sprintf("dashvet: go vet is loading and building packages (%s)", elapsed)
	}
	s := fmt.Sprintf("dashvet: %d", d.done)
	if d.total > 0 {
		s += fmt.Sprintf(" of ≤%d", max(d.total, d.done+len(d.running)))
	}
	s += " packages analysed"
	if len(d.running) > 0 {
		// The unit running longest is the one the run waits for.
		units := slices.Collect(func(yield func(*unit) bool) {
			for _, u := range d.running {
				if !yield(u) {
					return
				}
			}
		})
		slices.SortFunc(units, func(a, b *unit) int {
			if c := a.since.Compare(b.since); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		s += fmt.Sprintf("; waiting for %s (%s)", units[0].id, d.now().Sub(units[0].since).Round(time.Second))
		if len(units) > 1 {
			s += fmt.Sprintf(" and %d more", len(units)-1)
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
