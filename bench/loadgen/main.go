// Command loadgen simulates dashboard users against a running dash server:
// each user is a real WebSocket client that opens a session, then keeps
// moving the page's sliders and changing its select boxes, waiting for each
// rerun to finish before the next move. It prints one JSON object with what
// the users saw: interactions, reruns that showed an error, connection
// failures, and rerun latency percentiles.
//
// It only talks to the address given by -url, which must be on loopback,
// and stops by itself after -duration (or -moves per user).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

type config struct {
	base     *url.URL
	page     string
	users    int
	moves    int
	duration time.Duration
	think    time.Duration
	timeout  time.Duration
	labels   map[string]bool // widgets to move, by label; empty: all
}

// Result is what loadgen prints.
type Result struct {
	Users         int            `json:"users"`
	Interactions  int            `json:"interactions"`
	FailedReruns  int            `json:"failed_reruns"`  // final render shows an error or exception
	ConnectErrors int            `json:"connect_errors"` // users that could not open a session
	DroppedUsers  int            `json:"dropped_users"`  // sessions lost mid-way (socket error, timeout)
	ErrorSamples  map[string]int `json:"error_samples"`  // error texts seen, truncated, with counts
	P50ms         float64        `json:"rerun_p50_ms"`
	P99ms         float64        `json:"rerun_p99_ms"`
	MaxMs         float64        `json:"rerun_max_ms"`
	Seconds       float64        `json:"seconds"`
}

func main() {
	var cfg config
	rawURL := flag.String("url", "http://127.0.0.1:8501", "base URL of the dash server (loopback only)")
	flag.StringVar(&cfg.page, "page", "/", "page path to load")
	flag.IntVar(&cfg.users, "users", 50, "concurrent users")
	flag.IntVar(&cfg.moves, "moves", 40, "widget moves per user (0: until -duration)")
	flag.DurationVar(&cfg.duration, "duration", 60*time.Second, "hard stop")
	flag.DurationVar(&cfg.think, "think", 100*time.Millisecond, "pause between a rerun's end and the next move")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "give up on one rerun after this long")
	widgets := flag.String("widgets", "", "comma-separated labels of the widgets to move (default: every slider and select box)")
	flag.Parse()
	if *widgets != "" {
		cfg.labels = map[string]bool{}
		for l := range strings.SplitSeq(*widgets, ",") {
			cfg.labels[strings.TrimSpace(l)] = true
		}
	}
	u, err := url.Parse(*rawURL)
	if err != nil {
		fatal("bad -url: %v", err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fatal("-url must be a loopback address, got %q", u.Host)
	}
	cfg.base = u
	res := run(cfg)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fatal("%v", err)
	}
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}

type tally struct {
	mu        sync.Mutex
	lat       []time.Duration
	res       Result
	errSample map[string]int
}

func (t *tally) add(f func(*Result)) { t.mu.Lock(); f(&t.res); t.mu.Unlock() }

func (t *tally) sawError(text string) {
	if len(text) > 80 {
		text = text[:80]
	}
	t.mu.Lock()
	t.errSample[text]++
	t.mu.Unlock()
}

func run(cfg config) Result {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	t := &tally{errSample: map[string]int{}}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user(ctx, cfg, rand.New(rand.NewPCG(uint64(i), 42)), t)
		}()
	}
	wg.Wait()
	r := t.res
	r.Users = cfg.users
	r.Seconds = time.Since(start).Seconds()
	r.ErrorSamples = t.errSample
	if len(t.lat) > 0 {
		slices.Sort(t.lat)
		pct := func(p float64) float64 {
			i := int(p * float64(len(t.lat)-1))
			return float64(t.lat[i].Microseconds()) / 1000
		}
		r.P50ms, r.P99ms, r.MaxMs = pct(0.50), pct(0.99), pct(1)
	}
	return r
}

// element is the part of a render node loadgen reads.
type element struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Props    json.RawMessage `json:"props"`
	Children []element       `json:"children"`
}

type serverMsg struct {
	Type    string    `json:"type"`
	Running bool      `json:"running"`
	Seq     uint64    `json:"seq"`
	Error   string    `json:"error"`
	Main    []element `json:"main"`
	Sidebar []element `json:"sidebar"`
}

// control is a widget loadgen can move.
type control struct {
	id       string
	kind     string
	min, max float64
	step     float64
	float    bool
	options  int
}

type session struct {
	c     *websocket.Conn
	props map[string]json.RawMessage // last props per element id (renders omit unchanged props)
}

