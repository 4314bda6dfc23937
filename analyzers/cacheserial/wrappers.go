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

// wrapperFact marks a generic function that hands its type parameters
// Params (by index) to dash.CacheData as the value type, directly or
// through another wrapper.
type wrapperFact struct{ Params []int }

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	return fmt.Sprintf("cacheDataWrapper(type params %v)", f.Params)
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

// valueParams returns the type parameters of fn (by index) that become a
// data cache's value type: V of dash.CacheData, or what a wrapper hands
// on.
func valueParams(pass *analysis.Pass, local map[*types.Func][]int, fn *types.Func) []int {
	if rerun.DashFunc(fn, "", "CacheData") {
		return []int{1}
	}
	if ps, ok := local[fn]; ok {
		return ps
	}
	var f wrapperFact
	if fn.Pkg() != pass.Pkg && pass.ImportObjectFact(fn.Origin(), &f) {
		return f.Params
	}
	return nil
}

// findWrappers returns the generic functions of the package that hand a
// type parameter to dash.CacheData, and exports their facts.
func findWrappers(pass *analysis.Pass) map[*types.Func][]int {
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
	local := map[*types.Func][]int{}
	// A wrapper of a wrapper is found once the inner one is: repeat until
	// nothing changes (each round adds an index, so this ends).
	for changed := true; changed; {
		changed = false
		for _, g := range gens {
			tparams := g.fn.Type().(*types.Signature).TypeParams()
			for _, c := range g.calls {
				callee, inst := instance(pass, c)
				if callee == nil {
					continue
				}
				for _, i := range valueParams(pass, local, callee) {
					if i >= inst.TypeArgs.Len() {
						continue
					}
					tp, ok := inst.TypeArgs.At(i).(*types.TypeParam)
					if !ok || tp.Index() >= tparams.Len() || tparams.At(tp.Index()) != tp {
						continue
					}
					if !slices.Contains(local[g.fn], tp.Index()) {
						local[g.fn] = append(local[g.fn], tp.Index())
						changed = true
					}
				}
			}
		}
	}
	for fn, ps := range local {
		slices.Sort(ps)
		pass.ExportObjectFact(fn, &wrapperFact{Params: ps})
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
func checkWrapperCall(pass *analysis.Pass, local map[*types.Func][]int, call *ast.CallExpr) *analysis.Diagnostic {
	fn, inst := instance(pass, call)
	if fn == nil || rerun.DashFunc(fn, "", "CacheData") {
		return nil
	}
	for _, i := range valueParams(pass, local, fn) {
		if i >= inst.TypeArgs.Len() {
			continue
		}
		v := inst.TypeArgs.At(i)
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
