package rerun

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the entry stage: the rerun entries of a package and the
// sites on their rerun path.
//
// The rerun path of an entry is its body and the function literals it
// runs as part of itself: called, deferred or started as goroutines,
// range-over-func loop bodies, and literals handed to a callee whose body
// is out of sight. Literals handed to dash (caches, callbacks) or to
// (*sync.Once).Do, stored or returned are not on it. A literal run only
// from trigger-guarded code is trigger-guarded as a whole.

// entries finds the entries of the package, in source order, and
// computes their sites.
func (e *engine) entries() []*Entry {
	var out []*Entry
	byFn := map[*ssa.Function]*Entry{}
	for _, fn := range e.funcs {
		if !HasUIParam(fn.Signature) || fn.Synthetic != "" {
			continue
		}
		ent := &Entry{Fn: fn}
		if obj := funcObject(fn); obj != nil && fn.Parent() == nil {
			ent.Name = stepOf(obj).Format(e.pkg)
		} else if _, ok := fn.Syntax().(*ast.FuncLit); ok {
			ent.Name = e.stepOfFunc(fn, false).Name
			ent.Callback, ent.Trigger = e.literalRole(fn)
			// A literal declared in a trigger-guarded entry.
			for p := fn.Parent(); p != nil; p = p.Parent() {
				if pe := byFn[p]; pe != nil && pe.Trigger {
					ent.Trigger = true
				}
			}
		} else {
			continue
		}
		e.walkEntry(ent)
		byFn[fn] = ent
		out = append(out, ent)
	}
	return append(out, e.registeredEntries()...)
}

// literalRole classifies a function literal entry by the instruction that
// makes it in its parent: given to dash.OnChange, it is a callback, and a
// callback of a trigger widget runs once per click; made in
// trigger-guarded code, it runs only after a click.
func (e *engine) literalRole(fn *ssa.Function) (callback, trigger bool) {
	parent := fn.Parent()
	g := e.guardsOf(parent)
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			var v ssa.Value
			switch in := instr.(type) {
			case *ssa.MakeClosure:
				if in.Fn == fn {
					v = in
				}
			case ssa.CallInstruction:
				for _, a := range in.Common().Args {
					if a == fn {
						v = a
					}
				}
			}
			if v == nil {
				continue
			}
			if g.guarded(b) {
				trigger = true
			}
			if opt := e.onChangeOf(v, instr); opt != nil {
				callback = true
				if e.givenToTrigger(opt) {
					trigger = true
				}
			}
		}
	}
	return callback, trigger
}

// onChangeOf returns the dash.OnChange call that receives v, made by
// instruction made, if any.
func (e *engine) onChangeOf(v ssa.Value, made ssa.Instruction) *ssa.Call {
	check := func(c *ssa.Call) *ssa.Call {
		if callee := c.Call.StaticCallee(); callee != nil && IsOnChange(funcObject(callee)) {
			return c
		}
		return nil
	}
	if c, ok := made.(*ssa.Call); ok {
		return check(c)
	}
	if refs := v.Referrers(); refs != nil {
		for _, r := range *refs {
			if c, ok := r.(*ssa.Call); ok {
				if oc := check(c); oc != nil {
					return oc
				}
			}
		}
	}
	return nil
}

// givenToTrigger reports whether a widget option reaches a trigger
// widget's call, directly or through the variadic slice of options.
func (e *engine) givenToTrigger(opt ssa.Value) bool {
	isTriggerCall := func(r ssa.Instruction) bool {
		c, ok := r.(*ssa.Call)
		if !ok {
			return false
		}
		callee := c.Call.StaticCallee()
		return callee != nil && IsTrigger(funcObject(callee))
	}
	for _, r := range *opt.Referrers() {
		if isTriggerCall(r) {
			return true
		}
		st, ok := r.(*ssa.Store)
		if !ok {
			continue
		}
		ia, ok := st.Addr.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		for _, ar := range *ia.X.Referrers() {
			if sl, ok := ar.(*ssa.Slice); ok {
				for _, sr := range *sl.Referrers() {
					if isTriggerCall(sr) {
						return true
					}
				}
			}
		}
	}
	return false
}

