package rerun

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the summary stage: what a function reaches when it is
// called. A summary is computed once per function of the package, on
// demand and memoised (a function on a call cycle counts as reaching
// nothing while its own summary is being computed); other packages'
// functions are known through their FuncFacts.

type summary struct {
	query, resource *Chain // starting after the function
	// perValueQ and perValueR are reached once per value of the method's
	// receiver (lifetimes.go), starting after the function.
	perValueQ, perValueR *Chain
	params               []ParamCall
	resets               []ResetSpec
	ui                   bool
	open                 []OpenCall // see open.go
}

func (e *engine) summarise(fn *ssa.Function) *summary {
	fn = origin(fn)
	if s, ok := e.summaries[fn]; ok {
		return s
	}
	s := &summary{}
	e.summaries[fn] = s
	if fn.Blocks == nil {
		return s
	}
	s.ui = drawsUI(fn)
	g := e.guardsOf(fn)
	var found, perValue best
	for _, b := range fn.Blocks {
		if g.guarded(b) {
			continue // runs once per click, not on every call
		}
		for _, instr := range b.Instrs {
			if c, ok := instr.(ssa.CallInstruction); ok && recvOnce(c.Common()) {
				perValue.add(e.onceArgReach(c.Common()))
			}
		}
		if g.onValue(b) {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					perValue.add(e.callReach(in.Common(), nil))
					e.noteParamCalls(fn, in.Common(), s, true)
				case *ssa.Alloc:
					perValue.add(nil, e.literalResource(in))
				}
			}
		}
		if o := g.onceLevel(b); o != EveryRerun {
			// Runs once per session or per process: only the resources it
			// makes count.
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					_, r := e.callReach(in.Common(), nil)
					found.add(nil, r.onceAt(o, g.lockedAt(b)))
				case *ssa.Alloc:
					found.add(nil, e.literalResource(in).onceAt(o, g.lockedAt(b)))
				}
			}
			continue
		}
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				found.add(e.callReach(in.Common(), nil))
				e.noteOpen(in.Common(), s)
				e.noteParamCalls(fn, in.Common(), s, false)
				e.noteResets(fn, in, s)
			case *ssa.Alloc:
				found.add(nil, e.literalResource(in))
			case *ssa.Send, *ssa.Select:
				found.add(e.sendReach(in))
			}
		}
	}
	s.query, s.resource = found.q, found.r
	s.perValueQ, s.perValueR = perValue.q, perValue.r
	return s
}

// reachCatalogued returns the chains of a call to a catalogued function or
// to package dash; done is false when fn is neither.
func reachCatalogued(fn *types.Func) (q, r *Chain, done bool) {
	if fn.Pkg() == nil {
		return nil, nil, true
	}
	if k := lookupSink(fn); k != KindNone {
		q = &Chain{Steps: []Step{stepOf(fn)}, Kind: k}
	}
	if k := lookupResource(fn); k != KindNone {
		r = &Chain{Steps: []Step{stepOf(fn)}, Kind: k}
	}
	if IsDashPackage(fn.Pkg()) {
		// Other calls into dash never reach a sink ((*DataCache).Get is
		// a cached call), except the rows of the audit log, which is a
		// table; a cache constructed per rerun starts empty.
		if IsCacheConstructor(fn) {
			r = &Chain{Steps: []Step{stepOf(fn)}, Kind: KindCache}
		}
		return q, r, true
	}
	return q, r, q != nil || r != nil
}

// reachFunc returns the chains of a call to fn, each starting at fn.
// Synthetic wrappers are transparent; so are function literals unless
// named is set (a literal reached through a function value is named in
// the chain, one run inline is part of its parent).
func (e *engine) reachFunc(fn *ssa.Function, named bool) (q, r *Chain) {
	fn = origin(fn)
	if obj := funcObject(fn); obj != nil {
		if q, r, done := reachCatalogued(obj); done {
			return q, r
		}
	}
	if !e.local(fn) {
		if obj := funcObject(fn); obj != nil {
			return e.reachObj(obj) // a page of another package: only its open calls
		}
		return nil, nil
	}
	if HasUIParam(fn.Signature) {
		return nil, nil // an entry of its own, reported where it is declared
	}
	s := e.summarise(fn)
	if fn.Synthetic != "" || (fn.Parent() != nil && !named) {
		return s.query, s.resource
	}
	st := e.stepOfFunc(fn, s.ui)
	return s.query.prepend(st), s.resource.prepend(st)
}

