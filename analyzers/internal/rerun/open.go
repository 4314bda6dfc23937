package rerun

import (
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file is the open-call stage: interface calls a package cannot
// resolve, left for a package that can.
//
// A layered app declares an interface in one package (domain.Store),
// calls it from the page in another (web.(*App).Sales calls
// a.store.Orders), and implements it in a third (pgstore.(*Store).Orders,
// a query) that only main imports, to wire it in. From web no
// implementation is visible, so the call is unknown there and the engine
// stays silent. The call is recorded instead, as an OpenCall in the
// function's fact, and passed up through the facts of its callers; a
// package that sees implementations (main, which imports both) resolves it
// when it calls such a function, or registers a page of another package
// with dash, under the usual rule: every implementation it sees must reach
// a sink.

// OpenCall is an interface call on the rerun path of a function that its
// package could not resolve: no implementation of the interface was
// visible there.
type OpenCall struct {
	Iface  string // the named interface: package path + "." + type name
	Method string
	// Field is the struct field the interface value was read from, as
	// package path + "." + type name + "." + field name, when it was one:
	// a package that stores only some implementations in that field
	// judges the call by those.
	Field string
	// Via lists the functions from the one after the fact's function down
	// to the one making the call; empty when the function makes it.
	Via []Step
}

// maxOpenCalls bounds the open calls a function's fact carries: enough
// for a page over a few stores, and a bound on fact size however many
// calls a function makes.
const maxOpenCalls = 8

// openCall returns c as an open call when it is an interface call the
// engine can resolve from nowhere here: a method of a named interface
// outside the standard library, not catalogued, whose receiver cannot be
// traced to concrete types, and of which no implementation is visible.
func (e *engine) openCall(c *ssa.CallCommon) (OpenCall, bool) {
	if !c.IsInvoke() {
		return OpenCall{}, false
	}
	m := c.Method
	if _, _, done := reachCatalogued(m); done {
		return OpenCall{}, false
	}
	named, ok := types.Unalias(c.Value.Type()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || e.inStd(named.Obj().Pkg().Path()) {
		return OpenCall{}, false
	}
	if e.tracedImpls(c.Value, m) != nil {
		return OpenCall{}, false
	}
	field := fieldName(c.Value)
	for _, im := range e.visibleImpls(named, m) {
		// A decorator calling the interface on its own field
		// (logging.Plans.Positions calling p.Next.Positions) passes the
		// call on to what the field holds: it is not that implementation.
		if field == "" || !strings.HasPrefix(field, im.key+".") {
			return OpenCall{}, false
		}
	}
	obj := named.Origin().Obj()
	return OpenCall{Iface: obj.Pkg().Path() + "." + obj.Name(), Method: m.Name(), Field: field}, true
}

// fieldName names the field of a named struct type that v was read from
// (h.Stats, through a pointer or not), or "".
func fieldName(v ssa.Value) string {
	var x ssa.Value
	var i int
	switch v := v.(type) {
	case *ssa.UnOp:
		fa, ok := v.X.(*ssa.FieldAddr)
		if !ok || v.Op != token.MUL {
			return ""
		}
		x, i = fa.X, fa.Field
	case *ssa.Field:
		x, i = v.X, v.Field
	default:
		return ""
	}
	t := x.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return ""
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok || i >= st.NumFields() {
		return ""
	}
	return named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + st.Field(i).Name()
}

// fieldImpls returns the implementations of m stored in the field an open
// call names, when this package stores values there and all of them can
// be traced to concrete types; nil otherwise.
func (e *engine) fieldImpls(field string, m *types.Func) []impl {
	if field == "" {
		return nil
	}
	i := strings.LastIndexByte(field, '.')
	j := strings.LastIndexByte(field[:max(i, 0)], '.')
	if i < 0 || j < 0 {
		return nil
	}
	if e.visible == nil {
		e.visible = visiblePackages(e.pkg)
	}
	p := e.visible[field[:j]]
	if p == nil {
		return nil
	}
	tn, ok := p.Scope().Lookup(field[j+1 : i]).(*types.TypeName)
	if !ok {
		return nil
	}
	st, ok := tn.Type().Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for k := range st.NumFields() {
		if st.Field(k).Name() != field[i+1:] {
			continue
		}
		vals := e.index().fields[fieldKey{st, k}]
		if len(vals) == 0 {
			vals = e.constructorArgs(tn, st.Field(k).Type())
		}
		if len(vals) == 0 {
			return nil
		}
		t := e.newTracer()
		for _, v := range vals {
			t.value(v)
		}
		if t.unknown || len(t.concrete) == 0 {
			return nil
		}
		return e.concreteImpls(t, m)
	}
	return nil
}

// addOpen appends the open calls of a callee (reached through step st)
// to list, without duplicates and within maxOpenCalls.
func addOpen(list []OpenCall, st Step, callee []OpenCall) []OpenCall {
	for _, oc := range callee {
		oc.Via = append([]Step{st}, oc.Via...)
		list = addOpenCall(list, oc)
	}
	return list
}

func addOpenCall(list []OpenCall, oc OpenCall) []OpenCall {
	if len(list) >= maxOpenCalls || slices.ContainsFunc(list, func(o OpenCall) bool {
		return o.Iface == oc.Iface && o.Method == oc.Method && o.Field == oc.Field
	}) {
		return list
	}
	return append(list, oc)
}

// noteOpen records, in s, the open calls call c makes or reaches through
// its static callee.
func (e *engine) noteOpen(c *ssa.CallCommon, s *summary) {
	if oc, ok := e.openCall(c); ok {
		s.open = addOpenCall(s.open, oc)
		return
	}
	e.noteRunOpen(c, s)
	fn := c.StaticCallee()
	if fn == nil {
		return
	}
	fn = origin(fn)
	if e.local(fn) {
		if fn.Synthetic == "" && !HasUIParam(fn.Signature) {
			cs := e.summarise(fn)
			s.open = addOpen(s.open, e.stepOfFunc(fn, cs.ui), cs.open)
		}
		return
	}
	if obj := funcObject(fn); obj != nil && obj.Pkg() != e.pkg && !IsDashPackage(obj.Pkg()) {
		var f FuncFact
		if e.pass.ImportObjectFact(obj.Origin(), &f) && len(f.Open) > 0 {
			st := stepOf(obj.Origin())
			st.UI = f.UI
			s.open = addOpen(s.open, st, e.unresolved(f.Open))
		}
	}
}

// unresolved returns the open calls this package sees no implementation
// for: those it does see it judges itself (reachObj), and passing them on
// would have the package registering the page report them again (a
// component of another package calling a source interface that the page's
// package implements).
func (e *engine) unresolved(open []OpenCall) []OpenCall {
	var out []OpenCall
	for _, oc := range open {
		named, m := e.lookupIface(oc)
		if named != nil && (e.fieldImpls(oc.Field, m) != nil || len(e.visibleImpls(named, m)) > 0) {
			continue
		}
		out = append(out, oc)
	}
	return out
}

// resolveOpen returns the chains of a function of another package whose
// fact lists open calls, starting after that function: each open call is
// looked up among the implementations this package sees, and reaches when
// every one of them does.
func (e *engine) resolveOpen(open []OpenCall) (q, r *Chain) {
	var b best
	for _, oc := range open {
		named, m := e.lookupIface(oc)
		if named == nil {
			continue
		}
		impls := e.fieldImpls(oc.Field, m)
		if impls == nil {
			impls = e.visibleImpls(named, m)
		}
		if len(impls) == 0 {
			continue
		}
		iq, ir := e.allReach(impls, m, nil)
		for i := len(oc.Via) - 1; i >= 0; i-- {
			iq, ir = iq.prepend(oc.Via[i]), ir.prepend(oc.Via[i])
		}
		b.add(iq, ir)
	}
	return b.q, b.r
}

// constructorArgs returns the arguments this package gives, of type ft, to
// the functions making values of the named type tn (logging.New(store,
// log) for a field Next of type domain.Plans): where the field is set out
// of sight, by the constructor, what it is given is what the field holds.
func (e *engine) constructorArgs(tn *types.TypeName, ft types.Type) []ssa.Value {
	var out []ssa.Value
	calls := e.index().calls
	if ctx := e.ctorCtx[tn]; ctx != nil {
		// The implementation being resolved was made by these calls.
		calls = map[*ssa.Function][]*ssa.CallCommon{}
		for _, c := range ctx {
			if callee := c.StaticCallee(); callee != nil {
				calls[origin(callee)] = append(calls[origin(callee)], c)
			}
		}
	}
	for callee, sites := range calls {
		sig := callee.Signature
		if sig.Results().Len() == 0 || !makes(sig.Results().At(0).Type(), tn) {
			continue
		}
		for i := range sig.Params().Len() {
			if !types.Identical(sig.Params().At(i).Type(), ft) {
				continue
			}
			for _, c := range sites {
				if i < len(c.Args) {
					out = append(out, c.Args[i])
				}
			}
		}
	}
	return out
}

// makes reports whether t is the named type tn or a pointer to it.
func makes(t types.Type, tn *types.TypeName) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Origin().Obj() == tn
}

// lookupIface finds the interface and method an open call names among
// the packages this one sees.
func (e *engine) lookupIface(oc OpenCall) (*types.Named, *types.Func) {
	i := strings.LastIndexByte(oc.Iface, '.')
	if i < 0 {
		return nil, nil
	}
	if e.visible == nil {
		e.visible = visiblePackages(e.pkg)
	}
	p := e.visible[oc.Iface[:i]]
	if p == nil {
		return nil, nil
	}
	tn, ok := p.Scope().Lookup(oc.Iface[i+1:]).(*types.TypeName)
	if !ok {
		return nil, nil
	}
	named, ok := types.Unalias(tn.Type()).(*types.Named)
	if !ok {
		return nil, nil
	}
	iface, ok := named.Underlying().(*types.Interface)
	if !ok {
		return nil, nil
	}
	for j := range iface.NumMethods() {
		if m := iface.Method(j); m.Name() == oc.Method {
			return named, m
		}
	}
	return nil, nil
}

// registeredEntries returns, as entries of this package, the pages of
// other packages that this one registers and whose open calls it can
// resolve. Each is reported where it is registered: the implementations
// that make it reach a sink are wired in here.
//
// A page is registered when it is handed to dash or to a function of the
// app (a function taking the UI is only ever called by dash), or when it
// is stored in a table (a slice, map, struct or variable) from which the
// app registers its pages in a loop: a page nobody meant to run is not
// kept in one. A page object (a value of another package's type kept as
// an interface, whose methods taking the UI are its pages) counts the same
// way. The first form is reported per call; the second once per page, at
// its first place in a table.
func (e *engine) registeredEntries() []*Entry {
	var out []*Entry
	stored := map[*types.Func]bool{}
	add := func(fn *ssa.Function, obj *types.Func, pos token.Pos, instr ssa.Instruction) bool {
		if obj.Pkg() == nil || obj.Pkg() == e.pkg || IsDashPackage(obj.Pkg()) {
			return false
		}
		var f FuncFact
		if !e.pass.ImportObjectFact(obj, &f) || len(f.Open) == 0 {
			return false
		}
		q, r := e.resolveOpen(f.Open)
		if q == nil && r == nil {
			return false
		}
		p, end := e.span(pos, instr)
		out = append(out, &Entry{
			Name:  stepOf(obj).Format(e.pkg),
			Fn:    fn,
			Sites: []*Site{{Pos: p, End: end, Query: q, Resource: r}},
		})
		return true
	}
	for _, fn := range e.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				var v ssa.Value
				switch instr := instr.(type) {
				case ssa.CallInstruction:
					if registersPages(instr.Common()) {
						for _, arg := range instr.Common().Args {
							for _, obj := range pagesOf(arg) {
								add(fn, obj, instr.Common().Pos(), instr)
							}
						}
					}
					continue
				case *ssa.Store:
					v = instr.Val
				case *ssa.MapUpdate:
					v = instr.Value
				default:
					continue
				}
				for _, obj := range pagesOf(v) {
					if !stored[obj] {
						stored[obj] = add(fn, obj, instr.Pos(), instr)
					}
				}
			}
		}
	}
	return out
}

