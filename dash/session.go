package dash

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

// maxPendingClicks bounds the clicks on one button that wait for a run. A
// client that clicks faster than the app runs gets every click up to this
// many, then an error; memory stays bounded whatever the client sends.
const maxPendingClicks = 64

// session is one browser session: its state, the values of its widgets and
// the machinery that reruns its page. It outlives a connection: a client
// that reconnects within the session TTL gets it back.
type session struct {
	id    string
	srv   *server
	state *State

	// runSem is held for the whole of a run, until its goroutine has ended,
	// so that two runs of one session never overlap, not even across a
	// reconnect while an old run is still winding down. A channel, not a
	// mutex: a runner waiting for it gives up when its connection ends, so
	// reconnects during a run that ignores its context do not pile up
	// goroutines.
	runSem chan struct{}

	mu          sync.Mutex
	page        string
	values      map[string]any         // values the client set, by widget id
	known       map[string]*widgetMeta // widgets the client may interact with
	triggers    map[string]int         // clicks waiting for a run, by widget id
	callbacks   []string               // widgets whose OnChange runs before the next run
	staged      map[string]any         // form widget values not yet submitted
	dirty       bool                   // a run of the whole page is needed
	fragments   map[string]func(*UI)   // fragments on the page, by id
	fragPending map[string]bool        // fragments to rerun
	running     *run
	seq         uint64
	last        *frame // the latest frame, resent on reconnect
	conn        *conn  // attached connection, nil while detached
	detachGen   uint64 // bumped on every detach, to ignore stale expiry timers
	detachAt    time.Time
	expiry      *time.Timer
	sharedSeq   uint64 // version of the snapshot last saved to or restored from the shared store

	uploading atomic.Int64 // bytes of uploads being received, for MaxSessionUploads
	// holds are the files the session received and that are not yet
	// released: those it holds as values, and those a new upload or a
	// widget's disappearance dropped, released only when garbage (the app
	// may still read them). They count toward MaxSessionUploads.
	holds  []*uploadHold
	client string // clientKey of the connection that started it, for MaxSessionsPerClient
}

// logID identifies the session in logs. The full id is a bearer token for
// the session, so logs show only a prefix.
func (s *session) logID() string { return s.id[:min(8, len(s.id))] }

// frame is what one publish sends: the tree of a run, complete or (while
// running) as far as it got.
type frame struct {
	seq     uint64
	page    string
	running bool
	main    []*node
	sidebar []*node
}

func newSession(id string, srv *server, page string) *session {
	return &session{
		runSem:      make(chan struct{}, 1),
		id:          id,
		srv:         srv,
		state:       newState(),
		page:        page,
		values:      make(map[string]any),
		known:       make(map[string]*widgetMeta),
		triggers:    make(map[string]int),
		staged:      make(map[string]any),
		fragments:   make(map[string]func(*UI)),
		fragPending: make(map[string]bool),
	}
}

// errUnknownWidget and friends are returned to the client as error messages.
var (
	errUnknownWidget = errors.New("unknown widget")
	errWrongKind     = errors.New("wrong message for this widget")
)

// requestRunLocked marks the session dirty, cancels the run in flight and
// wakes the runner. Many requests before the runner gets to them coalesce
// into one run.
func (s *session) requestRunLocked() {
	s.dirty = true
	if s.running != nil {
		s.running.cancel()
	}
	if s.conn != nil {
		s.conn.wakeRunner()
	}
}

// setValue applies a value the client sent for a widget. A widget inside a
// form only stages the value: nothing reruns until the form is submitted.
func (s *session) setValue(id string, raw json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.known[id]
	if m == nil {
		return fmt.Errorf("set %q: %w", id, errUnknownWidget)
	}
	if m.trigger {
		return fmt.Errorf("set %q: %w: it is a button, send a trigger", id, errWrongKind)
	}
	v, err := m.decode(raw)
	if err != nil {
		return fmt.Errorf("set %q: %w", id, err)
	}
	if m.form != "" {
		s.staged[id] = v
		return nil
	}
	s.applyLocked(id, m, v)
	return nil
}

// applyLocked stores a decoded value and queues a rerun (as Streamlit
// does, also for an unchanged value: the client is waiting for a render).
// The widget's OnChange is queued only when the value differs from what
// the last run rendered.
func (s *session) applyLocked(id string, m *widgetMeta, v any) {
	s.values[id] = v
	if m.onChange != nil && !reflect.DeepEqual(m.current, v) {
		s.queueCallbackLocked(id)
	}
	s.requestForLocked(m)
}

func (s *session) queueCallbackLocked(id string) {
	for _, c := range s.callbacks {
		if c == id {
			return
		}
	}
	s.callbacks = append(s.callbacks, id)
}