// reachObj returns the chains of a call to a function of another package.
func (e *engine) reachObj(obj *types.Func) (q, r *Chain) {
	obj = obj.Origin()
	if q, r, done := reachCatalogued(obj); done {
		return q, r
	}
	sig, ok := obj.Type().(*types.Signature)
	if !ok || obj.Pkg() == e.pkg {
		return nil, nil
	}
	var f FuncFact
	if !e.pass.ImportObjectFact(obj, &f) {
		return nil, nil
	}
	st := stepOf(obj)
	st.UI = f.UI
	if HasUIParam(sig) {
		// A page of another package, called from this one: its own
		// package reports what it sees; what it could not resolve may be
		// resolved here.
		st.UI = true
		q, r = e.resolveOpen(f.Open)
		return q.prepend(st), r.prepend(st)
	}
	var b best
	b.add(f.Query, f.Resource)
	b.add(e.resolveOpen(f.Open))
	return b.q.prepend(st), b.r.prepend(st)
}

// calleeFact returns what is known of a static callee's parameters and
// resets: its summary or its fact; ok is false when nothing is.
func (e *engine) calleeFact(fn *ssa.Function) (params []ParamCall, resets []ResetSpec, st Step, ok bool) {
	fn = origin(fn)
	obj := funcObject(fn)
	if obj != nil && IsDashPackage(obj.Pkg()) {
		return nil, nil, Step{}, false
	}
	if e.local(fn) {
		s := e.summarise(fn)
		return s.params, s.resets, e.stepOfFunc(fn, s.ui || HasUIParam(fn.Signature)), true
	}
	if obj == nil {
		return nil, nil, Step{}, false
	}
	var f FuncFact
	if obj.Pkg() == e.pkg || !e.pass.ImportObjectFact(obj, &f) {
		return nil, nil, stepOf(obj), false
	}
	st = stepOf(obj)
	// A function that takes the UI draws: never the one to cache.
	st.UI = f.UI || HasUIParam(fn.Signature)
	return f.Params, f.Resets, st, true
}

// callReach returns the chains of a call, each starting at the callee
// (or, for function values run by the callee, at the callee too). A
// function literal run inline (called, or handed to a callee that runs
// it) for which inline returns true is left to the caller, which walks it
// as part of its own path.
func (e *engine) callReach(c *ssa.CallCommon, inline func(*ssa.Function) bool) (q, r *Chain) {
	var b best
	// Every chain leaving here belongs to the caller: a callee's verb
	// (verbs.go) is decided by this call's argument, or dropped.
	note := func(q, r *Chain) { b.add(verbAt(c, "", 0, q), r) }
	if queuedCommand(c) {
		return nil, nil
	}
	switch {
	case c.IsInvoke():
		b.add(e.invokeReach(c))
	case c.StaticCallee() != nil:
		if callee := c.StaticCallee(); inline == nil || !inline(callee) {
			q, r := e.reachFunc(callee, false)
			b.add(verbAt(c, verbKey(callee), 0, q), r)
			note(e.perValueReach(c))
		}
	default:
		if _, builtin := c.Value.(*ssa.Builtin); builtin {
			return nil, nil
		}
		// A parameter of the function making the call (or an element of
		// one) runs what each caller hands it: noteParamCalls records it,
		// and argReach judges it at each call site. Resolving it here, to
		// everything the package's own call sites pass, would charge one
		// caller's query to another (lib.Retry(ctx, 3, pure) reported for
		// what lib passes it elsewhere).
		if fn := c.Value.Parent(); fn != nil {
			if i, _ := paramOf(fn, c.Value); i >= 0 {
				break
			}
		}
		// The function value another package's function returned (an
		// iterator over a query): its fact says what calling it reaches.
		if q, r, ok := e.returnedByFact(c.Value); ok {
			note(q, r)
			q, r, _ = e.returnedRuns(c.Value)
			note(q, r)
			break
		}
		// The function value a decorator factory returned, which runs
		// the function this call gave it (timed := metrics.Timed("q",
		// load)): a call of what was given, and only of that; the
		// literal's other callers gave it other functions.
		if q, r, ok := e.returnedRuns(c.Value); ok {
			note(q, r)
			break
		}
		// A function value: every target it may hold is a callee, and
		// any of them reaching a sink is a per-rerun sink.
		if fns, ok := e.funcTargets(c.Value); ok {
			for _, f := range fns {
				q, r := e.reachFunc(f, true)
				b.add(verbAt(c, verbKey(f), 0, q), r)
			}
		}
	}
	note(e.argReach(c, inline))
	return writtenBy(c, b.q), b.r
}