// walkEntry collects the sites and resets on the rerun path of ent.
func (e *engine) walkEntry(ent *Entry) {
	// How often code runs, most often first (after the Once levels): a
	// function walked at one level is walked again only should a call at
	// a more frequent level come.
	const perClick = Lazily + 1
	visited := map[*ssa.Function]Once{}
	var walk func(fn *ssa.Function, level Once)
	walk = func(fn *ssa.Function, level Once) {
		if was, ok := visited[fn]; ok && was <= level {
			return
		}
		visited[fn] = level
		g := e.guardsOf(fn)
		// addSite records what an instruction at pos reaches, as it
		// stands at level lvl.
		addSite := func(pos token.Pos, in ssa.Instruction, lvl Once, q, r *Chain) {
			if lvl != EveryRerun && lvl != perClick {
				q, r = nil, r.onceAt(lvl, g.lockedAt(in.Block()))
			}
			if q != nil || r != nil {
				pos, end := e.span(pos, in)
				ent.Sites = append(ent.Sites, &Site{Pos: pos, End: end, Trigger: lvl == perClick, Query: q, Resource: r})
			}
		}
		for _, b := range fn.Blocks {
			lvl := level
			switch {
			case lvl == perClick || g.guarded(b):
				lvl = perClick
			case g.onceLevel(b) > lvl:
				lvl = g.onceLevel(b)
			}
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					c := in.Common()
					var inline []*ssa.Function
					q, r := e.callReach(c, func(f *ssa.Function) bool {
						if nestedIn(f, ent.Fn) {
							inline = append(inline, f)
							return true
						}
						return false
					})
					addSite(c.Pos(), in, lvl, q, r)
					e.entryResets(ent, fn, in, lvl != EveryRerun)
					for _, lit := range inline {
						walk(lit, lvl)
					}
				case *ssa.Send:
					// Work handed to a goroutine that receives it.
					q, r := e.sendReach(in)
					addSite(in.Pos(), in, lvl, q, r)
				case *ssa.Select:
					// Each sending case, on its own line.
					for _, st := range in.States {
						if st.Dir == types.SendOnly {
							q, r := e.chanReach(st.Chan)
							addSite(st.Pos, in, lvl, q, r)
						}
					}
				case *ssa.Alloc:
					addSite(in.Pos(), in, lvl, nil, e.literalResource(in))
				}
			}
		}
	}
	walk(ent.Fn, EveryRerun)
}

// nestedIn reports whether f is a function literal nested in entry and
// not an entry itself: run inline, it is part of the entry's path.
func nestedIn(f, entry *ssa.Function) bool {
	if HasUIParam(f.Signature) {
		return false
	}
	for p := f.Parent(); p != nil; p = p.Parent() {
		if p == entry {
			return true
		}
	}
	return false
}

// span returns the source range to report for an instruction at pos (a
// call's Lparen, a literal's Lbrace): the whole call or literal.
func (e *engine) span(pos token.Pos, instr ssa.Instruction) (token.Pos, token.Pos) {
	if n := e.exprAt(pos); n != nil {
		// A call at the end of a chain spread over lines
		// (dash.NewApp().\n\tPage(...).\n\tPage(...)) is reported from
		// its method's name, on its own line, where a suppression
		// directive above it can reach it.
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && e.line(sel.Sel.Pos()) != e.line(call.Pos()) {
				return sel.Sel.Pos(), n.End()
			}
		}
		return n.Pos(), n.End()
	}
	if pos.IsValid() {
		return pos, token.NoPos
	}
	// A call the compiler made has no position: the iterator call of a
	// range-over-func loop. Report the value it calls when that has one
	// (names(ctx) in "for n := range names(ctx)"), else the last
	// instruction before it that has one.
	if c, ok := instr.(ssa.CallInstruction); ok && c.Common().Value.Pos().IsValid() {
		return e.span(c.Common().Value.Pos(), nil)
	}
	if b := instr.Block(); b != nil {
		at := slices.Index(b.Instrs, instr)
		for i := at - 1; i >= 0; i-- {
			if p := b.Instrs[i].Pos(); p.IsValid() {
				return e.span(p, nil)
			}
		}
	}
	return instr.Parent().Pos(), token.NoPos
}

