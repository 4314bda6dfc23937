package rerun

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"
)

// Step is one function of a call chain, kept as data rather than text so
// that it is qualified relative to the package a message is written for.
type Step struct {
	PkgPath string // "" for an entry named by the analysed package's syntax
	PkgName string
	Recv    string // receiver type name, "" for a function
	Ptr     bool   // pointer receiver
	Name    string // function or method name; the type name for a literal
	Literal bool   // a composite literal such as &http.Transport{}
	// UI is true for a function that draws UI (calls methods of
	// *dash.UI): caching it would cache the drawing, so the advice names
	// what to move out of it instead.
	UI bool
	// Runs is true for a function that reaches the rest of the chain only
	// by running a function value its caller handed it (lib.Retry(ctx, 3,
	// load), a worker pool): it cannot be cached (a function is no cache
	// key), the function value it runs can.
	Runs bool
	// Makes is true for a function that reaches the rest of the chain only
	// through the function value it returns (an iterator, a loader made
	// by a factory): that value is what to cache, not the function.
	Makes bool
	// Anon is true for a function literal that no variable names: the
	// advice describes it instead of naming it.
	Anon bool
	// Serves is true for a goroutine's function that the previous step
	// reaches by sending it work on a channel: it is not called, so it is
	// no function to cache, and what it does per request is.
	Serves bool
	// PerValue is true for a method that does its work once per value of
	// its receiver (a sync.Once in a field, a nil test of a field) called
	// on a value made on every call: what to make once is the value.
	PerValue bool
}

func stepOf(fn *types.Func) Step {
	s := Step{Name: fn.Name()}
	if fn.Pkg() != nil {
		s.PkgPath, s.PkgName = fn.Pkg().Path(), fn.Pkg().Name()
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		_, s.Ptr = types.Unalias(sig.Recv().Type()).(*types.Pointer)
		s.Recv = recvName(fn)
	}
	return s
}

func literalStep(n *types.Named) Step {
	s := Step{Name: n.Obj().Name(), Literal: true}
	if p := n.Obj().Pkg(); p != nil {
		s.PkgPath, s.PkgName = p.Path(), p.Name()
	}
	return s
}

// Nameable reports whether code of package from can name the step's
// function: it is in from, or exported with an exported receiver.
func (s Step) Nameable(from *types.Package) bool {
	if from != nil && s.PkgPath == from.Path() {
		return true
	}
	return token.IsExported(s.Name) && (s.Recv == "" || token.IsExported(s.Recv))
}

// Format renders s as Go readers write it, qualified unless it belongs to
// package from: loadSales, store.LoadOrders, (*sql.DB).QueryContext,
// http.Client{}.
func (s Step) Format(from *types.Package) string {
	qual := ""
	if s.PkgPath != "" && (from == nil || s.PkgPath != from.Path()) {
		qual = s.PkgName + "."
	}
	switch {
	case s.Literal:
		return qual + s.Name + "{}"
	case s.Recv == "":
		return qual + s.Name
	case s.Ptr:
		return "(*" + qual + s.Recv + ")." + s.Name
	default:
		return qual + s.Recv + "." + s.Name
	}
}

// Chain is a call chain ending at a sink or resource constructor. Steps
// start at the function the chain belongs to (for a fact: the first callee
// after the fact's function) and end at the catalogued call.
type Chain struct {
	Steps []Step
	Kind  Kind
	// Once is how often a resource chain's construction runs when not on
	// every rerun.
	Once Once
	// Method is the HTTP method of a KindPost chain, when it is not POST.
	Method string
	// Verb is the parameter of the function the chain belongs to that
	// decides whether its sink writes (verbs.go); nil when decided.
	Verb *VerbParam
}

// Once says how often code runs that is not on every rerun (nor only
// after a trigger).
type Once uint8

const (
	EveryRerun Once = iota
	// PerSession: behind a presence test of the state key it is kept
	// under, once per session.
	PerSession
	// Lazily: behind a nil test of the package variable it is kept in,
	// without a lock: once per process, unless sessions race there.
	Lazily
)

// onceAt returns c as made at level o: for a resource chain (not a cache,
// whose making per session or lazily is a design choice) c marked so; for
// a sink nothing, since a query once per session or per process is no
// per-rerun query. A lazily made resource under a lock is nothing either.
func (c *Chain) onceAt(o Once, locked bool) *Chain {
	if o == EveryRerun || c == nil {
		return c
	}
	if !c.Kind.IsResource() || c.Kind == KindCache || o == Lazily && locked {
		return nil
	}
	d := *c
	d.Once = o
	return &d
}

// prepend returns a new chain with s in front.
func (c *Chain) prepend(s Step) *Chain {
	if c == nil {
		return nil
	}
	steps := make([]Step, 0, len(c.Steps)+1)
	steps = append(steps, s)
	steps = append(steps, c.Steps...)
	d := *c
	d.Steps = steps
	return &d
}

// Cacheable returns the index of the step to cache: the first one after
// the last step that draws UI (caching a function that draws would cache
// the drawing) or runs a function value it was handed (the value is what
// to cache). It is len(c.Steps)-1, the catalogued call itself, when the
// call is made directly in the entry or in a function that draws: then the
// call is what must move.
func (c *Chain) Cacheable() int {
	last := len(c.Steps) - 1
	first := 0
	for i, s := range c.Steps[:last] {
		if s.UI || s.Runs || s.Makes || s.Serves {
			first = i + 1
		}
	}
	return first
}

// Direct reports whether the chain is the catalogued call alone.
func (c *Chain) Direct() bool { return len(c.Steps) == 1 }

// maxShown is the number of steps a message shows at each end of a long
// chain; the full chain stays in the finding's related information.
const maxShown = 3

// Format renders the chain from package from, joined by arrows. A chain
// longer than 2*maxShown+1 steps shows its first and last maxShown steps
// around "… N more …": a chain through generated code once made a 29 KB
// message.
func (c *Chain) Format(from *types.Package) string {
	steps := c.Steps
	var parts []string
	if len(steps) > 2*maxShown+1 {
		for _, s := range steps[:maxShown] {
			parts = append(parts, s.Format(from))
		}
		parts = append(parts, fmt.Sprintf("… %d more …", len(steps)-2*maxShown))
		steps = steps[len(steps)-maxShown:]
	}
	for _, s := range steps {
		parts = append(parts, s.Format(from))
	}
	return strings.Join(parts, " → ")
}

// shorter reports whether a should replace b as the chain to report: the
// shortest chain explains the problem best, a sink beats a file read, and
// a resource made on every rerun one made once per session.
func shorter(a, b *Chain) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	if a.Once != b.Once { // every rerun is worse than every session
		return a.Once < b.Once
	}
	if (a.Kind == KindFile) != (b.Kind == KindFile) {
		return b.Kind == KindFile
	}
	return len(a.Steps) < len(b.Steps)
}