// best keeps the chains to report: the shortest of each kind.
type best struct{ q, r *Chain }

func (b *best) add(q, r *Chain) {
	if shorter(q, b.q) {
		b.q = q
	}
	if shorter(r, b.r) {
		b.r = r
	}
}

// argReach returns the chains of the function values a call hands to its
// callee that the callee runs: the parameters its summary or fact says it
// calls, or, for a callee whose body is out of sight (the standard
// library, an errgroup), every function literal given to it, unless the
// callee is known to run them off the rerun path.
func (e *engine) argReach(c *ssa.CallCommon, inline func(*ssa.Function) bool) (q, r *Chain) {
	var b best
	note := b.add
	if callee := c.StaticCallee(); callee != nil {
		if params, _, st, ok := e.calleeFact(callee); ok {
			for _, p := range e.paramsAt(c, params, nil) {
				if p.Index >= len(c.Args) {
					continue
				}
				runner := st
				runner.Runs = true
				runner.PerValue = p.onFresh
				via := make([]Step, len(p.Via))
				for i, v := range p.Via {
					v.Runs = true
					via[i] = v
				}
				for _, f := range e.argTargets(c.Args[p.Index], p.Elem) {
					fq, fr := e.reachFunc(f, true)
					note(prependAll(fq, runner, via), prependAll(fr, runner, via))
				}
			}
			return b.q, b.r
		}
		if obj := funcObject(callee); obj != nil && (runsOffPath(obj) && !localOnce(c) || IsDashPackage(obj.Pkg()) && !IsSpinner(obj)) {
			return nil, nil
		}
		if obj := funcObject(callee); obj != nil && obj.Pkg() != nil && obj.Pkg() != e.pkg && e.analysed(obj.Pkg()) && !returnsFunc(callee.Signature) {
			// Analysed, and no fact: it runs none of the functions it is
			// handed on the rerun path. One returning a function value
			// (a functional option, WithBudget(load) Option) may keep what
			// it was handed for whoever runs that value: the literal is
			// taken to run, as for a function out of sight.
			return nil, nil
		}
	} else if c.IsInvoke() && runsOffPath(c.Method) {
		return nil, nil
	}
	for _, a := range c.Args {
		for _, f := range literalArgs(a) {
			if inline == nil || !inline(f) {
				note(e.reachFunc(f, false))
			}
		}
	}
	return b.q, b.r
}

