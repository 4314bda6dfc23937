package rerun

import (
	"go/constant"
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// This file is the guard stage. Code is trigger-guarded when every path
// to it from the function's entry takes an edge that is taken only after
// a trigger fired (the true edge of a branch on a trigger's result): the
// set of those edges dominates it. The engine computes that by cutting
// the trigger edges from the control-flow graph and marking what is still
// reachable from the entry; what is not runs only in the run right after
// a click. That covers every shape the SSA builder lowers to branches:
// variables, && and ||, negations, early returns, tagless switches,
// loops; and helpers that return a trigger's result (func confirmed(ui
// *dash.UI) bool), through their summaries and facts.

// guardSet holds, per block of a function, whether it is reachable
// without a trigger.
type guardSet struct{ reached []bool }

func (g *guardSet) guarded(b *ssa.BasicBlock) bool {
	return b.Index < len(g.reached) && !g.reached[b.Index]
}

func (e *engine) guardsOf(fn *ssa.Function) *guardSet {
	if g, ok := e.guards[fn]; ok {
		return g
	}
	g := &guardSet{}
	e.guards[fn] = g // a recursive question meanwhile sees nothing guarded
	if len(fn.Blocks) > 0 {
		g.reached = e.reachable(fn, e.triggerEdge)
	}
	return g
}

// reachable marks the blocks of fn reachable from its entry (and from its
// recover block, entered by a panic) without taking an edge cut reports.
func (e *engine) reachable(fn *ssa.Function, cut func(b *ssa.BasicBlock, succ int) bool) []bool {
	reached := make([]bool, len(fn.Blocks))
	var stack []*ssa.BasicBlock
	push := func(b *ssa.BasicBlock) {
		if b != nil && !reached[b.Index] {
			reached[b.Index] = true
			stack = append(stack, b)
		}
	}
	push(fn.Blocks[0])
	push(fn.Recover)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i, s := range b.Succs {
			if !cut(b, i) {
				push(s)
			}
		}
	}
	return reached
}

// triggerEdge reports whether successor succ of block b is taken only when
// a trigger fired: the true edge of "if clicked", the false edge of
// "if !clicked" kept in a variable.
func (e *engine) triggerEdge(b *ssa.BasicBlock, succ int) bool {
	if len(b.Instrs) == 0 || len(b.Succs) != 2 || b.Succs[0] == b.Succs[1] {
		return false
	}
	ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	switch succ {
	case 0:
		return e.isTrigger(ifi.Cond)
	case 1:
		if not, ok := ifi.Cond.(*ssa.UnOp); ok && not.Op == token.NOT {
			return e.isTrigger(not.X)
		}
	}
	return false
}

// isTrigger reports whether v is true only in the run right after a click.
func (e *engine) isTrigger(v ssa.Value) bool {
	if t, ok := e.triggers[v]; ok {
		return t
	}
	e.triggers[v] = false // in progress: a cycle of phis proves nothing
	t := false
	switch v := v.(type) {
	case *ssa.Call:
		if callee := v.Call.StaticCallee(); callee != nil {
			obj := funcObject(callee)
			switch {
			case obj != nil && IsTrigger(obj):
				t = true
			case e.local(callee):
				t = e.returnsTrigger(callee)
			case obj != nil && obj.Pkg() != e.pkg:
				var f FuncFact
				t = e.pass.ImportObjectFact(obj, &f) && f.Trigger
			}
		}
	case *ssa.Phi:
		// x := a || b, x := a && b: every incoming value is false, a
		// trigger's result, or true on an edge taken only after a click.
		t = true
		for i, x := range v.Edges {
			ok := isBool(x, false) || e.isTrigger(x) ||
				isBool(x, true) && e.edgeTrigger(v.Block().Preds[i], v.Block())
			if !ok {
				t = false
				break
			}
		}
	}
	e.triggers[v] = t
	return t
}

// edgeTrigger reports whether the edge from pred to succ is a trigger edge.
func (e *engine) edgeTrigger(pred, succ *ssa.BasicBlock) bool {
	for i, s := range pred.Succs {
		if s == succ && e.triggerEdge(pred, i) {
			return true
		}
	}
	return false
}

// returnsTrigger reports whether every return of fn, a function with one
// result, yields a trigger's result or false, and one yields a trigger's.
func (e *engine) returnsTrigger(fn *ssa.Function) bool {
	fn = origin(fn)
	if fn.Signature.Results().Len() != 1 || fn.Blocks == nil {
		return false
	}
	found := false
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		switch x := ret.Results[0]; {
		case isBool(x, false):
		case e.isTrigger(x):
			found = true
		default:
			return false
		}
	}
	return found
}

func isBool(v ssa.Value, want bool) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value != nil && c.Value.Kind() == constant.Bool && constant.BoolVal(c.Value) == want
}
