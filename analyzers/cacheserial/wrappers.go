package cacheserial

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/rerun"
)

// Generic wrappers: a helper such as
//
//	func cached[V any](fn func(context.Context, string) (V, error)) *dash.DataCache[string, V] {
//		return dash.CacheData(fn, dash.TTL(time.Minute))
//	}
//
// hands its type parameter V to dash.CacheData, which the runtime checks
// when cached(openCursor) runs with V = *sql.Rows. The value type is known
// only where the wrapper is instantiated, so the wrapper is marked (a fact
// for other packages) and judged at each call.

// wrapperFact marks a generic function that hands dash.CacheData, as the
// value type, directly or through another wrapper, its type parameters
// Params (by index), or the types at Paths in its signature (typepaths.go).
type wrapperFact struct {
	Params []int
	Paths  []typePath
}

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	if len(f.Paths) == 0 {
		return fmt.Sprintf("cacheDataWrapper(type params %v)", f.Params)
	}
	return fmt.Sprintf("cacheDataWrapper(type params %v, value types at %v)", f.Params, f.Paths)
}

// add records a type parameter or a path, and reports whether it is new.
func (f *wrapperFact) add(param int, path typePath) bool {
	if path == nil {
		if slices.Contains(f.Params, param) {
			return false
		}
		f.Params = append(f.Params, param)
		return true
	}
	if slices.ContainsFunc(f.Paths, func(p typePath) bool { return p.String() == path.String() }) {
		return false
	}
	f.Paths = append(f.Paths, path)
	return true
}

// wrappersFact marks a package that declares wrappers: its importers are
// worth analysing even when they do not import dash themselves.
type wrappersFact struct{}

func (*wrappersFact) AFact() {}

func (*wrappersFact) String() string { return "declaresCacheDataWrappers" }

// importsWrappers reports whether a direct import of the package declares
// wrappers.
func importsWrappers(pass *analysis.Pass) bool {
	for _, imp := range pass.Pkg.Imports() {
		if pass.ImportPackageFact(imp, new(wrappersFact)) {
			return true
		}
	}
	return false
}

// valueTypes returns the types that a call of fn, instantiated as inst,
// makes data caches of: V of dash.CacheData, or what a wrapper hands on.
func valueTypes(pass *analysis.Pass, local map[*types.Func]*wrapperFact, fn *types.Func, inst types.Instance) []types.Type {
	f := &wrapperFact{}
	switch {
	case rerun.DashFunc(fn, "", "CacheData"):
		f.Params = []int{1}
	case local[fn] != nil:
		f = local[fn]
	case fn.Pkg() != pass.Pkg && pass.ImportObjectFact(fn.Origin(), f):
	default:
		return nil
	}
	var out []types.Type
	for _, i := range f.Params {
		if i < inst.TypeArgs.Len() {
			out = append(out, inst.TypeArgs.At(i))
		}
	}
	if sig, ok := inst.Type.(*types.Signature); ok {
		for _, p := range f.Paths {
			if t := follow(sig, p); t != nil {
				out = append(out, t)
			}
		}
	}
	return out
}

// findWrappers returns the generic functions of the package that hand a
// type parameter, or a type built from them, to dash.CacheData, and
// exports their facts.
func findWrappers(pass *analysis.Pass) map[*types.Func]*wrapperFact {
	type generic struct {
		fn    *types.Func
		calls []*ast.CallExpr
	}
	var gens []generic
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Type.TypeParams == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			g := generic{fn: fn}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					g.calls = append(g.calls, c)
				}
				return true
			})
			gens = append(gens, g)
		}
	}
	local := map[*types.Func]*wrapperFact{}
	// A wrapper of a wrapper is found once the inner one is: repeat until
	// nothing changes (each round adds an index or a path, of which a
	// signature has finitely many, so this ends).
	for changed := true; changed; {
		changed = false
		for _, g := range gens {
			sig := g.fn.Type().(*types.Signature)
			tparams := sig.TypeParams()
			for _, c := range g.calls {
				callee, inst := instance(pass, c)
				if callee == nil {
					continue
				}
				for _, v := range valueTypes(pass, local, callee, inst) {
					if !hasTypeParam(v) {
						continue // fixed here: judged at this call
					}
					param, path := -1, typePath(nil)
					if tp, ok := v.(*types.TypeParam); ok && tp.Index() < tparams.Len() && tparams.At(tp.Index()) == tp {
						param = tp.Index()
					} else if path, ok = findPath(sig, v); !ok {
						continue // built inside the wrapper: out of reach
					}
					if local[g.fn] == nil {
						local[g.fn] = &wrapperFact{}
					}
					if local[g.fn].add(param, path) {
						changed = true
					}
				}
			}
		}
	}
	for fn, f := range local {
		slices.Sort(f.Params)
		pass.ExportObjectFact(fn, f)
	}
	if len(local) > 0 {
		pass.ExportPackageFact(&wrappersFact{})
	}
	return local
}

// instance returns the generic function a call calls and its
// instantiation, or nil.
func instance(pass *analysis.Pass, call *ast.CallExpr) (*types.Func, types.Instance) {
	id := funcIdent(call.Fun)
	if id == nil {
		return nil, types.Instance{}
	}
	fn, ok := pass.TypesInfo.Uses[id].(*types.Func)
	if !ok {
		return nil, types.Instance{}
	}
	inst, ok := pass.TypesInfo.Instances[id]
	if !ok {
		return nil, types.Instance{}
	}
	return fn, inst
}

// checkWrapperCall reports a call of a wrapper (not dash.CacheData itself)
// that makes a data cache of a value type the runtime cannot copy.
func checkWrapperCall(pass *analysis.Pass, local map[*types.Func]*wrapperFact, call *ast.CallExpr) *analysis.Diagnostic {
	fn, inst := instance(pass, call)
	if fn == nil || rerun.DashFunc(fn, "", "CacheData") {
		return nil
	}
	for _, v := range valueTypes(pass, local, fn, inst) {
		if hasTypeParam(v) {
			continue // a wrapper of a wrapper: judged where it is instantiated
		}
		name := fn.Name()
		if fn.Pkg() != pass.Pkg {
			name = fn.Pkg().Name() + "." + name
		}
		if d, _ := diagnose(pass, call, v, "dash.CacheData (through "+name+")"); d != nil {
			return d
		}
	}
	return nil
}

// hasTypeParam reports whether t mentions a type parameter.
func hasTypeParam(t types.Type) bool {
	found := false
	var walk func(types.Type)
	seen := map[types.Type]bool{}
	walk = func(t types.Type) {
		if found || seen[t] {
			return
		}
		seen[t] = true
		switch t := types.Unalias(t).(type) {
		case *types.TypeParam:
			found = true
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Named:
			for a := range t.TypeArgs().Types() {
				walk(a)
			}
		case *types.Struct:
			for f := range t.Fields() {
				walk(f.Type())
			}
		}
	}
	walk(t)
	return found
}
