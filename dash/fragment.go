package dash

import (
	"fmt"
	"maps"
	"slices"
)

// Fragments are parts of a page that rerun on their own: an interaction
// with a widget inside a fragment reruns only the fragment's function, and
// its new output replaces the fragment's container in the last frame. This
// file holds the engine side; the public UI method comes with part 3.

// fragment runs fn as a fragment with the given key. Inside a fragment, a
// nested fragment runs inline as part of the outer one. A fragment inside a
// form, or with an empty or duplicate key, is an error element.
func (ui *UI) fragment(key string, fn func(*UI)) {
	if !ui.enter() {
		fn(ui)
		return
	}
	switch {
	case ui.frag != "":
		fn(ui)
		return
	case ui.form != nil:
		ui.alert("error", fmt.Sprintf("Fragment %q is inside a form: forms rerun as a whole on submit, so a fragment cannot be in one.", key))
		return
	case key == "":
		ui.alert("error", "Fragment needs a non-empty key.")
		return
	}
	id := "g:" + key
	r := ui.r
	r.mu.Lock()
	_, dup := r.fragments[id]
	if !dup {
		r.fragments[id] = fn
	}
	r.mu.Unlock()
	if dup {
		ui.alert("error", fmt.Sprintf("Duplicate fragment key %q: two fragments in one run have that key.", key))
		return
	}
	n := ui.addNode(id, kindFragment, nil)
	child := ui.child(n)
	child.frag = id
	fn(child)
}

// requestFragmentLocked queues a rerun of fragment id. A run of the same
// fragment in flight is cancelled; a run of the whole page is not (it will
// be followed by the fragment run).
func (s *session) requestFragmentLocked(id string) {
	s.fragPending[id] = true
	if s.running != nil && s.running.fragment == id {
		s.running.cancel()
	}
	if s.conn != nil {
		s.conn.wakeRunner()
	}
}

// requestForLocked asks for the run a change of widget m needs: its
// fragment if it is in one the session knows, else the whole page.
func (s *session) requestForLocked(m *widgetMeta) {
	if m.fragment != "" && s.fragments[m.fragment] != nil {
		s.requestFragmentLocked(m.fragment)
		return
	}
	s.requestRunLocked()
}

// rerunFragment reruns fragment id with unchanged inputs.
func (s *session) rerunFragment(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fragments[id] == nil {
		return fmt.Errorf("rerun: no fragment %q on the page", id)
	}
	s.requestFragmentLocked(id)
	return nil
}

// beginFragmentLocked starts a run of one pending fragment. It takes only
// the clicks and callbacks of that fragment's widgets; the rest wait for
// their own runs.
func (s *session) beginFragmentLocked(c *conn) (*run, []func(*UI), func(*UI)) {
	ids := slices.Sorted(maps.Keys(s.fragPending))
	var id string
	var fn func(*UI)
	for _, k := range ids {
		delete(s.fragPending, k)
		if fn = s.fragments[k]; fn != nil {
			id = k
			break
		}
	}
	if fn == nil {
		return nil, nil, nil
	}
	triggers := make(map[string]bool)
	for wid, n := range s.triggers {
		if m := s.known[wid]; m == nil || m.fragment != id {
			continue
		}
		triggers[wid] = true
		if n <= 1 {
			delete(s.triggers, wid)
		} else {
			s.triggers[wid] = n - 1
			s.fragPending[id] = true
		}
	}
	var callbacks []func(*UI)
	rest := s.callbacks[:0:0]
	for _, wid := range s.callbacks {
		m := s.known[wid]
		switch {
		case m == nil || m.onChange == nil:
		case m.fragment == id:
			callbacks = append(callbacks, m.onChange)
		default:
			rest = append(rest, wid)
		}
	}
	s.callbacks = rest
	s.seq++
	r := newRun(c.ctx, s.seq, s.page, maps.Clone(s.values), triggers)
	r.fragment = id
	r.root = &node{id: id, kind: kindFragment}
	s.running = r
	return r, callbacks, fn
}

// finishFragment splices the output of a fragment run that ended into the
// session's last frame and publishes it. A fragment that is no longer on
// the page (a full run removed it meanwhile) is dropped.
func (s *session) finishFragment(r *run, outcome runOutcome) {
	r.mu.Lock()
	children := snapshot(r.root.children)
	widgets := make(map[string]*widgetMeta, len(r.widgets))
	for id, m := range r.widgets {
		if m != nil {
			widgets[id] = m
		}
	}
	r.mu.Unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == r {
		s.running = nil
	}
	// Splice only into a final frame of the same page: anything else
	// means a page run has started since, and it reruns the fragment.
	if s.last == nil || s.last.running || s.last.page != r.page {
		return
	}
	main, found := splice(s.last.main, r.fragment, children)
	sidebar := s.last.sidebar
	if !found {
		if sidebar, found = splice(s.last.sidebar, r.fragment, children); !found {
			return
		}
	}
	if outcome == outcomeCompleted {
		// Forget the fragment's widgets this run did not emit.
		for id, m := range s.known {
			if m.fragment == r.fragment && widgets[id] == nil {
				delete(s.known, id)
				delete(s.values, id)
				delete(s.staged, id)
			}
		}
	}
	maps.Copy(s.known, widgets)
	f := &frame{seq: r.seq, page: r.page, main: main, sidebar: sidebar}
	s.last = f
	if s.conn != nil {
		s.conn.pushFrame(f)
	}
}

// splice returns nodes with the children of node id replaced, copying only
// the path to it: frames are shared with connection writers and never
// change once published.
func splice(nodes []*node, id string, children []*node) ([]*node, bool) {
	for i, n := range nodes {
		var repl *node
		if n.id == id {
			repl = &node{id: n.id, kind: n.kind, props: n.props, part: n.part, children: children}
		} else if ch, ok := splice(n.children, id, children); ok {
			repl = &node{id: n.id, kind: n.kind, props: n.props, part: n.part, children: ch}
		} else {
			continue
		}
		out := slices.Clone(nodes)
		out[i] = repl
		return out, true
	}
	return nodes, false
}