// returnsFunc reports whether a function of signature sig returns a
// function value.
func returnsFunc(sig *types.Signature) bool {
	for v := range sig.Results().Variables() {
		if _, ok := v.Type().Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

// literalArgs returns the function literals an argument passes, directly
// or in a variadic slice.
func literalArgs(a ssa.Value) []*ssa.Function {
	switch a := a.(type) {
	case *ssa.MakeClosure:
		return []*ssa.Function{a.Fn.(*ssa.Function)}
	case *ssa.Function:
		if a.Parent() != nil {
			return []*ssa.Function{a}
		}
	case *ssa.ChangeType:
		return literalArgs(a.X)
	case *ssa.Slice:
		if alloc, ok := a.X.(*ssa.Alloc); ok {
			var out []*ssa.Function
			for _, ref := range *alloc.Referrers() {
				if ia, ok := ref.(*ssa.IndexAddr); ok {
					for _, r := range *ia.Referrers() {
						if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
							out = append(out, literalArgs(st.Val)...)
						}
					}
				}
			}
			return out
		}
	}
	return nil
}

// argTargets resolves the function values of an argument: the value
// itself, or with elem the elements of the slice it is.
func (e *engine) argTargets(a ssa.Value, elem bool) []*ssa.Function {
	if !elem {
		fns, _ := e.funcTargets(a)
		return fns
	}
	t := e.newTracer()
	t.container(a)
	if t.unknown {
		return nil
	}
	return t.fns
}

func prependAll(c *Chain, first Step, via []Step) *Chain {
	for i := len(via) - 1; i >= 0; i-- {
		c = c.prepend(via[i])
	}
	return c.prepend(first)
}

// noteParamCalls records in s the parameters of fn that the call c runs:
// directly (f() with f a parameter, or an element of a slice parameter),
// or by handing them to a callee that runs them.
func (e *engine) noteParamCalls(fn *ssa.Function, c *ssa.CallCommon, s *summary, perValue bool) {
	add := func(p ParamCall) {
		p.PerValue = p.PerValue || perValue
		for i, q := range s.params {
			if q.Index == p.Index && q.Elem == p.Elem {
				if q.PerValue && !p.PerValue {
					s.params[i] = p // every call beats once per value
				}
				return
			}
		}
		s.params = append(s.params, p)
	}
	if !c.IsInvoke() && c.StaticCallee() == nil {
		if i, elem := paramOf(fn, c.Value); i >= 0 {
			add(ParamCall{Index: i, Elem: elem})
		}
		return
	}
	callee := c.StaticCallee()
	if callee == nil {
		return
	}
	params, _, st, ok := e.calleeFact(callee)
	if !ok {
		return
	}
	for _, p := range e.paramsAt(c, params, fn) {
		if p.Index >= len(c.Args) {
			continue
		}
		if i, elem := paramOf(fn, c.Args[p.Index]); i >= 0 && elem == p.Elem {
			add(ParamCall{Index: i, Elem: elem, Via: append([]Step{st}, p.Via...), PerValue: p.PerValue})
		}
		// A literal the callee runs, which runs a parameter it captured
		// (RetryValue wrapping fn for Retry: func(ctx) error { v, err :=
		// fn(ctx); ... }): the parameter runs too.
		mc, ok := c.Args[p.Index].(*ssa.MakeClosure)
		if !ok || p.Elem {
			continue
		}
		lit := mc.Fn.(*ssa.Function)
		for j, fv := range lit.FreeVars {
			i := capturedParam(fn, mc.Bindings[j])
			if i < 0 {
				continue
			}
			for _, via := range e.freeVarRuns(lit, fv) {
				runner := st
				runner.Runs = true
				add(ParamCall{Index: i, Via: slices.Concat([]Step{runner}, p.Via, via)})
			}
		}
	}
}

// capturedParam returns the index of the parameter of fn that a closure's
// binding captures (the variable a parameter is spilled to, when nothing
// else is stored in it), or -1.
func capturedParam(fn *ssa.Function, b ssa.Value) int {
	a, ok := b.(*ssa.Alloc)
	if !ok {
		i, elem := paramOf(fn, b)
		if elem {
			return -1
		}
		return i
	}
	i := -1
	for _, r := range *a.Referrers() {
		st, ok := r.(*ssa.Store)
		if !ok || st.Addr != a {
			continue
		}
		j, elem := paramOf(fn, st.Val)
		if j < 0 || elem || i >= 0 && i != j {
			return -1
		}
		i = j
	}
	return i
}

// paramOf returns the index of the parameter of fn that v is (through
// conversions), or whose element v is loaded from (elem); -1 when v is
// neither.
func paramOf(fn *ssa.Function, v ssa.Value) (int, bool) {
	elem := false
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.MakeInterface:
			v = x.X
			continue
		case *ssa.UnOp:
			if ia, ok := x.X.(*ssa.IndexAddr); ok && x.Op == token.MUL && !elem {
				v, elem = ia.X, true
				continue
			}
		case *ssa.Parameter:
			for i, p := range fn.Params {
				if p == x {
					return i, elem
				}
			}
		}
		return -1, false
	}
}

// literalResource returns the chain of a composite literal that builds a
// resource (an http.Transport).
func (e *engine) literalResource(a *ssa.Alloc) *Chain {
	if a.Comment != "complit" {
		return nil
	}
	named, ok := types.Unalias(a.Type().Underlying().(*types.Pointer).Elem()).(*types.Named)
	if !ok {
		return nil
	}
	if k := resourceCatalogue.LookupType(named); k != KindNone {
		return &Chain{Steps: []Step{literalStep(named)}, Kind: k}
	}
	return nil
}

