package stateinit

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

const doc = `stateinit: report session state reset by State.Set on every rerun

ui.State().Set(key, constant) in a dash app runs on every rerun and resets
the value the user changed. Initialise state with SetDefault, or guard the
Set with Has. Sets under a trigger widget, in OnChange callbacks, guarded by
Has/Get of the same key, or storing a value computed in the run are not
reported.`

// Analyzer reports unguarded State.Set of constant values on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "stateinit",
	Doc:      doc,
	URL:      "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/stateinit.md",
	Requires: []*analysis.Analyzer{rerun.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[rerun.Analyzer].(*rerun.Result)
	rep := suppress.New(pass)
	for _, e := range res.Entries {
		if e.Trigger || e.Callback {
			continue
		}
		var presence map[types.Object]ast.Expr // built on first need
		for _, s := range e.Sites {
			call, ok := s.Node.(*ast.CallExpr)
			if !ok || s.Trigger || !rerun.DashFunc(s.Callee, "State", "Set") || len(call.Args) != 2 {
				continue
			}
			key, val := call.Args[0], call.Args[1]
			if !constLike(pass.TypesInfo, val) {
				continue
			}
			if presence == nil {
				presence = presenceVars(pass.TypesInfo, e.Node)
			}
			c := checker{info: pass.TypesInfo, key: key, vars: presence}
			if c.guarded(call, s.Path) {
				continue
			}
			rep.Report(diagnostic(pass, call, key))
		}
	}
	rep.Finish()
	return nil, nil
}

func diagnostic(pass *analysis.Pass, call *ast.CallExpr, key ast.Expr) analysis.Diagnostic {
	d := analysis.Diagnostic{
		Pos: call.Pos(),
		End: call.End(),
		Message: "State.Set(" + types.ExprString(key) + ", ...) runs on every rerun and resets the value the user changed; " +
			"initialise it with SetDefault (or guard it with Has)",
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		d.SuggestedFixes = []analysis.SuggestedFix{{
			Message: "Use SetDefault",
			TextEdits: []analysis.TextEdit{{
				Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte("SetDefault"),
			}},
		}}
	}
	return d
}

// constLike reports whether e is a value fixed at compile time, the mark
// of an initialisation rather than of storing what the run computed.
func constLike(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && (tv.Value != nil || tv.IsNil()) {
		return true
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if _, isField := kv.Key.(*ast.Ident); !isField && !constLike(info, kv.Key) {
					return false
				}
				el = kv.Value
			}
			if !constLike(info, el) {
				return false
			}
		}
		return true
	case *ast.UnaryExpr:
		return e.Op == token.AND && constLike(info, e.X)
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() {
			return len(e.Args) == 1 && constLike(info, e.Args[0])
		}
		id, ok := ast.Unparen(e.Fun).(*ast.Ident)
		if !ok {
			return false
		}
		if b, ok := info.Uses[id].(*types.Builtin); !ok || (b.Name() != "make" && b.Name() != "new") {
			return false
		}
		for _, a := range e.Args[1:] {
			if !constLike(info, a) {
				return false
			}
		}
		return true
	}
	return false
}

// presenceVars maps the variables that hold the result of State.Get or
// dash.Value of a key (v, ok := st.Get(k)) to that key.
func presenceVars(info *types.Info, root ast.Node) map[types.Object]ast.Expr {
	m := map[types.Object]ast.Expr{}
	ast.Inspect(root, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 {
			return true
		}
		key := lookupKey(info, as.Rhs[0])
		if key == nil {
			return true
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok {
				if obj := info.ObjectOf(id); obj != nil {
					m[obj] = key
				}
			}
		}
		return true
	})
	return m
}

// lookupKey returns the key of a call st.Has(k), st.Get(k) or
// dash.Value[T](st, k), or nil.
func lookupKey(info *types.Info, e ast.Expr) ast.Expr {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn := rerun.Callee(info, call)
	switch {
	case (rerun.DashFunc(fn, "State", "Has") || rerun.DashFunc(fn, "State", "Get")) && len(call.Args) == 1:
		return call.Args[0]
	case rerun.DashFunc(fn, "", "Value") && len(call.Args) == 2:
		return call.Args[1]
	}
	return nil
}

type checker struct {
	info *types.Info
	key  ast.Expr
	vars map[types.Object]ast.Expr
}

// guarded reports whether the Set is conditional on a presence test of
// its key, in either polarity and either branch.
func (c checker) guarded(call *ast.CallExpr, path []ast.Node) bool {
	test := func(e ast.Expr) bool { return c.tests(e) }
	if rerun.Dominated(call, path, test, test, nil) {
		return true
	}
	for _, n := range path {
		if ifs, ok := n.(*ast.IfStmt); ok && (c.tests(ifs.Cond) || (ifs.Init != nil && c.tests(ifs.Init))) {
			return true
		}
	}
	return false
}

// tests reports whether n tests the presence of the checker's key.
func (c checker) tests(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if k := lookupKey(c.info, n); k != nil && c.sameKey(k) {
				found = true
			}
		case *ast.Ident:
			if k, ok := c.vars[c.info.ObjectOf(n)]; ok && c.sameKey(k) {
				found = true
			}
		}
		return !found
	})
	return found
}

func (c checker) sameKey(k ast.Expr) bool {
	a, b := c.info.Types[c.key].Value, c.info.Types[k].Value
	if a != nil && b != nil {
		return a.Kind() == b.Kind() && constant.Compare(a, token.EQL, b)
	}
	return types.ExprString(ast.Unparen(c.key)) == types.ExprString(ast.Unparen(k))
}