func (e *engine) line(p token.Pos) int { return e.pass.Fset.Position(p).Line }

// exprAt maps a call's Lparen, a composite literal's Lbrace or a send
// statement's arrow to the
// expression, indexing the files on first use.
func (e *engine) exprAt(pos token.Pos) ast.Node {
	if e.exprs == nil {
		e.exprs = map[token.Pos]ast.Node{}
		for _, f := range e.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					e.exprs[n.Lparen] = n
				case *ast.CompositeLit:
					e.exprs[n.Lbrace] = n
				case *ast.SendStmt:
					e.exprs[n.Arrow] = n
				}
				return true
			})
		}
	}
	return e.exprs[pos]
}

// litName is how a chain names a function literal: after the variable it
// is assigned to, or, anonymous, after its enclosing function (Q.func1).
type litName struct {
	name string
	anon bool
}

// literalNames names every function literal of the package after the
// variable it is assigned to, or else after its enclosing function, as
// the runtime does: app.func2.
func (e *engine) literalNames() map[*ast.FuncLit]litName {
	names := map[*ast.FuncLit]litName{}
	for _, f := range e.pass.Files {
		var decl *ast.FuncDecl
		n := 0
		ast.PreorderStack(f, nil, func(node ast.Node, stack []ast.Node) bool {
			switch node := node.(type) {
			case *ast.FuncDecl:
				decl, n = node, 0
			case *ast.FuncLit:
				n++
				names[node] = e.litName(node, stack, decl, n)
			}
			return true
		})
	}
	return names
}

func (e *engine) litName(lit *ast.FuncLit, stack []ast.Node, decl *ast.FuncDecl, n int) litName {
	if len(stack) > 0 {
		switch p := stack[len(stack)-1].(type) {
		case *ast.AssignStmt:
			for i, r := range p.Rhs {
				if r == lit && i < len(p.Lhs) {
					if id, ok := p.Lhs[i].(*ast.Ident); ok && id.Name != "_" {
						return litName{name: id.Name}
					}
				}
			}
		case *ast.ValueSpec:
			for i, v := range p.Values {
				if v == lit && i < len(p.Names) && p.Names[i].Name != "_" {
					return litName{name: p.Names[i].Name}
				}
			}
		}
	}
	if decl != nil && decl.Pos() <= lit.Pos() && lit.End() <= decl.End() {
		if fn, ok := e.pass.TypesInfo.Defs[decl.Name].(*types.Func); ok {
			return litName{name: fmt.Sprintf("%s.func%d", stepOf(fn).Format(e.pkg), n), anon: true}
		}
	}
	return litName{name: fmt.Sprintf("func%d", n), anon: true}
}

// stepOfFunc is the chain step of a function of the package, literals
// named as literalNames does.
func (e *engine) stepOfFunc(fn *ssa.Function, ui bool) Step {
	var st Step
	if obj := funcObject(fn); obj != nil && fn.Parent() == nil {
		st = stepOf(obj)
	} else {
		st = Step{PkgPath: e.pkg.Path(), PkgName: e.pkg.Name(), Name: fn.Name()}
		if lit, ok := fn.Syntax().(*ast.FuncLit); ok {
			if e.names == nil {
				e.names = e.literalNames()
			}
			if n := e.names[lit]; n.name != "" {
				st.Name, st.Anon = n.name, n.anon
			}
		}
	}
	st.UI = ui
	return st
}
