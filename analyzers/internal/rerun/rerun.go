package rerun

import (
	"fmt"
	"go/ast"
	"go/types"
	"iter"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Analyzer computes the Result of a package and exports the facts that
// carry sink chains across packages. The public analyzers require it.
var Analyzer = &analysis.Analyzer{
	Name:       "rerun",
	Doc:        "find rerun entry points, their rerun path, and functions reaching sinks (internal engine of dashvet)",
	URL:        "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/README.md",
	Run:        run,
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(FuncFact), new(PackageFact)},
}

// ExtraSinks and ExtraResources hold the catalogue rows added on the
// command line. uncachedcall and rerunresource register them as their
// -sinks and -resources flags; the engine reads them.
var (
	ExtraSinks     = newSpecList(KindCall)
	ExtraResources = newSpecList(KindPool)
)

func init() {
	Analyzer.Flags.Var(ExtraSinks, "sinks", "extra sinks: comma-separated pkg/path.Func or pkg/path.(*T).Method")
	Analyzer.Flags.Var(ExtraResources, "resources", "extra resource constructors: comma-separated pkg/path.Func or pkg/path.(*T).Method")
}

// The built-in catalogues are immutable after initialisation.
var (
	sinkCatalogue     = newCatalogue(sinkTable())
	resourceCatalogue = newCatalogue(resourceTable(), resourceLiterals)
)

// Result is what the engine knows about one package.
type Result struct {
	Pkg     *types.Package
	Entries []*Entry
	// Recovered lists the panics the engine recovered from, one per
	// function it then stayed silent about; tests require it empty.
	Recovered []string
}

// Entry is a rerun entry point: a function or function literal with a
// *dash.UI parameter.
type Entry struct {
	Name string   // "app", "(*Page).Render", "app.func1"
	Node ast.Node // *ast.FuncDecl or *ast.FuncLit
	File *ast.File
	// Callback is true for a function literal given to dash.OnChange: it
	// runs once per change of its widget, before the rerun.
	Callback bool
	// Trigger is true when the entry itself only runs after a trigger's
	// click (declared under "if ui.Button(...)" or an OnChange of a Button).
	Trigger bool
	Sites   []*Site
}

// EveryRerun yields the sites that run on every rerun: those of entries
// that are not trigger-guarded themselves, outside trigger-guarded code.
// This is the rule every per-rerun analyzer applies, in one place.
func (r *Result) EveryRerun() iter.Seq2[*Entry, *Site] {
	return func(yield func(*Entry, *Site) bool) {
		for _, e := range r.Entries {
			if e.Trigger {
				continue
			}
			for _, s := range e.Sites {
				if !s.Trigger && !yield(e, s) {
					return
				}
			}
		}
	}
}

// Chain renders the full chain of a finding at site: the entry, then the
// site's chain c.
func (r *Result) Chain(e *Entry, c *Chain) string {
	return e.Name + " → " + c.Format(r.Pkg)
}

// engine holds the state of one pass.
type engine struct {
	res       *Result
	pass      *analysis.Pass
	pkg       *types.Package
	info      *types.Info
	guards    *Guards // nil when the package does not import dash
	decls     map[*types.Func]*ast.FuncDecl
	order     []*types.Func // decls in source order, for deterministic facts
	summaries map[*types.Func]*summary
}

func run(pass *analysis.Pass) (any, error) {
	res := &Result{Pkg: pass.Pkg}
	if IsDashPackage(pass.Pkg) {
		return res, nil
	}
	importsDash, relevant := false, false
	for _, imp := range pass.Pkg.Imports() {
		switch {
		case imp.Path() == DashPath:
			importsDash = true
		case sinkCatalogue.Spreads(imp.Path()) || resourceCatalogue.Spreads(imp.Path()) ||
			ExtraSinks.hasPackage(imp.Path()) || ExtraResources.hasPackage(imp.Path()):
			relevant = true
		case !relevant && pass.ImportPackageFact(imp, new(PackageFact)):
			relevant = true
		}
	}
	// The standard library is covered by the catalogue; analysing it for
	// facts would cost every run a walk of std for nothing new.
	if !importsDash && (!relevant || isStd(pass)) {
		return res, nil
	}
	e := &engine{
		res:       res,
		pass:      pass,
		pkg:       pass.Pkg,
		info:      pass.TypesInfo,
		decls:     map[*types.Func]*ast.FuncDecl{},
		summaries: map[*types.Func]*summary{},
	}
	if importsDash {
		e.guards = newGuards(pass.TypesInfo, pass.Files)
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					e.decls[fn] = fd
					e.order = append(e.order, fn)
				}
			}
		}
	}
	e.exportFacts()
	if importsDash {
		for _, f := range pass.Files {
			e.guard(f, func() { res.Entries = append(res.Entries, e.entries(f)...) })
		}
	}
	return res, nil
}

// isStd reports whether the pass is over a standard library package: one
// outside any module (or in module "std") whose path has no dot in its
// first element. A user module named without a dot ("sales") has a module.
func isStd(pass *analysis.Pass) bool {
	if m := pass.Module; m != nil && m.Path != "" && m.Path != "std" {
		return false
	}
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	return !strings.Contains(first, ".")
}

