package rerun

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// Guards decides whether code is trigger-guarded. It knows the variables
// of its package that hold a trigger's result (clicked := ui.Button(...)).
type Guards struct {
	info *types.Info
	vars map[types.Object]bool
}

func newGuards(info *types.Info, files []*ast.File) *Guards {
	g := &Guards{info: info, vars: map[types.Object]bool{}}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, r := range n.Rhs {
						g.noteVar(n.Lhs[i], r)
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) {
					for i, r := range n.Values {
						g.noteVar(n.Names[i], r)
					}
				}
			}
			return true
		})
	}
	return g
}

func (g *Guards) noteVar(lhs, rhs ast.Expr) {
	id, ok := lhs.(*ast.Ident)
	if !ok || !g.isTriggerCall(rhs) {
		return
	}
	if obj := g.info.ObjectOf(id); obj != nil {
		g.vars[obj] = true
	}
}

// Callee returns the function or method called by call, or nil for calls
// of function values, builtins and conversions.
func Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

func (g *Guards) isTriggerCall(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && IsTrigger(Callee(g.info, call))
}

// positive reports whether cond is true only when a trigger fired.
func (g *Guards) positive(cond ast.Expr) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.CallExpr:
		return g.isTriggerCall(e)
	case *ast.Ident:
		return g.vars[g.info.ObjectOf(e)]
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return g.positive(e.X) || g.positive(e.Y)
		case token.LOR:
			return g.positive(e.X) && g.positive(e.Y)
		}
	}
	return false
}

// negative reports whether cond is true whenever no trigger fired, so
// that code after "if cond { return }" runs only after a click.
func (g *Guards) negative(cond ast.Expr) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.NOT && g.positive(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.LOR {
			return g.negative(e.X) || g.negative(e.Y)
		}
	}
	return false
}

// Guarded reports whether node n, with ancestors stack (outermost first),
// runs only in the run right after a trigger's click.
func (g *Guards) Guarded(n ast.Node, stack []ast.Node) bool {
	return Dominated(n, stack, g.positive, g.negative, g.isTriggerArg)
}

// isTriggerArg reports whether a callback given in the arguments of call
// runs only on a click: an OnChange of a Button.
func (g *Guards) isTriggerArg(call *ast.CallExpr) bool { return g.isTriggerCall(call) }

// Dominated is the shape of every guard the analyzers recognise. Node n
// (with ancestors stack, outermost first) is guarded when:
//
//   - it is in the then-branch of an if whose condition satisfies pos;
//   - it is in a case of a tagless switch whose expression satisfies pos;
//   - an earlier statement of an enclosing block is "if c { ...; return }"
//     with neg(c), so control reaches n only when neg(c) was false;
//   - it is inside an argument of a call for which arg reports true
//     (arg may be nil).
func Dominated(n ast.Node, stack []ast.Node, pos, neg func(ast.Expr) bool, arg func(*ast.CallExpr) bool) bool {
	for i, anc := range stack {
		var child ast.Node = n
		if i+1 < len(stack) {
			child = stack[i+1]
		}
		switch a := anc.(type) {
		case *ast.IfStmt:
			if child == a.Body && pos(a.Cond) {
				return true
			}
		case *ast.CaseClause:
			if i >= 2 {
				if sw, ok := stack[i-2].(*ast.SwitchStmt); ok && sw.Tag == nil && child != nil && isStmtOf(child, a.Body) {
					for _, e := range a.List {
						if pos(e) {
							return true
						}
					}
				}
			}
		case *ast.BlockStmt:
			for _, s := range a.List {
				if s == child {
					break
				}
				if ifs, ok := s.(*ast.IfStmt); ok && ifs.Else == nil && neg(ifs.Cond) && terminates(ifs.Body) {
					return true
				}
			}
		case *ast.CallExpr:
			if arg != nil && child != a.Fun && arg(a) {
				return true
			}
		}
	}
	return false
}

func isStmtOf(n ast.Node, list []ast.Stmt) bool {
	for _, s := range list {
		if s == n {
			return true
		}
	}
	return false
}

// terminates reports whether block ends by leaving the enclosing block:
// return, panic, continue, goto, or (*dash.UI).Stop followed by nothing.
func terminates(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch s := b.List[len(b.List)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.CONTINUE || s.Tok == token.GOTO
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}
