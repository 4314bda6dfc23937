package rerun

import (
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file is the callee-resolution stage for interface calls. A call
// v.M() through an interface reaches a sink when every implementation the
// analysis can see reaches one through M: the concrete types that flow
// into v in the package when they can all be traced, or else every
// non-test type of this package and of the packages it imports (directly
// or not) that implements the interface, plus the unexported
// implementations that imported packages list in their PackageFact (a
// generated gRPC client is an unexported type behind an exported
// interface, and export data may leave it out). An interface with no
// visible implementation is unknown: silence. So are the standard
// library's interfaces, which have implementations everywhere, unless the
// method itself is catalogued (http.RoundTripper.RoundTrip).

// impl is one implementation of an interface method.
type impl struct {
	key    string        // "pkg/path.Type", for de-duplication
	fn     *ssa.Function // the method, when the program has its body
	obj    *types.Func   // the method's object, known through facts
	chains *MethodChains // from a PackageFact, for types out of sight
	// reached holds the query and resource chains when they are known
	// already (an adapter of function values, adapterImpl).
	reached *[2]*Chain
	// ctors are the calls that made the values traced to this type, when
	// the tracer saw them (a decorator's constructor): its fields hold
	// what those calls were given.
	ctors []*ssa.CallCommon
}

// implIndex caches, per pass, the named types visible to the package and
// the implementations found for each interface.
//
// An implementation of M has a method named M, declared on it or promoted
// from an embedded field, so the types are indexed by the names of their
// declared methods, and those with embedded fields are kept apart:
// types.Implements then runs on a handful of candidates rather than on
// every type of every package the package imports, which in a gRPC or pgx
// dependency was most of the time spent exporting its facts.
type implIndex struct {
	byMethod map[string][]*types.TypeName // declared method name -> types
	embeds   []*types.TypeName            // types with embedded fields
	hid      []HiddenImpl                 // from PackageFacts of visible packages
	memo     map[implKey][]impl
}

// candidates returns the types that may have a method named name.
func (ix *implIndex) candidates(name string) []*types.TypeName {
	declared := ix.byMethod[name]
	return append(declared[:len(declared):len(declared)], ix.embeds...)
}

// add indexes one named type.
func (ix *implIndex) add(tn *types.TypeName, n *types.Named) {
	for m := range n.Methods() {
		ix.byMethod[m.Name()] = append(ix.byMethod[m.Name()], tn)
	}
	if st, ok := n.Underlying().(*types.Struct); ok {
		for f := range st.Fields() {
			if f.Embedded() {
				ix.embeds = append(ix.embeds, tn)
				break
			}
		}
	}
}

func (e *engine) implementations() *implIndex {
	if e.impls != nil {
		return e.impls
	}
	ix := &implIndex{byMethod: map[string][]*types.TypeName{}, memo: map[implKey][]impl{}}
	e.impls = ix
	seen := map[*types.Package]bool{}
	var visit func(p *types.Package)
	visit = func(p *types.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			n, ok := tn.Type().(*types.Named)
			if !ok || n.TypeParams().Len() > 0 {
				continue // generic types are instantiated by users
			}
			if strings.HasSuffix(e.pass.Fset.Position(tn.Pos()).Filename, "_test.go") {
				continue
			}
			ix.add(tn, n)
		}
		if p != e.pkg {
			var pf PackageFact
			if e.pass.ImportPackageFact(p, &pf) {
				ix.hid = append(ix.hid, pf.Hidden...)
			}
		}
		for _, imp := range p.Imports() {
			visit(imp)
		}
	}
	visit(e.pkg)
	return ix
}

type implKey struct {
	iface  *types.Named
	method string
}

// invokeReach returns the chains of an interface call.
func (e *engine) invokeReach(c *ssa.CallCommon) (query, resource *Chain) {
	m := c.Method
	// Catalogued interface methods (http.RoundTripper.RoundTrip,
	// go-redis Cmdable, gRPC ClientConnInterface.Invoke) are sinks as such.
	if q, r, done := reachCatalogued(m); done {
		return q, r
	}
	impls := e.tracedImpls(c.Value, m)
	if impls == nil {
		t := c.Value.Type()
		// A method of a type parameter (func total[Q rowQuerier](q Q)):
		// its implementations are those of the constraint.
		if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
			t = tp.Constraint()
		}
		impls = e.visibleImpls(t, m)
	}
	return e.allReach(impls, m, c)
}