func (s *SpecList) hasPackage(path string) bool {
	for _, e := range s.entries {
		if e.pkg == path {
			return true
		}
	}
	return false
}

func (s *SpecList) lookup(fn *types.Func) Kind {
	if len(s.entries) == 0 || fn.Pkg() == nil {
		return KindNone
	}
	recv := recvName(fn)
	for _, e := range s.entries {
		if e.pkg == fn.Pkg().Path() && e.recv == recv && e.name == fn.Name() {
			return e.kind
		}
	}
	return KindNone
}

func (e *engine) lookupSink(fn *types.Func) Kind {
	if k := sinkCatalogue.Lookup(fn); k != KindNone {
		return k
	}
	return ExtraSinks.lookup(fn)
}

func (e *engine) lookupResource(fn *types.Func) Kind {
	if k := resourceCatalogue.Lookup(fn); k != KindNone {
		return k
	}
	return ExtraResources.lookup(fn)
}

// guard runs f and turns a panic into silence about the function being
// analysed: an unexpected shape of user code must never crash the driver.
func (e *engine) guard(where ast.Node, f func()) {
	defer func() {
		// Stay silent: a missed finding is better than a crashed build.
		if r := recover(); r != nil {
			e.res.Recovered = append(e.res.Recovered, fmt.Sprintf("%s: %v", e.pass.Fset.Position(where.Pos()), r))
		}
	}()
	f()
}

// exportFacts exports a FuncFact for every exported function of the
// package that reaches a sink or a resource constructor.
func (e *engine) exportFacts() {
	exported := false
	for _, fn := range e.order {
		if !fn.Exported() || HasUIParam(fn.Type().(*types.Signature)) {
			continue
		}
		if recv := fn.Type().(*types.Signature).Recv(); recv != nil && !isExportedType(recv.Type()) {
			continue
		}
		s := e.summarise(fn)
		if s.query != nil || s.resource != nil {
			e.pass.ExportObjectFact(fn, &FuncFact{Query: s.query, Resource: s.resource})
			exported = true
		}
	}
	if exported {
		e.pass.ExportPackageFact(&PackageFact{})
	}
}

func isExportedType(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Exported()
}

// entries finds the entries declared in f and computes their sites.
func (e *engine) entries(f *ast.File) []*Entry {
	var out []*Entry
	var decl *ast.FuncDecl
	lits := 0
	ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			decl, lits = n, 0
			fn, ok := e.info.Defs[n.Name].(*types.Func)
			if ok && n.Body != nil && HasUIParam(fn.Type().(*types.Signature)) {
				out = append(out, e.entry(&Entry{Name: stepOf(fn).Format(e.pkg), Node: n, File: f}, n.Body))
			}
		case *ast.FuncLit:
			lits++
			sig, ok := e.info.TypeOf(n).(*types.Signature)
			if !ok || !HasUIParam(sig) {
				return true
			}
			ent := &Entry{Name: e.litName(n, stack, decl, lits), Node: n, File: f}
			if len(stack) > 0 {
				if call, ok := stack[len(stack)-1].(*ast.CallExpr); ok && IsOnChange(Callee(e.info, call)) {
					ent.Callback = true
				}
			}
			ent.Trigger = e.guards.Guarded(n, stack)
			out = append(out, e.entry(ent, n.Body))
		}
		return true
	})
	return out
}

// litName names a function literal entry after the variable it is
// assigned to, or else after its enclosing function, as the runtime does:
// app.func2.
func (e *engine) litName(lit *ast.FuncLit, stack []ast.Node, decl *ast.FuncDecl, n int) string {
	if len(stack) > 0 {
		switch p := stack[len(stack)-1].(type) {
		case *ast.AssignStmt:
			for i, r := range p.Rhs {
				if r == lit && i < len(p.Lhs) {
					if id, ok := p.Lhs[i].(*ast.Ident); ok && id.Name != "_" {
						return id.Name
					}
				}
			}
		case *ast.ValueSpec:
			for i, v := range p.Values {
				if v == lit && i < len(p.Names) && p.Names[i].Name != "_" {
					return p.Names[i].Name
				}
			}
		}
	}
	if decl != nil && decl.Pos() <= lit.Pos() && lit.End() <= decl.End() {
		if fn, ok := e.info.Defs[decl.Name].(*types.Func); ok {
			return fmt.Sprintf("%s.func%d", stepOf(fn).Format(e.pkg), n)
		}
	}
	return fmt.Sprintf("func%d", n)
}

func (e *engine) entry(ent *Entry, body *ast.BlockStmt) *Entry {
	e.guard(ent.Node, func() {
		e.visitPath(body, func(n ast.Node, stack []ast.Node) {
			callee, q, r := e.siteChains(n)
			if callee == nil && r == nil {
				return
			}
			ent.Sites = append(ent.Sites, &Site{
				Node:     n,
				Callee:   callee,
				Path:     slices.Clone(stack),
				Trigger:  ent.Trigger || e.guards.Guarded(n, stack),
				Query:    q,
				Resource: r,
			})
		})
	})
	return ent
}