// pagesOf returns the pages a value passes on: the function or method
// value itself when it takes the UI, or, for a value of another type put
// in an interface (a page object, &web.Sales{Store: s} kept as a
// Page), its methods that take the UI.
func pagesOf(v ssa.Value) []*types.Func {
	if obj := pageOf(v); obj != nil {
		return []*types.Func{obj}
	}
	mi, ok := v.(*ssa.MakeInterface)
	if !ok {
		return nil
	}
	var out []*types.Func
	mset := types.NewMethodSet(mi.X.Type())
	for i := range mset.Len() {
		m, ok := mset.At(i).Obj().(*types.Func)
		if !ok {
			continue
		}
		if sig, ok := m.Type().(*types.Signature); ok && HasUIParam(sig) {
			out = append(out, m.Origin())
		}
	}
	return out
}

// registersPages reports whether a call may hand a page to dash to run on
// every rerun: dash.Run, (*dash.App).Page, or a function of the app's own
// (a helper that registers pages). Not dash.OnChange, whose callback runs
// once per change, nor the other functions of dash.
func registersPages(c *ssa.CallCommon) bool {
	fn := c.StaticCallee()
	if fn == nil {
		return !c.IsInvoke()
	}
	obj := funcObject(fn)
	if obj == nil || obj.Pkg() == nil || !IsDashPackage(obj.Pkg()) {
		return true
	}
	return obj.Name() == "Run" || obj.Name() == "Page"
}