// allReach returns the chains of a call of interface method m that runs
// one of impls: a chain only when every implementation reaches (the
// shortest is shown). Decorators, implementations that call m again on
// the value they wrap (logging, timing, retrying), reach what the
// implementation they wrap reaches, so they are left out of the vote; an
// interface with decorators only reaches nothing.
//
// at is the call, when there is one: each implementation's chain is then
// decided by its arguments (verbs.go).
func (e *engine) allReach(impls []impl, m *types.Func, at *ssa.CallCommon) (query, resource *Chain) {
	if len(impls) > 1 {
		var kept []impl
		for _, im := range impls {
			if !e.decorates(im, m) {
				kept = append(kept, im)
			}
		}
		impls = kept
	}
	for i, im := range impls {
		q, r := e.implReach(im)
		if at != nil {
			// The invoked method's receiver is not among at's arguments.
			q = writtenBy(at, verbAt(at, im.verbKey(), 1, q))
		}
		if i == 0 {
			query, resource = q, r
			continue
		}
		if q == nil || query == nil {
			query = nil
		} else if shorter(q, query) {
			query = q
		}
		if r == nil || resource == nil {
			resource = nil
		} else if shorter(r, resource) {
			resource = r
		}
		if query == nil && resource == nil {
			break
		}
	}
	if len(impls) > 1 {
		// Which implementation runs is not known here: the chain names the
		// interface's method, not one candidate (a helper over sqlc's DBTX
		// is handed a *sql.DB as often as a *sql.Conn).
		query, resource = viaInterface(query, m), viaInterface(resource, m)
	}
	return query, resource
}

// viaInterface returns c as reached through interface method m: one step,
// the method itself.
func viaInterface(c *Chain, m *types.Func) *Chain {
	if c == nil {
		return nil
	}
	st := Step{Name: m.Name()}
	if named := ifaceOf(m); named != nil && named.Obj().Pkg() != nil {
		st.PkgPath, st.PkgName, st.Recv = named.Obj().Pkg().Path(), named.Obj().Pkg().Name(), named.Obj().Name()
	}
	return &Chain{Steps: []Step{st}, Kind: c.Kind, Once: c.Once, Method: c.Method}
}

// decorates reports whether implementation im of interface method m calls
// m again on its rerun path: by its body in this package, by the facts of
// another (the open calls of its FuncFact, or its entry among the hidden
// implementations of its PackageFact). A method of a package the engine
// does not analyse (so without facts) decorates when its type wraps a
// value of the interface: it can only pass the call on.
func (e *engine) decorates(im impl, m *types.Func) bool {
	switch {
	case im.fn != nil:
		return delegates(im.fn, func(x *types.Func) bool { return x == m })
	case im.chains != nil:
		return im.chains.Wraps
	case im.obj == nil || im.obj.Pkg() == nil:
		return false
	}
	named := ifaceOf(m)
	if named == nil {
		return false
	}
	var f FuncFact
	if e.pass.ImportObjectFact(im.obj.Origin(), &f) {
		key := typeKey(named)
		return slices.ContainsFunc(f.Open, func(oc OpenCall) bool { return oc.Iface == key && oc.Method == m.Name() })
	}
	pkg := im.obj.Pkg()
	var pf PackageFact
	if e.pass.ImportPackageFact(pkg, &pf) {
		if recv := recvNamed(im.obj); recv != nil {
			for i := range pf.Hidden {
				if h := &pf.Hidden[i]; h.Type == typeKey(recv) {
					mc := h.method(m.Name())
					return mc != nil && mc.Wraps
				}
			}
		}
		return false
	}
	if e.analysed(pkg) {
		return false // analysed, and nothing to say: it reaches nothing
	}
	return wraps(im.obj, named)
}

// analysed reports whether the engine runs on package p for its facts (see
// MayExportFacts).
func (e *engine) analysed(p *types.Package) bool {
	if e.pass.ImportPackageFact(p, new(PackageFact)) {
		return true // it said so (the user's packages always do)
	}
	var paths []string
	byPath := map[string]*types.Package{}
	for _, imp := range p.Imports() {
		paths = append(paths, imp.Path())
		byPath[imp.Path()] = imp
	}
	hasFacts := func(path string) bool { return e.pass.ImportPackageFact(byPath[path], new(PackageFact)) }
	// Whether p is the user's code is not known from its types: as a
	// library, it is analysed only for what it imports.
	return MayExportFacts(p.Path(), e.inStd(p.Path()), false, paths, hasFacts)
}

