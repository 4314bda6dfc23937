package rerun

import (
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file is the facts stage: what other packages learn of this one.

// FuncFact is exported for every function or method of a package (exported
// or not: interface implementations and function values reach unexported
// ones) whose summary says something, so that calls to it from other
// packages are judged like calls to the catalogue. Its chains start after
// the function itself.
type FuncFact struct {
	Query    *Chain
	Resource *Chain
	// Params are the parameters (by index, the receiver first) the
	// function calls: a function value passed there is run by the call.
	Params []ParamCall
	// Trigger is true for a helper that returns a trigger's result
	// (func confirmed(ui *dash.UI) bool { return ui.Button("OK") }).
	Trigger bool
	// Resets are the constant State.Set calls the function makes on a
	// *dash.State it receives.
	Resets []ResetSpec
	// UI is true when the function draws UI.
	UI bool
	// Open are the interface calls on the function's path that its
	// package could not resolve (open.go).
	Open []OpenCall
	// ReturnQuery and ReturnResource are the chains of the function value
	// the function returns (an iter.Seq over a query, a loader made by a
	// factory), starting at that value: what its caller reaches by
	// calling, or ranging over, the result.
	ReturnQuery, ReturnResource *Chain
	// ReturnParams are the parameters the returned function value calls
	// (a decorator factory: func Timed(name string, f F) F).
	ReturnParams []ParamCall
	// ReturnOpen are the open calls of the returned function value (a
	// closure over an interface it was given: func Evaluator(repo
	// Repository) func(…) { return func(…) { repo.Flag(…) } }), left for
	// the caller, which may see implementations.
	ReturnOpen []OpenCall
	// PerValueQuery and PerValueResource are the chains the method
	// reaches once per value of its receiver (lifetimes.go); Fresh is
	// true for a function whose first result is a value it makes.
	PerValueQuery, PerValueResource *Chain
	Fresh                           bool
	// Presence is set for a function returning a presence test of a state
	// key (func Seen(st *dash.State, key string) bool { return
	// st.Has(key) }): a test of it guards like the test itself.
	Presence *PresenceSpec
}

// PresenceSpec is the key a presence helper tests, its argument KeyParam
// or the constant Key when KeyParam < 0, and the result that means absent
// (Absent: 1 when false means absent, 0 when true does).
type PresenceSpec struct {
	KeyParam int
	Key      string
	Absent   int
}

// ParamCall says that a function calls its parameter Index (or, when Elem
// is set, the functions in the slice it receives there), through the
// functions Via.
type ParamCall struct {
	Index int
	Elem  bool
	Via   []Step
	// PerValue: the function runs it once per value of its receiver, on
	// a miss of a memo kept there (lifetimes.go): every time on a value
	// made by the caller, once otherwise.
	PerValue bool
	// onFresh marks, at a call (paramsAt), a PerValue run that happens
	// because the receiver is made on that call; never in a fact.
	onFresh bool
}

// ResetSpec is a constant State.Set a function makes on a state it
// receives as parameter State. Key is the key's source text when it is
// fixed (KeyParam < 0); otherwise the key is the argument KeyParam of the
// call. The value is a constant unless ValueParam >= 0. Via lists the
// functions from the callee down to the one calling Set (empty when it is
// the function itself).
type ResetSpec struct {
	State      int
	Key        string
	KeyParam   int
	ValueParam int
	Via        []Step
}

// AFact implements analysis.Fact.
func (*FuncFact) AFact() {}

// ChanFact is attached to a package variable or struct field that holds
// a channel the package's goroutines receive work from: what a send on it
// reaches (channels.go), for a sender in another package.
type ChanFact struct {
	Query, Resource *Chain
}

// AFact implements analysis.Fact.
func (*ChanFact) AFact() {}

func (f *ChanFact) String() string {
	var parts []string
	if f.Query != nil {
		parts = append(parts, "query: "+f.Query.Format(nil))
	}
	if f.Resource != nil {
		parts = append(parts, "resource: "+f.Resource.Format(nil))
	}
	return "send reaches " + strings.Join(parts, "; ")
}

func (f *FuncFact) String() string {
	var parts []string
	if f.Query != nil {
		parts = append(parts, "query: "+f.Query.Format(nil))
	}
	if f.Resource != nil {
		parts = append(parts, "resource: "+f.Resource.Format(nil))
	}
	if f.ReturnQuery != nil {
		parts = append(parts, "returns a query: "+f.ReturnQuery.Format(nil))
	}
	if f.ReturnResource != nil {
		parts = append(parts, "returns a resource: "+f.ReturnResource.Format(nil))
	}
	for _, p := range f.Params {
		parts = append(parts, fmt.Sprintf("calls param %d", p.Index))
	}
	if f.Trigger {
		parts = append(parts, "trigger")
	}
	for _, r := range f.Resets {
		key := r.Key
		if r.KeyParam >= 0 {
			key = fmt.Sprintf("param %d", r.KeyParam)
		}
		parts = append(parts, "resets "+key)
	}
	for _, oc := range f.Open {
		parts = append(parts, "open "+oc.Iface+"."+oc.Method)
	}
	for _, oc := range f.ReturnOpen {
		parts = append(parts, "returns open "+oc.Iface+"."+oc.Method)
	}
	return "reaches(" + strings.Join(parts, "; ") + ")"
}

func (f *FuncFact) empty() bool {
	return f.Query == nil && f.Resource == nil && len(f.Params) == 0 && !f.Trigger && len(f.Resets) == 0 && len(f.Open) == 0 &&
		f.ReturnQuery == nil && f.ReturnResource == nil && len(f.ReturnParams) == 0 && len(f.ReturnOpen) == 0 && f.Presence == nil && f.PerValueQuery == nil && f.PerValueResource == nil && !f.Fresh
}

// PackageFact marks a package that exports at least one FuncFact, so that
// a package importing none of them and no catalogued package can be
// skipped at once. Hidden lists the package's unexported implementations
// of interfaces, which importers may not find in export data.
type PackageFact struct {
	Hidden []HiddenImpl
}

// HiddenImpl is an unexported type implementing named interfaces.
type HiddenImpl struct {
	Type       string   // "pkg/path.name"
	Interfaces []string // "pkg/path.Iface"
	Methods    []MethodChains
}

// MethodChains are the chains of one method of a HiddenImpl; Query and
// Resource start after the method, named by Step.
type MethodChains struct {
	Name            string
	Step            Step
	Query, Resource *Chain
	// Wraps is true for a decorator's method: it calls the same method of
	// one of the interfaces again (on the value it wraps), so it reaches
	// what the wrapped implementation reaches.
	Wraps bool
}

func (h *HiddenImpl) implements(iface string) bool { return slices.Contains(h.Interfaces, iface) }

func (h *HiddenImpl) method(name string) *MethodChains {
	for i := range h.Methods {
		if h.Methods[i].Name == name {
			return &h.Methods[i]
		}
	}
	return nil
}

// AFact implements analysis.Fact.
func (*PackageFact) AFact() {}

func (f *PackageFact) String() string {
	return fmt.Sprintf("reachesSinks(%d hidden implementations)", len(f.Hidden))
}

// exportFacts exports a FuncFact for every function and method of the
// package whose summary says something, and the PackageFact.
func (e *engine) exportFacts() {
	exported := false
	for _, fn := range e.funcs {
		obj := funcObject(fn)
		if obj == nil || fn.Parent() != nil || obj.Pkg() != e.pkg {
			continue
		}
		f := e.fact(fn)
		if f.empty() {
			continue
		}
		e.pass.ExportObjectFact(obj, f)
		exported = true
	}
	homes, chans := e.chanFacts()
	for i, home := range homes {
		e.pass.ExportObjectFact(home, chans[i])
		exported = true
	}
	hidden := e.hiddenImpls()
	// Hidden implementations alone matter only when one of them reaches
	// something or passes a call on (a decorator): otherwise importers
	// would be analysed for nothing.
	reaches := slices.ContainsFunc(hidden, func(h HiddenImpl) bool {
		return slices.ContainsFunc(h.Methods, func(m MethodChains) bool { return m.Query != nil || m.Resource != nil || m.Wraps })
	})
	// The user's own packages always say they were analysed: a function
	// of theirs without a fact then runs none of the functions it is
	// handed on the rerun path (a component that runs its callback behind
	// its own Button), where one of a package out of sight might run any.
	// Their importers are the user's packages, analysed anyway.
	if exported || reaches || e.userCode() {
		e.pass.ExportPackageFact(&PackageFact{Hidden: hidden})
	}
}

// userCode reports whether the package is the user's own code: not in the
// standard library, nor in a module required at a version.
func (e *engine) userCode() bool {
	return !isStd(e.pass) && !e.dependencyModule()
}

// fact is the summary of fn as a fact. Functions that take the UI are
// entries and are never followed, but their trigger result is.
func (e *engine) fact(fn *ssa.Function) *FuncFact {
	f := &FuncFact{Trigger: e.returnsTrigger(fn)}
	s := e.summarise(fn)
	// A page's open calls: the package that registers it may see the
	// implementations (open.go).
	f.Open = s.open
	// The function values it calls are the caller's: a UI component of
	// another package (components.Table(ui, "Orders", loadOrders)) runs
	// loadOrders on every rerun of the page that calls it.
	f.Params = s.params
	if HasUIParam(fn.Signature) {
		return f
	}
	f.Query, f.Resource, f.Resets, f.UI = s.query, s.resource, s.resets, s.ui
	f.ReturnQuery, f.ReturnResource, f.ReturnOpen = e.returnedReach(fn)
	f.ReturnParams = e.returnedParams(fn)
	f.Presence = e.presenceSpec(fn)
	f.PerValueQuery, f.PerValueResource = s.perValueQ, s.perValueR
	// Constructors matter to importers only in a package with methods
	// that work once per value.
	f.Fresh = e.hasPerValue() && e.returnsFresh(fn)
	if f.Query != nil && f.Query.Kind == KindFile && e.dependencyModule() {
		// A library's file reads are its own business: pgx reads the
		// certificates a DSN names while parsing it, and reporting
		// pgxpool.ParseConfig as "file is read on every rerun" next to the
		// pool made from it explains nothing.
		f.Query = nil
	}
	return f
}

// dependencyModule reports whether the package belongs to a module
// required at a version: a library, not the user's code (the main module,
// a workspace module, a local replacement have none).
func (e *engine) dependencyModule() bool {
	m := e.pass.Module
	return m != nil && m.Version != ""
}

// hiddenImpls lists the unexported named types of the package that
// implement a named interface declared here or in a direct import outside
// the standard library, with the chains of their methods.
func (e *engine) hiddenImpls() []HiddenImpl {
	var ifaces []*types.TypeName
	collect := func(p *types.Package) {
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || !tn.Exported() {
				continue
			}
			if it, ok := tn.Type().Underlying().(*types.Interface); ok && it.NumMethods() > 0 {
				ifaces = append(ifaces, tn)
			}
		}
	}
	collect(e.pkg)
	for _, imp := range e.pkg.Imports() {
		if !e.inStd(imp.Path()) && !IsDashPackage(imp) {
			collect(imp)
		}
	}
	if len(ifaces) == 0 {
		return nil
	}
	var out []HiddenImpl
	for _, name := range e.pkg.Scope().Names() {
		tn, ok := e.pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || tn.Exported() || tn.IsAlias() || types.IsInterface(tn.Type()) {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			continue
		}
		ptr := types.NewPointer(tn.Type())
		h := HiddenImpl{Type: e.pkg.Path() + "." + tn.Name()}
		methods := map[string]bool{}
		for _, it := range ifaces {
			iface := it.Type().Underlying().(*types.Interface)
			if !types.Implements(ptr, iface) {
				continue
			}
			h.Interfaces = append(h.Interfaces, it.Pkg().Path()+"."+it.Name())
			for m := range iface.Methods() {
				methods[m.Name()] = true
			}
		}
		if len(h.Interfaces) == 0 {
			continue
		}
		mset := e.prog.MethodSets.MethodSet(ptr)
		for _, name := range slices.Sorted(maps.Keys(methods)) {
			sel := lookupMethod(mset, name)
			if sel == nil {
				continue
			}
			fn := e.prog.MethodValue(sel)
			if fn == nil {
				continue
			}
			q, r := e.reachFunc(fn, true)
			wraps := delegates(fn, func(x *types.Func) bool {
				n := ifaceOf(x)
				return x.Name() == name && n != nil && h.implements(typeKey(n))
			})
			if q == nil && r == nil && !wraps {
				continue // a method missing from the list reaches nothing
			}
			mc := MethodChains{Name: name, Wraps: wraps}
			// The chains start at the method: its step is kept apart so
			// that the importer prepends it like any callee's.
			if q != nil && len(q.Steps) > 1 {
				mc.Step, mc.Query = q.Steps[0], &Chain{Steps: q.Steps[1:], Kind: q.Kind}
			}
			if r != nil && len(r.Steps) > 1 {
				mc.Step, mc.Resource = r.Steps[0], &Chain{Steps: r.Steps[1:], Kind: r.Kind}
			}
			h.Methods = append(h.Methods, mc)
		}
		out = append(out, h)
	}
	return out
}

