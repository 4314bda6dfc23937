package rerun

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file is the callee-resolution stage for function values: which
// functions a func-typed SSA value may hold. It follows the value back
// through the package's own code (phis, conversions, closures, locals and
// captured variables, package-level variables, struct fields, map and
// slice elements, results of local functions, parameters of local
// functions through their call sites) and gives up, reporting the set as
// unknown, as soon as one source is out of sight. The engine stays silent
// on unknown sets.

// maxTrace bounds the values one question may visit: generated code with
// huge tables must not make the engine quadratic.
const maxTrace = 512

// storeIndex records, once per package, where values are stored: into
// package-level variables, struct fields (by struct type and index), and
// containers (by their root: the literal, variable or field that holds
// them), and the static call sites of each local function.
type storeIndex struct {
	globals map[*ssa.Global][]ssa.Value
	fields  map[fieldKey][]ssa.Value
	elems   map[any][]ssa.Value // root (see roots) → element values stored
	calls   map[*ssa.Function][]*ssa.CallCommon
}

type fieldKey struct {
	st *types.Struct
	i  int
}

func (e *engine) index() *storeIndex {
	if e.stores != nil {
		return e.stores
	}
	ix := &storeIndex{
		globals: map[*ssa.Global][]ssa.Value{},
		fields:  map[fieldKey][]ssa.Value{},
		elems:   map[any][]ssa.Value{},
		calls:   map[*ssa.Function][]*ssa.CallCommon{},
	}
	e.stores = ix
	for _, fn := range e.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Store:
					switch a := in.Addr.(type) {
					case *ssa.Global:
						ix.globals[a] = append(ix.globals[a], in.Val)
					case *ssa.FieldAddr:
						if st := StructOf(a.X.Type()); st != nil {
							k := fieldKey{st, a.Field}
							ix.fields[k] = append(ix.fields[k], in.Val)
						}
					case *ssa.IndexAddr:
						for _, r := range e.roots(a.X) {
							ix.elems[r] = append(ix.elems[r], in.Val)
						}
					}
				case *ssa.MapUpdate:
					for _, r := range e.roots(in.Map) {
						ix.elems[r] = append(ix.elems[r], in.Value)
					}
				case ssa.CallInstruction:
					if callee := in.Common().StaticCallee(); callee != nil {
						callee = origin(callee)
						ix.calls[callee] = append(ix.calls[callee], in.Common())
					}
				}
			}
		}
	}
	return ix
}

// StructOf returns the struct type of t or of what t points to.
func StructOf(t types.Type) *types.Struct {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, _ := t.Underlying().(*types.Struct)
	return st
}

// roots returns what identifies a container value across the package: the
// literal that made it (MakeMap, MakeSlice, the Alloc behind a slice), the
// package-level variable or struct field it was loaded from. nil means
// the container comes from out of sight.
func (e *engine) roots(v ssa.Value) []any {
	var out []any
	seen := map[ssa.Value]bool{}
	var walk func(v ssa.Value) bool
	walk = func(v ssa.Value) bool {
		if seen[v] {
			return true
		}
		seen[v] = true
		if len(seen) > maxTrace {
			return false
		}
		switch v := v.(type) {
		case *ssa.MakeMap, *ssa.MakeSlice, *ssa.Alloc, *ssa.Global:
			out = append(out, v)
		case *ssa.Slice:
			return walk(v.X)
		case *ssa.UnOp:
			if v.Op != token.MUL {
				return false
			}
			switch a := v.X.(type) {
			case *ssa.Global, *ssa.Alloc:
				out = append(out, a)
			case *ssa.FieldAddr:
				st := StructOf(a.X.Type())
				if st == nil {
					return false
				}
				out = append(out, fieldKey{st, a.Field})
			default:
				return false
			}
		case *ssa.Field:
			st := StructOf(v.X.Type())
			if st == nil {
				return false
			}
			out = append(out, fieldKey{st, v.Field})
		case *ssa.Phi:
			for _, x := range v.Edges {
				if !walk(x) {
					return false
				}
			}
		case *ssa.ChangeType:
			return walk(v.X)
		default:
			return false
		}
		return true
	}
	if !walk(v) {
		return nil
	}
	return out
}