// drawsUI reports whether fn calls methods of *dash.UI: a helper that
// draws must not be cached as a whole.
func drawsUI(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(ssa.CallInstruction); ok {
				if callee := c.Common().StaticCallee(); callee != nil {
					if obj := funcObject(callee); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == DashPath && recvName(obj) == "UI" {
						return true
					}
				}
			}
		}
	}
	return false
}

// onceOf returns where the *sync.Once that c calls Do on lives, past
// field selections (&s.cache.once is s), when c is such a call.
func onceOf(c *ssa.CallCommon) (ssa.Value, bool) {
	callee := c.StaticCallee()
	if callee == nil || len(c.Args) == 0 {
		return nil, false
	}
	if obj := funcObject(callee); obj == nil || !isOnceDo(obj) {
		return nil, false
	}
	return fieldBase(c.Args[0]), true
}

// fieldBase returns v past any field selections (&x.a.b is x).
func fieldBase(v ssa.Value) ssa.Value {
	for {
		fa, ok := v.(*ssa.FieldAddr)
		if !ok {
			return v
		}
		v = fa.X
	}
}

// localOnce reports whether c is (*sync.Once).Do on a Once that the
// calling function allocates (var once sync.Once in the page, or a field
// of a struct made there): a new Once on every call, so what it is given
// runs every time.
func localOnce(c *ssa.CallCommon) bool {
	v, ok := onceOf(c)
	_, alloc := v.(*ssa.Alloc)
	return ok && alloc
}

// returnedByFact returns the chains of calling v, the result of a call of
// a function of another package whose fact describes the function value
// it returns. The function itself is a step that reaches the rest only
// through its result, so the advice names the value, not it.
func (e *engine) returnedByFact(v ssa.Value) (q, r *Chain, ok bool) {
	call, isCall := v.(*ssa.Call)
	if !isCall {
		if x, isExtract := v.(*ssa.Extract); isExtract {
			call, isCall = x.Tuple.(*ssa.Call)
		}
	}
	if !isCall {
		return nil, nil, false
	}
	callee := call.Call.StaticCallee()
	if callee == nil || e.local(callee) {
		return nil, nil, false
	}
	obj := funcObject(callee)
	var f FuncFact
	if obj == nil || obj.Pkg() == e.pkg || !e.pass.ImportObjectFact(obj.Origin(), &f) {
		return nil, nil, false
	}
	if f.ReturnQuery == nil && f.ReturnResource == nil && len(f.ReturnParams) == 0 && len(f.ReturnOpen) == 0 {
		return nil, nil, false
	}
	st := stepOf(obj.Origin())
	st.Makes = true
	var b best
	b.add(f.ReturnQuery, f.ReturnResource)
	b.add(e.resolveOpen(f.ReturnOpen))
	return b.q.prepend(st), b.r.prepend(st), true
}

// returnedRuns returns the chains of calling v, the function value a
// decorator factory returned: the functions the call handed it, run by
// the returned literal (its parameters listed by returnedParams, or its
// fact's ReturnParams). The factory is a step that makes the runner, so
// the advice names what was handed to it.
func (e *engine) returnedRuns(v ssa.Value) (q, r *Chain, ok bool) {
	call, isCall := v.(*ssa.Call)
	if !isCall {
		if x, isExtract := v.(*ssa.Extract); isExtract && x.Index == 0 {
			call, isCall = x.Tuple.(*ssa.Call)
		}
	}
	if !isCall {
		return nil, nil, false
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return nil, nil, false
	}
	callee = origin(callee)
	var params []ParamCall
	var st Step
	if e.local(callee) {
		params = e.returnedParams(callee)
		st = e.stepOfFunc(callee, false)
	} else {
		obj := funcObject(callee)
		var f FuncFact
		if obj == nil || obj.Pkg() == e.pkg || !e.pass.ImportObjectFact(obj, &f) {
			return nil, nil, false
		}
		params = f.ReturnParams
		st = stepOf(obj)
	}
	if len(params) == 0 {
		return nil, nil, false
	}
	st.Makes = true
	var b best
	for _, p := range params {
		if p.Index >= len(call.Call.Args) {
			continue
		}
		for _, f := range e.argTargets(call.Call.Args[p.Index], p.Elem) {
			fq, fr := e.reachFunc(f, true)
			b.add(prependAll(fq, st, p.Via), prependAll(fr, st, p.Via))
		}
	}
	return b.q, b.r, true
}
