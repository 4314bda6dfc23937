package dash

import (
	"context"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// run is one execution of a page function: the tree it builds and the
// inputs it reads. Inputs are snapshotted when the run starts, so one run
// sees one consistent set of widget values; anything that arrives later
// cancels the run and is seen by the next one.
type run struct {
	ctx    context.Context
	cancel context.CancelFunc
	seq    uint64
	page   string
	// fragment is the id of the fragment a fragment run reruns; "" for a
	// run of the whole page.
	fragment string

	// mu guards everything below. The app goroutine is the only writer in a
	// well-behaved app, but the session's runner takes snapshots while the
	// run goes on, and an app that leaks a *UI into another goroutine must
	// not corrupt the tree.
	mu        sync.Mutex
	main      *node
	sidebar   *node
	root      *node  // where the run's top-level UI emits: main, or the fragment
	version   uint64 // bumped on every change of the tree
	values    map[string]any
	triggers  map[string]bool        // clicks owned by this run, not yet seen
	widgets   map[string]*widgetMeta // widgets emitted by this run, by id
	forms     map[string]bool
	fragments map[string]func(*UI) // fragments emitted by this run, by id
	ordinals  map[string]int       // per (kind, label, form, fragment): widgets seen so far

	// outcome, written by the app goroutine before it signals done.
	outcome runOutcome
	panicV  any
	stack   string
}

type runOutcome int

const (
	// outcomeAborted: the run was superseded or the session ended; its
	// output is discarded and the clicks it did not see go back to the
	// session.
	outcomeAborted runOutcome = iota
	outcomeCompleted
	outcomeStopped // ui.Stop
	outcomePanicked
)

func newRun(parent context.Context, seq uint64, page string, values map[string]any, triggers map[string]bool) *run {
	ctx, cancel := context.WithCancel(parent)
	r := &run{
		ctx:       ctx,
		cancel:    cancel,
		seq:       seq,
		page:      page,
		main:      &node{id: rootMain, kind: "root"},
		sidebar:   &node{id: rootSidebar, kind: "root"},
		values:    values,
		triggers:  triggers,
		widgets:   make(map[string]*widgetMeta),
		forms:     make(map[string]bool),
		fragments: make(map[string]func(*UI)),
		ordinals:  make(map[string]int),
	}
	r.root = r.main
	return r
}

// rootUI returns the UI the run's callbacks and function receive: the main
// area, or for a fragment run the fragment's container.
func (r *run) rootUI(state *State) *UI {
	ui := &UI{ctx: r.ctx, state: state, r: r, c: r.root}
	if r.fragment != "" {
		ui.frag = r.fragment
	}
	return ui
}

// enter is called at the top of every UI method. It reports false for a UI
// that belongs to no run (a zero UI, as in unit tests of app helpers), in
// which case the method does nothing and widgets return their defaults. When
// the run has been superseded it ends the calling goroutine with
// runtime.Goexit: unlike a panic, Goexit cannot be swallowed by a recover in
// the app, runs the app's defers, and, should a leaked UI be used from a
// goroutine the app started, ends only that goroutine instead of crashing
// the server.
func (ui *UI) enter() bool {
	if ui == nil || ui.r == nil {
		return false
	}
	if ui.r.ctx.Err() != nil {
		runtime.Goexit()
	}
	return true
}

// execute runs callbacks and then fn on a fresh goroutine and returns when
// that goroutine ends, however it ends. done is closed afterwards.
func (r *run) execute(state *State, callbacks []func(*UI), fn func(*UI), done chan<- struct{}) {
	go func() {
		normal := false
		defer close(done)
		defer func() {
			if normal {
				return
			}
			if v := recover(); v != nil {
				r.mu.Lock()
				r.outcome, r.panicV, r.stack = outcomePanicked, v, trimStack(debug.Stack())
				r.mu.Unlock()
				return
			}
			// Goexit: Stop, a cancelled run, or the app calling
			// runtime.Goexit itself, which ends the run like Stop.
			r.mu.Lock()
			if r.outcome != outcomeStopped {
				r.outcome = outcomeStopped
				if r.ctx.Err() != nil {
					r.outcome = outcomeAborted
				}
			}
			r.mu.Unlock()
		}()
		ui := r.rootUI(state)
		for _, cb := range callbacks {
			cb(ui)
		}
		fn(ui)
		normal = true
		r.mu.Lock()
		r.outcome = outcomeCompleted
		r.mu.Unlock()
	}()
}

// trimStack drops the frames of the runtime and of this package's recovery
// from a panic stack so the exception shows the app's frames first.
func trimStack(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	// debug.Stack output: "goroutine N [running]:", then pairs of lines
	// (function, file:line). Skip pairs up to and including panic().
	start := 1
	for i := 1; i+1 < len(lines); i += 2 {
		if strings.HasPrefix(lines[i], "panic(") {
			start = i + 2
			break
		}
	}
	if start >= len(lines) {
		return string(stack)
	}
	// Below the app's frames come the runtime's own: cut them.
	end := len(lines)
	for i := start; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], executeFrame) {
			end = i
			break
		}
	}
	return strings.TrimSpace(strings.Join(lines[start:end], "\n"))
}

// executeFrame starts the stack line of the goroutine run.execute starts.
var executeFrame = reflect.TypeFor[run]().PkgPath() + ".(*run).execute"

// Stop ends the current run early, keeping what it emitted so far.
func (ui *UI) Stop() {
	if !ui.enter() {
		return
	}
	ui.r.mu.Lock()
	ui.r.outcome = outcomeStopped
	ui.r.mu.Unlock()
	runtime.Goexit()
}