func user(ctx context.Context, cfg config, rng *rand.Rand, t *tally) {
	ws := *cfg.base
	ws.Scheme = strings.Replace(ws.Scheme, "http", "ws", 1)
	ws.Path = strings.TrimSuffix(ws.Path, "/") + "/_dash/ws"
	c, _, err := websocket.Dial(ctx, ws.String(), &websocket.DialOptions{
		HTTPHeader: map[string][]string{"Origin": {cfg.base.Scheme + "://" + cfg.base.Host}},
	})
	if err != nil {
		t.add(func(r *Result) { r.ConnectErrors++ })
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	s := &session{c: c, props: map[string]json.RawMessage{}}
	if err := s.send(ctx, map[string]any{"type": "hello", "session": "", "page": cfg.page}); err != nil {
		t.add(func(r *Result) { r.ConnectErrors++ })
		return
	}
	final, err := s.waitFinal(ctx, cfg.timeout)
	if err != nil {
		t.add(func(r *Result) { r.ConnectErrors++ })
		return
	}
	for move := 0; cfg.moves == 0 || move < cfg.moves; move++ {
		if ctx.Err() != nil {
			return
		}
		// A page that failed before drawing its widgets leaves the user
		// nothing to move: like a person pressing "Rerun", ask for a rerun.
		msg := map[string]any{"type": "rerun"}
		if controls := s.controls(final, cfg.labels); len(controls) > 0 {
			w := controls[rng.IntN(len(controls))]
			msg = map[string]any{"type": "set", "id": w.id, "value": w.random(rng)}
		}
		begin := time.Now()
		if err := s.send(ctx, msg); err != nil {
			t.add(func(r *Result) { r.DroppedUsers++ })
			return
		}
		final, err = s.waitFinal(ctx, cfg.timeout)
		if err != nil {
			if ctx.Err() == nil {
				t.add(func(r *Result) { r.DroppedUsers++ })
			}
			return
		}
		took := time.Since(begin)
		failed := s.errors(final, t)
		t.add(func(r *Result) {
			r.Interactions++
			if failed {
				r.FailedReruns++
			}
		})
		t.mu.Lock()
		t.lat = append(t.lat, took)
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(cfg.think):
		}
	}
}

func (s *session) send(ctx context.Context, msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return s.c.Write(ctx, websocket.MessageText, b)
}

// waitFinal reads until the final render of a run (running=false).
func (s *session) waitFinal(ctx context.Context, timeout time.Duration) (*serverMsg, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		_, b, err := s.c.Read(ctx)
		if err != nil {
			return nil, err
		}
		var m serverMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("bad server message: %w", err)
		}
		switch m.Type {
		case "error":
			return nil, fmt.Errorf("server error: %s", m.Error)
		case "render":
			s.remember(m.Main)
			s.remember(m.Sidebar)
			if !m.Running {
				return &m, nil
			}
		}
	}
}

func (s *session) remember(els []element) {
	for _, e := range els {
		if len(e.Props) > 0 {
			s.props[e.ID] = e.Props
		}
		s.remember(e.Children)
	}
}

// controls lists the sliders and select boxes outside forms, only those
// whose label is in labels when labels is not empty.
func (s *session) controls(m *serverMsg, labels map[string]bool) []control {
	var out []control
	var walk func([]element)
	walk = func(els []element) {
		for _, e := range els {
			if e.Kind == "form" {
				continue
			}
			var p struct {
				Min, Max, Step float64
				Float          bool
				Options        []string
				Disabled       bool
				Label          string
			}
			if raw := s.props[e.ID]; raw != nil {
				_ = json.Unmarshal(raw, &p)
			}
			switch {
			case p.Disabled, len(labels) > 0 && !labels[p.Label]:
			case e.Kind == "slider" && p.Max > p.Min:
				out = append(out, control{id: e.ID, kind: e.Kind, min: p.Min, max: p.Max, step: p.Step, float: p.Float})
			case e.Kind == "selectbox" && len(p.Options) > 1:
				out = append(out, control{id: e.ID, kind: e.Kind, options: len(p.Options)})
			}
			walk(e.Children)
		}
	}
	walk(m.Sidebar)
	walk(m.Main)
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (w control) random(rng *rand.Rand) any {
	if w.kind == "selectbox" {
		return rng.IntN(w.options)
	}
	if w.float {
		return w.min + rng.Float64()*(w.max-w.min)
	}
	steps := int((w.max - w.min) / max(w.step, 1))
	return int(w.min) + rng.IntN(steps+1)*int(max(w.step, 1))
}

// errors reports whether the final tree shows an error, recording its text.
func (s *session) errors(m *serverMsg, t *tally) bool {
	found := false
	var walk func([]element)
	walk = func(els []element) {
		for _, e := range els {
			var p struct {
				Level, Text, Message string
			}
			if raw := s.props[e.ID]; raw != nil {
				_ = json.Unmarshal(raw, &p)
			}
			if (e.Kind == "alert" && p.Level == "error") || e.Kind == "exception" {
				found = true
				t.sawError(p.Text + p.Message)
			}
			walk(e.Children)
		}
	}
	walk(m.Sidebar)
	walk(m.Main)
	return found
}