// ifaceOf returns the named interface that declares method m, or nil.
func ifaceOf(m *types.Func) *types.Named {
	sig, ok := m.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	named, ok := types.Unalias(sig.Recv().Type()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || !types.IsInterface(named) {
		return nil
	}
	return named
}

// recvNamed returns the named type of method fn's receiver, or nil.
func recvNamed(fn *types.Func) *types.Named {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// typeKey is how facts name a named type: "pkg/path.Name".
func typeKey(n *types.Named) string { return n.Obj().Pkg().Path() + "." + n.Obj().Name() }

// wraps reports whether the receiver type of method fn is a struct with a
// field of interface type iface.
func wraps(fn *types.Func, iface *types.Named) bool {
	recv := recvNamed(fn)
	if recv == nil {
		return false
	}
	st, ok := recv.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for f := range st.Fields() {
		if n, ok := types.Unalias(f.Type()).(*types.Named); ok && n.Origin() == iface.Origin() {
			return true
		}
	}
	return false
}

// delegates reports whether fn calls an interface method that is reports
// true for on its rerun path: in its body, or in a function literal it
// calls or hands to a callee that runs it. A call in a loader given to
// dash.CacheData does not count: a caching decorator reaches nothing per
// rerun.
func delegates(fn *ssa.Function, is func(*types.Func) bool) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			c, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			cc := c.Common()
			if cc.IsInvoke() && is(cc.Method) {
				return true
			}
			if lit, ok := literalFunc(cc.Value); ok && delegates(lit, is) {
				return true
			}
			if callee := cc.StaticCallee(); callee != nil {
				if obj := funcObject(callee); obj != nil && (runsOffPath(obj) || IsDashPackage(obj.Pkg())) {
					continue
				}
			}
			for _, a := range cc.Args {
				for _, lit := range literalArgs(a) {
					if delegates(lit, is) {
						return true
					}
				}
			}
		}
	}
	return false
}

// literalFunc returns the function literal v is, or makes a closure of.
func literalFunc(v ssa.Value) (*ssa.Function, bool) {
	switch v := v.(type) {
	case *ssa.MakeClosure:
		fn, ok := v.Fn.(*ssa.Function)
		return fn, ok
	case *ssa.Function:
		return v, v.Parent() != nil
	}
	return nil, false
}

// implType is the named type whose method im is, or nil.
func implType(im impl) *types.TypeName {
	var obj *types.Func
	switch {
	case im.fn != nil:
		obj = funcObject(im.fn)
	case im.obj != nil:
		obj = im.obj
	}
	if obj == nil {
		return nil
	}
	if n := recvNamed(obj); n != nil {
		return n.Origin().Obj()
	}
	return nil
}

// verbKey names im's method for VerbParam.Func; "" when its chains come
// from elsewhere.
func (im impl) verbKey() string {
	switch {
	case im.reached != nil:
		return ""
	case im.fn != nil:
		return verbKey(im.fn)
	case im.obj != nil:
		return im.obj.Origin().FullName()
	}
	return ""
}

func (e *engine) implReach(im impl) (q, r *Chain) {
	if tn := implType(im); tn != nil && len(im.ctors) > 0 && e.ctorCtx[tn] == nil {
		// Resolving the calls this implementation makes on its own fields,
		// which its constructor set: the values these calls gave it, not
		// what every call of the constructor in the package gave.
		e.ctorCtx[tn] = im.ctors
		defer delete(e.ctorCtx, tn)
	}
	switch {
	case im.reached != nil:
		return im.reached[0], im.reached[1]
	case im.fn != nil:
		return e.reachFunc(im.fn, true)
	case im.obj != nil:
		return e.reachObj(im.obj)
	case im.chains != nil:
		st := im.chains.Step
		return im.chains.Query.prepend(st), im.chains.Resource.prepend(st)
	}
	return nil, nil
}