func lookupMethod(mset *types.MethodSet, name string) *types.Selection {
	for sel := range mset.Methods() {
		if sel.Obj().Name() == name {
			return sel
		}
	}
	return nil
}

// returnedReach returns the chains of the function value fn returns as
// its first func-typed result, when every value returned there can be
// traced.
func (e *engine) returnedReach(fn *ssa.Function) (q, r *Chain, open []OpenCall) {
	res := fn.Signature.Results()
	idx := -1
	for i := range res.Len() {
		if _, ok := res.At(i).Type().Underlying().(*types.Signature); ok {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil, nil, nil
	}
	var b best
	for _, blk := range fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok || idx >= len(ret.Results) {
			continue
		}
		fns, ok := e.funcTargets(ret.Results[idx])
		if !ok {
			continue
		}
		for _, f := range fns {
			b.add(e.reachFunc(f, true))
			if e.local(f) {
				open = addOpen(open, e.stepOfFunc(f, false), e.summarise(f).open)
			}
		}
	}
	return b.q, b.r, open
}

// returnedParams returns the parameters of fn that the function literal
// it returns calls: those it captured and calls, directly or by handing
// them to a callee that runs them.
func (e *engine) returnedParams(fn *ssa.Function) []ParamCall {
	var out []ParamCall
	for _, blk := range fn.Blocks {
		ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for _, res := range ret.Results {
			if ct, ok := res.(*ssa.ChangeType); ok {
				res = ct.X // a literal returned as a named func type
			}
			mc, ok := res.(*ssa.MakeClosure)
			if !ok {
				continue
			}
			lit := mc.Fn.(*ssa.Function)
			for i, fv := range lit.FreeVars {
				// A captured variable is shared: bound as the local the
				// parameter was spilled to.
				bound := mc.Bindings[i]
				if a, ok := bound.(*ssa.Alloc); ok {
					if p := spilledParam(a); p != nil {
						bound = p
					}
				}
				pi, elem := paramOf(fn, bound)
				if pi < 0 || elem {
					continue
				}
				for _, via := range e.freeVarRuns(lit, fv) {
					if !slices.ContainsFunc(out, func(p ParamCall) bool { return p.Index == pi }) {
						out = append(out, ParamCall{Index: pi, Via: via})
					}
				}
			}
		}
	}
	return out
}

// freeVarRuns returns how lit runs its free variable fv: nil steps for a
// direct call, the runner's steps for a callee that runs it; nothing when
// it does not.
func (e *engine) freeVarRuns(lit *ssa.Function, fv *ssa.FreeVar) [][]Step {
	var out [][]Step
	for _, b := range lit.Blocks {
		for _, instr := range b.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			c := ci.Common()
			if !c.IsInvoke() && isFreeVar(c.Value, fv) {
				out = append(out, []Step{})
				continue
			}
			callee := c.StaticCallee()
			if callee == nil {
				continue
			}
			params, _, st, ok := e.calleeFact(callee)
			if !ok {
				continue
			}
			for _, p := range e.paramsAt(c, params, nil) {
				if p.Index < len(c.Args) && isFreeVar(c.Args[p.Index], fv) && !p.Elem {
					st.Runs = true
					out = append(out, append([]Step{st}, p.Via...))
				}
			}
		}
	}
	return out
}

// isFreeVar reports whether v is fv or the value loaded from it.
func isFreeVar(v ssa.Value, fv *ssa.FreeVar) bool {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		v = u.X
	}
	return v == fv
}