// tracer answers one question "which functions may v hold".
type tracer struct {
	e       *engine
	seen    map[ssa.Value]bool
	seenKey map[any]bool
	fns     []*ssa.Function
	// concrete collects, for an interface value, the dynamic types
	// converted into it.
	concrete []types.Type
	// adapted holds, per named function type with methods converted into
	// the interface (an http.HandlerFunc-style adapter), the function
	// values converted: what its methods run when they call the receiver.
	adapted map[types.Type][]ssa.Value
	// chans collects, for a channel value, the make calls it may come
	// from.
	chans []*ssa.MakeChan
	// ctors holds, per concrete type, the calls whose results were
	// converted into the interface (logging.New(store, log)): which
	// values their constructor was given (open.go, constructorArgs).
	ctors   map[types.Type][]*ssa.CallCommon
	unknown bool
}

func (e *engine) newTracer() *tracer {
	return &tracer{e: e, seen: map[ssa.Value]bool{}, seenKey: map[any]bool{}}
}

// funcTargets returns the functions a func-typed value may hold, and
// whether that set is complete.
func (e *engine) funcTargets(v ssa.Value) ([]*ssa.Function, bool) {
	t := e.newTracer()
	t.value(v)
	if t.unknown || len(t.fns) == 0 {
		return nil, false
	}
	return t.fns, true
}

func (t *tracer) add(fn *ssa.Function) {
	for _, f := range t.fns {
		if f == fn {
			return
		}
	}
	t.fns = append(t.fns, fn)
}

func (t *tracer) value(v ssa.Value) {
	if t.unknown || v == nil || t.seen[v] {
		return
	}
	t.seen[v] = true
	if len(t.seen) > maxTrace {
		t.unknown = true
		return
	}
	switch v := v.(type) {
	case *ssa.Function:
		t.add(v)
	case *ssa.MakeClosure:
		t.add(v.Fn.(*ssa.Function))
	case *ssa.MakeChan:
		t.chans = append(t.chans, v)
	case *ssa.Const:
		// nil: calling it panics; it adds no target.
	case *ssa.Phi:
		for _, x := range v.Edges {
			t.value(x)
		}
	case *ssa.ChangeType:
		t.value(v.X)
	case *ssa.MakeInterface:
		if n, ok := types.Unalias(v.X.Type()).(*types.Named); ok && n.NumMethods() > 0 {
			if _, isFunc := n.Underlying().(*types.Signature); isFunc {
				if t.adapted == nil {
					t.adapted = map[types.Type][]ssa.Value{}
				}
				if t.adapted[n] == nil {
					t.concrete = append(t.concrete, n)
				}
				t.adapted[n] = append(t.adapted[n], v.X)
				return
			}
		}
		if _, isFunc := v.X.Type().Underlying().(*types.Signature); isFunc || types.IsInterface(v.X.Type()) {
			t.value(v.X)
			return
		}
		t.concrete = append(t.concrete, v.X.Type())
		if call, ok := v.X.(*ssa.Call); ok {
			if t.ctors == nil {
				t.ctors = map[types.Type][]*ssa.CallCommon{}
			}
			t.ctors[v.X.Type()] = append(t.ctors[v.X.Type()], &call.Call)
		}
	case *ssa.ChangeInterface:
		t.value(v.X)
	case *ssa.TypeAssert:
		t.value(v.X)
	case *ssa.Extract:
		switch tu := v.Tuple.(type) {
		case *ssa.Lookup:
			if v.Index == 0 {
				t.value(tu)
			}
		case *ssa.TypeAssert:
			if v.Index == 0 {
				t.value(tu.X)
			}
		case *ssa.Call:
			t.results(tu, v.Index)
		default:
			t.unknown = true
		}
	case *ssa.UnOp:
		if v.Op != token.MUL {
			t.unknown = true
			return
		}
		t.addr(v.X)
	case *ssa.Field:
		t.field(v.X.Type(), v.Field)
	case *ssa.Lookup:
		t.container(v.X)
	case *ssa.Index:
		t.container(v.X)
	case *ssa.Call:
		t.results(v, 0)
	case *ssa.Parameter:
		t.param(v)
	case *ssa.FreeVar:
		t.freeVar(v, t.value)
	default:
		t.unknown = true
	}
}