// trigger records a click on a button outside a form.
func (s *session) trigger(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.known[id]
	if m == nil {
		return fmt.Errorf("trigger %q: %w", id, errUnknownWidget)
	}
	if !m.trigger || m.form != "" {
		return fmt.Errorf("trigger %q: %w: send set for inputs and submit for form buttons", id, errWrongKind)
	}
	if s.triggers[id] >= maxPendingClicks {
		return fmt.Errorf("trigger %q: more than %d clicks waiting for the app", id, maxPendingClicks)
	}
	s.triggers[id]++
	if m.onChange != nil {
		s.queueCallbackLocked(id)
	}
	s.requestForLocked(m)
	return nil
}

// submit applies a form's values all at once and clicks its submit button:
// exactly one rerun sees them all, with the SubmitButton true. A submit with
// any bad value is rejected as a whole.
func (s *session) submit(form, button string, values map[string]json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.known[button]
	if b == nil || b.kind != kindSubmit || b.form != form {
		return fmt.Errorf("submit %q: %q is not a submit button of that form: %w", form, button, errUnknownWidget)
	}
	decoded := make(map[string]any, len(values))
	for id, raw := range values {
		m := s.known[id]
		if m == nil || m.form != form || m.trigger {
			return fmt.Errorf("submit %q: %q is not an input of that form: %w", form, id, errUnknownWidget)
		}
		v, err := m.decode(raw)
		if err != nil {
			return fmt.Errorf("submit %q: widget %q: %w", form, id, err)
		}
		decoded[id] = v
	}
	for id, v := range s.staged {
		if m := s.known[id]; m != nil && m.form == form {
			if _, sent := decoded[id]; !sent {
				decoded[id] = v
			}
			delete(s.staged, id)
		}
	}
	for id, v := range decoded {
		m := s.known[id]
		s.values[id] = v
		if m.onChange != nil && !reflect.DeepEqual(m.current, v) {
			s.queueCallbackLocked(id)
		}
	}
	if s.triggers[button] < maxPendingClicks {
		s.triggers[button]++
	}
	s.requestForLocked(b)
	return nil
}

// navigate switches the session to another page.
func (s *session) navigate(path string) error {
	if s.srv.lookupPage(path) == nil {
		return fmt.Errorf("navigate: no page at %q", path)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.page = path
	s.requestRunLocked()
	return nil
}

// rerun asks for a run with unchanged inputs.
func (s *session) rerun() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requestRunLocked()
}

// runOnce performs one run if one is needed and c is still the session's
// connection. It reports whether it ran.
func (s *session) runOnce(c *conn) bool {
	select {
	case s.runSem <- struct{}{}:
	case <-c.ctx.Done():
		return false
	}
	defer func() { <-s.runSem }()
	r, callbacks, fn := s.begin(c)
	if r == nil {
		return false
	}
	done := make(chan struct{})
	start := time.Now()
	r.execute(s.state, callbacks, fn, done)
	t := time.NewTicker(s.srv.flushInterval)
	defer t.Stop()
	var published, cancelledTicks uint64
	warned := false
	for {
		select {
		case <-done:
			s.srv.metrics.observeRun(r, time.Since(start))
			s.saveShared() // before the client sees the result: what it saw can be resumed
			s.finish(r)
			return true
		case <-t.C:
			if r.ctx.Err() != nil {
				// The app has not returned since it was cancelled: it is
				// blocked in something that ignores ui.Context().
				cancelledTicks++
				if !warned && time.Duration(cancelledTicks)*s.srv.flushInterval >= stuckRunWarning {
					warned = true
					s.srv.log.Warn("dash: a cancelled run has not returned; pass ui.Context() to blocking calls",
						"session", s.logID(), "page", r.page, "after", stuckRunWarning)
				}
				continue
			}
			// A fragment run's output is spliced in when it ends; only
			// page runs stream partial frames.
			if v := r.currentVersion(); r.fragment == "" && v != published {
				published = v
				f, widgets, fragments := r.frame(true)
				s.publish(f, widgets, fragments, false)
			}
		}
	}
}

// stuckRunWarning is how long a cancelled run may take to return before
// the runtime logs that the app ignores its context.
const stuckRunWarning = 10 * time.Second

// begin takes the inputs of the next run.
func (s *session) begin(c *conn) (*run, []func(*UI), func(*UI)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return nil, nil, nil
	}
	if !s.dirty {
		return s.beginFragmentLocked(c)
	}
	s.dirty = false
	clear(s.fragPending) // the page run reruns every fragment
	p := s.srv.lookupPage(s.page)
	if p == nil {
		p = s.srv.pages[0]
		s.page = p.path
	}
	triggers := make(map[string]bool, len(s.triggers))
	for id, n := range s.triggers {
		triggers[id] = true
		if n <= 1 {
			delete(s.triggers, id)
		} else {
			// Further clicks on the same button each get a run of their own.
			s.triggers[id] = n - 1
			s.dirty = true
		}
	}
	var callbacks []func(*UI)
	for _, id := range s.callbacks {
		if m := s.known[id]; m != nil && m.onChange != nil {
			callbacks = append(callbacks, m.onChange)
		}
	}
	s.callbacks = nil
	s.seq++
	r := newRun(c.ctx, s.seq, p.path, maps.Clone(s.values), triggers)
	s.running = r
	return r, callbacks, p.fn
}