// pageOf returns the function or method a value passes on, when it is one
// that takes the UI: a function (ui.Sales) or a method value (app.Sales).
func pageOf(v ssa.Value) *types.Func {
	var fn *ssa.Function
	switch v := v.(type) {
	case *ssa.Function:
		fn = v
	case *ssa.MakeClosure:
		fn, _ = v.Fn.(*ssa.Function)
	case *ssa.ChangeType:
		return pageOf(v.X)
	}
	if fn == nil {
		return nil
	}
	obj := funcObject(fn)
	if obj == nil {
		return nil
	}
	sig, ok := obj.Type().(*types.Signature)
	if !ok || !HasUIParam(sig) {
		return nil
	}
	return obj
}

// noteRunOpen records, in s, the open calls of the function values a call
// hands to a callee that runs them: a page of a layered app that gives a
// UI component of another package a loader over its store
// (components.Panel(ui, "Recent", func(ctx) { return p.Orders.Recent(ctx, 5) })).
// The runner is a step of the chain, marked Runs: the advice names the
// function value.
func (e *engine) noteRunOpen(c *ssa.CallCommon, s *summary) {
	callee := c.StaticCallee()
	if callee == nil {
		return
	}
	var fns []*ssa.Function
	params, _, st, ok := e.calleeFact(callee)
	switch {
	case ok:
		for _, p := range e.paramsAt(c, params, nil) {
			if p.Index < len(c.Args) {
				fns = append(fns, e.argTargets(c.Args[p.Index], p.Elem)...)
			}
		}
	case e.local(callee):
		return // its summary says what it runs: nothing
	default:
		// A body out of sight runs the literals it is given, unless it is
		// known to run them off the rerun path.
		obj := funcObject(callee)
		if obj == nil || runsOffPath(obj) && !localOnce(c) || IsDashPackage(obj.Pkg()) && !IsSpinner(obj) {
			return
		}
		st = stepOf(obj)
		for _, a := range c.Args {
			fns = append(fns, literalArgs(a)...)
		}
	}
	st.Runs = true
	for _, f := range fns {
		if !e.local(f) || HasUIParam(f.Signature) {
			continue
		}
		fs := e.summarise(f)
		if len(fs.open) > 0 {
			s.open = addOpen(s.open, st, addOpen(nil, e.stepOfFunc(f, fs.ui), fs.open))
		}
	}
}
