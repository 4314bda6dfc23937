package cacheserial

import (
	_ "embed"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/analyzerdoc"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
	"github.com/dashvet/dashvet/dash/copyable"
)

//go:embed doc.go
var doc string

// Analyzer reports CacheData instantiations with uncopyable value types.
var Analyzer = &analysis.Analyzer{
	Name:      "cacheserial",
	Doc:       analyzerdoc.Extract(doc, "cacheserial"),
	URL:       "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/cacheserial.md",
	Run:       run,
	FactTypes: []analysis.Fact{new(wrapperFact), new(wrappersFact)},
}

func run(pass *analysis.Pass) (any, error) {
	if !importsDash(pass.Pkg) && !importsWrappers(pass) {
		return nil, nil
	}
	rep := suppress.New(pass)
	local := findWrappers(pass)
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				check(pass, rep, local, call)
			}
			return true
		})
	}
	rep.Finish()
	return nil, nil
}

func importsDash(p *types.Package) bool {
	for _, imp := range p.Imports() {
		if imp.Path() == rerun.DashPath {
			return true
		}
	}
	return false
}

// check reports call if it calls dash.CacheData, or a generic wrapper of
// it, with a value type that cannot be copied.
func check(pass *analysis.Pass, rep *suppress.Reporter, local map[*types.Func]*wrapperFact, call *ast.CallExpr) {
	fn, inst := instance(pass, call)
	if fn == nil {
		return
	}
	if !rerun.DashFunc(fn, "", "CacheData") {
		if d := checkWrapperCall(pass, local, call); d != nil {
			rep.Report(*d)
		}
		return
	}
	if inst.TypeArgs.Len() != 2 {
		return
	}
	v := inst.TypeArgs.At(1)
	if hasTypeParam(v) {
		return // inside a wrapper: judged where the wrapper is instantiated
	}
	d, p := diagnose(pass, call, v, "dash.CacheData")
	if d == nil {
		if shared(pass.TypesInfo, call) {
			checkShared(pass, rep, call, inst.TypeArgs.At(0), v, qualifier(pass))
		}
		return
	}
	// Only a value that is itself a resource belongs in a resource cache;
	// for a resource inside data (Report.Rows) the reason says what to
	// cache instead, and "use CacheResource" would contradict it.
	if p.Resource && isWhole(v, p) {
		if !strings.Contains(p.Reason, "CacheResource") {
			d.Message += "; cache it with dash.CacheResource"
		}
		id := funcIdent(call.Fun)
		d.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   "Use dash.CacheResource",
			TextEdits: []analysis.TextEdit{{Pos: id.Pos(), End: id.End(), NewText: []byte("CacheResource")}},
		}}
	}
	rep.Report(*d)
}

// diagnose returns the finding for a data cache, made by call through
// what, of values of type v, when the runtime cannot copy them.
func diagnose(pass *analysis.Pass, call *ast.CallExpr, v types.Type, what string) (*analysis.Diagnostic, *copyable.Problem) {
	p := checkTypes(v, copyable.CheckTypes)
	if p == nil {
		return nil, nil
	}
	msg := what + " cannot deep-copy values of type " + types.TypeString(v, qualifier(pass)) + ": "
	if p.Path == "" {
		msg += p.Reason // the value type itself offends: do not repeat it
	} else {
		msg += p.Error()
	}
	return &analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg}, p
}

// qualifier names other packages by name, this one not at all.
func qualifier(pass *analysis.Pass) types.Qualifier {
	return func(p *types.Package) string {
		if p == pass.Pkg {
			return ""
		}
		return p.Name()
	}
}

// checkTypes applies one of the runtime's rules, staying silent should the
// rule fail on an unforeseen type.
func checkTypes(t types.Type, rule func(types.Type) *copyable.Problem) (p *copyable.Problem) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	return rule(t)
}

// shared reports whether a CacheData call is given dash.Shared among its
// options: its entries then cross the wire between replicas.
func shared(info *types.Info, call *ast.CallExpr) bool {
	for _, a := range call.Args[1:] {
		if opt, ok := ast.Unparen(a).(*ast.CallExpr); ok && rerun.DashFunc(rerun.Callee(info, opt), "", "Shared") {
			return true
		}
	}
	return false
}

// checkShared reports a shared cache whose key or value type the shared
// tier cannot carry, under the runtime's shared rule: no interface
// anywhere (not even any, whose dynamic type another replica cannot know),
// no unique.Handle, and no pointer in keys.
func checkShared(pass *analysis.Pass, rep *suppress.Reporter, call *ast.CallExpr, k, v types.Type, qual types.Qualifier) {
	for _, c := range []struct {
		what string
		t    types.Type
		rule func(types.Type) *copyable.Problem
	}{
		{"keys", k, copyable.CheckSharedKeyTypes},
		{"values", v, copyable.CheckSharedTypes},
	} {
		p := checkTypes(c.t, c.rule)
		if p == nil {
			continue
		}
		msg := "dash.CacheData with dash.Shared cannot share " + c.what + " of type " + types.TypeString(c.t, qual) + " between replicas: "
		if p.Path == "" {
			msg += p.Reason
		} else {
			msg += p.Error()
		}
		rep.Report(analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg})
	}
}

// isWhole reports whether the offending part is the cached value itself
// (a *sql.DB, not a struct holding one): only then is CacheResource, with
// the same loading function, the fix.
func isWhole(v types.Type, p *copyable.Problem) bool {
	name := func(t types.Type) string { return types.TypeString(t, (*types.Package).Name) }
	if p.Type == name(v) {
		return true
	}
	if ptr, ok := types.Unalias(v).(*types.Pointer); ok {
		return p.Type == name(ptr.Elem())
	}
	return false
}

// funcIdent returns the identifier naming the function in f, through
// explicit instantiation and package qualification.
func funcIdent(f ast.Expr) *ast.Ident {
	switch e := ast.Unparen(f).(type) {
	case *ast.IndexExpr:
		return funcIdent(e.X)
	case *ast.IndexListExpr:
		return funcIdent(e.X)
	case *ast.SelectorExpr:
		return e.Sel
	case *ast.Ident:
		return e
	}
	return nil
}