// addr follows a load from address a to the values stored there.
func (t *tracer) addr(a ssa.Value) {
	if t.unknown {
		return
	}
	ix := t.e.index()
	switch a := a.(type) {
	case *ssa.Global:
		if a.Pkg != t.e.ssa {
			t.unknown = true // stored to in another package, out of sight
			return
		}
		for _, v := range ix.globals[a] {
			t.value(v)
		}
	case *ssa.Alloc:
		if t.seen[a] {
			return
		}
		t.seen[a] = true
		for _, r := range *a.Referrers() {
			switch r := r.(type) {
			case *ssa.Store:
				if r.Addr == a {
					t.value(r.Val)
				}
			case *ssa.MakeClosure:
				// A captured variable may be assigned inside the closure.
				for i, b := range r.Bindings {
					if b != a {
						continue
					}
					fv := r.Fn.(*ssa.Function).FreeVars[i]
					for _, rr := range *fv.Referrers() {
						if st, ok := rr.(*ssa.Store); ok && st.Addr == fv {
							t.value(st.Val)
						}
					}
				}
			}
		}
	case *ssa.FieldAddr:
		t.field(a.X.Type(), a.Field)
	case *ssa.IndexAddr:
		t.container(a.X)
	case *ssa.FreeVar:
		t.freeVar(a, t.addr)
	default:
		t.unknown = true
	}
}

// field follows a struct field to every value the package stores in it.
// A field of a struct declared elsewhere may also be set out of sight;
// the stores made here are what flows in this package, so they are used
// when there are any (config.Loader{Fetch: fetchHTTP}).
func (t *tracer) field(typ types.Type, i int) {
	st := StructOf(typ)
	if st == nil {
		t.unknown = true
		return
	}
	k := fieldKey{st, i}
	if t.seenKey[k] {
		return
	}
	t.seenKey[k] = true
	vals := t.e.index().fields[k]
	if len(vals) == 0 {
		t.unknown = true
		return
	}
	for _, v := range vals {
		t.value(v)
	}
}

// container follows a map, slice or array to the elements stored in it.
func (t *tracer) container(c ssa.Value) {
	roots := t.e.roots(c)
	if roots == nil {
		t.unknown = true
		return
	}
	ix := t.e.index()
	for _, r := range roots {
		if t.seenKey[r] {
			continue
		}
		t.seenKey[r] = true
		// A variable or field holding the container: also the elements
		// of the literals stored into it.
		switch r := r.(type) {
		case *ssa.Global:
			if r.Pkg != t.e.ssa {
				t.unknown = true
				return
			}
			for _, v := range ix.globals[r] {
				t.container(v)
			}
		case fieldKey:
			for _, v := range ix.fields[r] {
				t.container(v)
			}
		}
		for _, v := range ix.elems[r] {
			t.value(v)
		}
	}
}

// results follows the i-th result of a call to a local function to the
// values its returns yield.
func (t *tracer) results(call *ssa.Call, i int) {
	callee := call.Call.StaticCallee()
	if callee == nil || !t.e.local(callee) {
		t.unknown = true
		return
	}
	for _, b := range origin(callee).Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) {
			t.value(ret.Results[i])
		}
	}
}

// param follows a parameter of a named local function to the arguments
// of its static call sites in the package.
func (t *tracer) param(p *ssa.Parameter) {
	fn := p.Parent()
	if fn.Parent() != nil || fn.Synthetic != "" {
		t.unknown = true
		return
	}
	idx := -1
	for i, q := range fn.Params {
		if q == p {
			idx = i
		}
	}
	sites := t.e.index().calls[fn]
	if idx < 0 || len(sites) == 0 {
		t.unknown = true
		return
	}
	for _, c := range sites {
		if idx < len(c.Args) {
			t.value(c.Args[idx])
		}
	}
}

// freeVar follows a captured variable to what the closures' creators bound
// to it, handing each binding to next (value or addr).
func (t *tracer) freeVar(fv *ssa.FreeVar, next func(ssa.Value)) {
	fn := fv.Parent()
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	parent := fn.Parent()
	if idx < 0 || parent == nil {
		t.unknown = true
		return
	}
	found := false
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn {
				found = true
				next(mc.Bindings[idx])
			}
		}
	}
	if !found {
		t.unknown = true
	}
}
