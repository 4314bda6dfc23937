package rerun

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// engine holds the state of one pass. Everything in it is per pass: the
// analyzers run passes in parallel (golangci-lint) and share nothing.
type engine struct {
	pass *analysis.Pass
	pkg  *types.Package
	prog *ssa.Program
	ssa  *ssa.Package
	// funcs are the package's source functions and the literals in them,
	// in source order (parents before their literals).
	funcs []*ssa.Function

	summaries  map[*ssa.Function]*summary
	guards     map[*ssa.Function]*guardSet
	refresh    map[*ssa.Function]map[edge]ssa.Value  // memo of refreshEdges
	inPresence map[*ssa.Function]bool                // helpers being read by helperPresence
	ctorCtx    map[*types.TypeName][]*ssa.CallCommon // constructor calls of the implementation being resolved (implReach)
	triggers   map[ssa.Value]bool                    // memo of isTrigger; false while in progress
	stores     *storeIndex                           // built on first need
	impls      *implIndex                            // built on first need
	exprs      map[token.Pos]ast.Node
	names      map[*ast.FuncLit]litName
	visible    map[string]*types.Package // this package and all it imports, by path; built on first need
	recvs      map[any][]recvSite        // receives by their channel's keys (chanKeys); built on first need
	draining   map[*ssa.Function]bool    // receivers being followed from a send
	freshFuncs map[*ssa.Function]bool    // memo of returnsFresh
	perValue   *bool                     // memo of hasPerValue
}

// newEngine builds the SSA form of the package, the way
// golang.org/x/tools/go/analysis/passes/buildssa does, but only for the
// packages that passed the relevance test: requiring buildssa would build
// SSA for every package of a run, std included (see docs/performance.md).
func newEngine(pass *analysis.Pass) *engine {
	pkg := BuildSSA(pass, 0)
	prog := pkg.Prog
	e := &engine{
		pass:       pass,
		pkg:        pass.Pkg,
		prog:       prog,
		ssa:        pkg,
		summaries:  map[*ssa.Function]*summary{},
		guards:     map[*ssa.Function]*guardSet{},
		refresh:    map[*ssa.Function]map[edge]ssa.Value{},
		inPresence: map[*ssa.Function]bool{},
		ctorCtx:    map[*types.TypeName][]*ssa.CallCommon{},
		triggers:   map[ssa.Value]bool{},
		draining:   map[*ssa.Function]bool{},
		freshFuncs: map[*ssa.Function]bool{},
	}
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		e.funcs = append(e.funcs, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	// Package-level initialisers (var pool = dash.CacheSingleton(func…))
	// live in the package's init function.
	if init := pkg.Func("init"); init != nil {
		add(init)
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if fn := prog.FuncValue(obj); fn != nil {
				add(fn)
			}
		}
	}
	return e
}

// BuildSSA builds the SSA form of the pass's package alone, its imports
// created from their types, the way buildssa does. Analyzers call it once
// their fast path has passed, so that packages they skip cost no SSA.
func BuildSSA(pass *analysis.Pass, mode ssa.BuilderMode) *ssa.Package {
	prog := ssa.NewProgram(pass.Fset, mode)
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()
	return pkg
}

// origin maps a generic instance to its generic function, whose body the
// engine analyses once for all instances.
func origin(fn *ssa.Function) *ssa.Function {
	if o := fn.Origin(); o != nil {
		return o
	}
	return fn
}

// funcObject is the declared function or method of fn, or nil for
// literals and synthetic wrappers.
func funcObject(fn *ssa.Function) *types.Func {
	obj, _ := origin(fn).Object().(*types.Func)
	if obj == nil {
		return nil
	}
	return obj.Origin()
}

// local reports whether fn's body belongs to the package being analysed
// (including synthetic wrappers the builder made for it), so that its
// summary is computed here rather than read from a fact.
func (e *engine) local(fn *ssa.Function) bool {
	fn = origin(fn)
	if fn.Blocks == nil {
		return false
	}
	if fn.Pkg == e.ssa {
		return true
	}
	// Wrappers (bound method values, method expressions, promoted
	// methods) have no package; their bodies are a call or two.
	return fn.Pkg == nil && fn.Synthetic != ""
}
