package rerun

import (
	"go/ast"
	"go/types"
)

// Site is a call or composite literal on the rerun path of an entry.
type Site struct {
	Node   ast.Node    // *ast.CallExpr or *ast.CompositeLit
	Callee *types.Func // the static or interface callee; nil for literals
	// Path holds the ancestors of Node inside the entry, outermost first,
	// for the guards of individual analyzers.
	Path []ast.Node
	// Trigger is true when the site runs only after a trigger's click.
	Trigger bool
	// Query and Resource are the chains, starting at the callee, to a sink
	// or a resource constructor; nil when there is none.
	Query, Resource *Chain
}

// visitPath walks the rerun path of a function body: the body and the
// function literals in it that run as part of it. visit receives every
// call and composite literal with its ancestors.
func (e *engine) visitPath(body *ast.BlockStmt, visit func(n ast.Node, stack []ast.Node)) {
	ast.PreorderStack(body, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return e.litOnPath(n, stack)
		case *ast.CallExpr, *ast.CompositeLit:
			visit(n, stack)
		}
		return true
	})
}

// litOnPath reports whether the body of lit, found inside a function with
// ancestors stack, runs as part of that function's run. It does not when
// lit is an entry of its own, is given to a cache (it runs on a miss), or
// escapes by being returned or stored in a composite literal (it runs
// later, elsewhere).
func (e *engine) litOnPath(lit *ast.FuncLit, stack []ast.Node) bool {
	if sig, ok := e.info.TypeOf(lit).(*types.Signature); ok && HasUIParam(sig) {
		return false
	}
	if len(stack) == 0 {
		return true
	}
	switch p := stack[len(stack)-1].(type) {
	case *ast.CallExpr:
		if p.Fun != lit && runsOffPath(Callee(e.info, p)) {
			return false
		}
	case *ast.ReturnStmt, *ast.CompositeLit, *ast.KeyValueExpr:
		return false
	}
	return true
}

// siteChains returns the chains of a call or composite literal.
func (e *engine) siteChains(n ast.Node) (callee *types.Func, query, resource *Chain) {
	switch n := n.(type) {
	case *ast.CallExpr:
		callee = Callee(e.info, n)
		if callee == nil {
			return nil, nil, nil
		}
		query, resource = e.reach(callee)
	case *ast.CompositeLit:
		t := e.info.TypeOf(n)
		if t == nil {
			return nil, nil, nil
		}
		if named, ok := types.Unalias(t).(*types.Named); ok {
			if k := resourceCatalogue.LookupType(named); k != KindNone {
				resource = &Chain{Steps: []Step{literalStep(named)}, Kind: k}
			}
		}
	}
	return callee, query, resource
}

// reach returns the chains of a call to fn, each starting at fn.
func (e *engine) reach(fn *types.Func) (query, resource *Chain) {
	if fn.Pkg() == nil || IsDashPackage(fn.Pkg()) {
		if IsCacheConstructor(fn) {
			return nil, &Chain{Steps: []Step{stepOf(fn)}, Kind: KindCache}
		}
		return nil, nil
	}
	if k := e.lookupSink(fn); k != KindNone {
		query = &Chain{Steps: []Step{stepOf(fn)}, Kind: k}
	}
	if k := e.lookupResource(fn); k != KindNone {
		resource = &Chain{Steps: []Step{stepOf(fn)}, Kind: k}
	}
	if query != nil || resource != nil {
		return query, resource
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || HasUIParam(sig) {
		return nil, nil
	}
	if fn.Pkg() == e.pkg {
		s := e.summarise(fn)
		return s.query.prepend(stepOf(fn)), s.resource.prepend(stepOf(fn))
	}
	var fact FuncFact
	if e.pass.ImportObjectFact(fn, &fact) {
		return fact.Query.prepend(stepOf(fn)), fact.Resource.prepend(stepOf(fn))
	}
	return nil, nil
}

type summary struct {
	query, resource *Chain // starting after the function
}

// summarise computes which sink and resource the body of a function of
// this package reaches. A function on a call cycle counts as reaching
// nothing while its own summary is being computed.
func (e *engine) summarise(fn *types.Func) *summary {
	if s, ok := e.summaries[fn]; ok {
		return s
	}
	s := &summary{}
	e.summaries[fn] = s
	decl := e.decls[fn]
	if decl == nil || decl.Body == nil {
		return s
	}
	e.guard(decl, func() {
		e.visitPath(decl.Body, func(n ast.Node, stack []ast.Node) {
			if e.guards != nil && e.guards.Guarded(n, stack) {
				return
			}
			_, q, r := e.siteChains(n)
			if shorter(q, s.query) {
				s.query = q
			}
			if shorter(r, s.resource) {
				s.resource = r
			}
		})
	})
	return s
}