// tracedImpls follows the receiver of an interface call to the concrete
// types stored in it in the package (see values.go); nil when any source
// is out of sight.
func (e *engine) tracedImpls(v ssa.Value, m *types.Func) []impl {
	t := e.newTracer()
	t.value(v)
	if t.unknown || len(t.concrete) == 0 {
		return nil
	}
	return e.concreteImpls(t, m)
}

// concreteImpls returns the implementations of m by the concrete types a
// tracer found (adapters of function values included); nil when one has
// no such method.
func (e *engine) concreteImpls(t *tracer, m *types.Func) []impl {
	var out []impl
	for _, typ := range t.concrete {
		sel := e.prog.MethodSets.MethodSet(typ).Lookup(m.Pkg(), m.Name())
		if sel == nil {
			return nil
		}
		fn := e.prog.MethodValue(sel)
		if fn == nil {
			return nil
		}
		im := impl{key: types.TypeString(typ, nil), fn: fn, ctors: t.ctors[typ]}
		if vals := t.adapted[typ]; vals != nil {
			im = e.adapterImpl(im, vals)
		}
		out = append(out, im)
	}
	return out
}

// adapterImpl is the implementation of a method of a function type (type
// loaderFunc func(ctx) ..., func (f loaderFunc) Load(ctx) { return f(ctx) })
// for the function values vals converted to it: what the method reaches
// itself, and, when it calls its receiver, what those functions reach.
func (e *engine) adapterImpl(im impl, vals []ssa.Value) impl {
	params, _, st, ok := e.calleeFact(im.fn)
	if !ok || !slices.ContainsFunc(params, func(p ParamCall) bool { return p.Index == 0 && !p.Elem && !p.PerValue }) {
		return im
	}
	var b best
	b.add(e.reachFunc(im.fn, true))
	st.Runs = true
	for _, v := range vals {
		fns, ok := e.funcTargets(v)
		if !ok {
			continue
		}
		for _, f := range fns {
			q, r := e.reachFunc(f, true)
			b.add(q.prepend(st), r.prepend(st))
		}
	}
	return impl{key: im.key, reached: &[2]*Chain{b.q, b.r}}
}

// visibleImpls returns every visible non-test implementation of method m
// of the named interface type t; nil when t is not a named interface of a
// package outside the standard library.
// promotedFromInterface reports whether the method sel selects is an
// interface's, promoted through an embedded field.
func promotedFromInterface(sel *types.Selection) bool {
	fn, ok := sel.Obj().(*types.Func)
	if !ok || len(sel.Index()) < 2 {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

func (e *engine) visibleImpls(t types.Type, m *types.Func) []impl {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || e.inStd(named.Obj().Pkg().Path()) {
		return nil
	}
	iface, ok := named.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	ix := e.implementations()
	key := implKey{named.Origin(), m.Name()}
	if v, ok := ix.memo[key]; ok {
		return v
	}
	var out []impl
	seen := map[string]bool{}
	for _, tn := range ix.candidates(m.Name()) {
		key := tn.Pkg().Path() + "." + tn.Name()
		if seen[key] {
			continue // both declares the method and embeds
		}
		recv := types.Type(tn.Type())
		if !types.Implements(recv, iface) {
			recv = types.NewPointer(recv)
			if !types.Implements(recv, iface) {
				continue
			}
		}
		seen[key] = true
		im := impl{key: key}
		sel := e.prog.MethodSets.MethodSet(recv).Lookup(m.Pkg(), m.Name())
		if sel == nil || promotedFromInterface(sel) {
			// A struct embedding an interface (type Service struct {
			// costsrc.Source }) forwards to whatever its field holds,
			// which is no implementation of its own.
			continue
		}
		fn := e.prog.MethodValue(sel)
		switch {
		case fn != nil && e.local(fn):
			im.fn = fn
		default:
			obj, _ := sel.Obj().(*types.Func)
			im.obj = obj
		}
		out = append(out, im)
	}
	ifaceKey := named.Obj().Pkg().Path() + "." + named.Obj().Name()
	for i := range ix.hid {
		h := &ix.hid[i]
		if seen[h.Type] || !h.implements(ifaceKey) {
			continue
		}
		seen[h.Type] = true
		mc := h.method(m.Name())
		if mc == nil {
			mc = &MethodChains{} // reaches nothing
		}
		out = append(out, impl{key: h.Type, chains: mc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	ix.memo[key] = out
	return out
}