// finish publishes the outcome of a run that has ended.
func (s *session) finish(r *run) {
	defer r.cancel()
	r.mu.Lock()
	fragment := r.fragment
	outcome := r.outcome
	if outcome == outcomePanicked {
		msg := fmt.Sprint(r.panicV)
		if err, ok := r.panicV.(error); ok {
			msg = err.Error()
		}
		s.srv.log.Error("dash: app panicked", "session", s.logID(), "page", r.page, "panic", msg, "stack", r.stack)
		raw, _ := json.Marshal(exceptionProps{Message: msg, Stack: r.stack})
		r.root.children = append(r.root.children, &node{
			id: r.root.id + "/" + fmt.Sprint(len(r.root.children)), kind: kindException, props: raw,
		})
	}
	unseen := r.triggers
	r.mu.Unlock()

	if outcome == outcomeAborted {
		s.mu.Lock()
		// Clicks this run never got to go back, so a later run sees them.
		for id := range unseen {
			if s.triggers[id] < maxPendingClicks {
				s.triggers[id]++
				s.dirty = true
			}
		}
		if s.running == r {
			s.running = nil
		}
		s.mu.Unlock()
		return
	}
	if fragment != "" {
		s.finishFragment(r, outcome)
		return
	}
	f, widgets, fragments := r.frame(false)
	s.publish(f, widgets, fragments, outcome == outcomeCompleted)
}

// publish records f as the session's latest frame, makes its widgets
// known, and hands it to the attached connection. After a run that
// completed, widgets it did not emit are forgotten together with their
// values, as Streamlit does: a widget that comes back starts from its
// default.
func (s *session) publish(f *frame, widgets map[string]*widgetMeta, fragments map[string]func(*UI), complete bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if complete {
		s.known = widgets
		s.fragments = fragments
		for id := range s.values {
			if widgets[id] == nil {
				delete(s.values, id)
			}
		}
		for id := range s.staged {
			if widgets[id] == nil {
				delete(s.staged, id)
			}
		}
	} else {
		maps.Copy(s.known, widgets)
		maps.Copy(s.fragments, fragments)
	}
	if !f.running && s.running != nil && s.running.seq == f.seq {
		s.running = nil
	}
	s.last = f
	if s.conn != nil {
		s.conn.pushFrame(f)
	}
}

// currentVersion returns the tree version, which changes with every
// emitted element.
func (r *run) currentVersion() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version
}

// frame snapshots the run's tree and the widgets and fragments it emitted
// so far.
func (r *run) frame(running bool) (*frame, map[string]*widgetMeta, map[string]func(*UI)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	widgets := make(map[string]*widgetMeta, len(r.widgets))
	for id, m := range r.widgets {
		if m != nil {
			widgets[id] = m
		}
	}
	return &frame{
		seq:     r.seq,
		page:    r.page,
		running: running,
		main:    snapshot(r.main.children),
		sidebar: snapshot(r.sidebar.children),
	}, widgets, maps.Clone(r.fragments)
}

// attach makes c the session's connection. A connection that held the
// session before is returned so the caller can close it: one session is
// shown in one tab.
func (s *session) attach(c *conn) (previous *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expiry != nil {
		s.expiry.Stop()
		s.expiry = nil
	}
	previous = s.conn
	if s.running != nil {
		s.running.cancel()
	}
	s.conn = c
	if s.last != nil {
		// Paint the last frame at once; the rerun below refreshes it.
		c.pushFrame(s.last)
	}
	s.requestRunLocked()
	return previous
}

// detach releases c. The session stays for ttl so a reconnect can resume
// it; expire is called when the TTL passes without one.
func (s *session) detach(c *conn, ttl time.Duration, expire func(gen uint64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return
	}
	s.conn = nil
	if s.running != nil {
		s.running.cancel()
	}
	s.detachGen++
	s.detachAt = time.Now()
	gen := s.detachGen
	s.expiry = time.AfterFunc(ttl, func() { expire(gen) })
}

// expired reports whether the session is still detached since detach
// generation gen.
func (s *session) expired(gen uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn == nil && s.detachGen == gen
}

// isDetached reports whether no connection holds the session.
func (s *session) isDetached() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn == nil
}

// currentPage returns the page the session shows.
func (s *session) currentPage() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.page
}

// stopExpiry cancels a pending expiry timer, when the session is removed
// for another reason.
func (s *session) stopExpiry() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expiry != nil {
		s.expiry.Stop()
		s.expiry = nil
	}
}
