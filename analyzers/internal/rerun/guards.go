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

//
// Code is session-guarded when it is reached only through the "absent"
// edge of a presence test of a state key that the code behind the edge
// sets: "if !st.Has(k) { v := load(); st.Set(k, v) }", or the early
// return of "if v, ok := dash.Value[T](st, k); ok { return v }" before
// the Set. It runs once per session, the state being its memo: a query
// there is no per-rerun query, while a pool made there is one pool per
// session.

// guardSet holds, per block of a function, whether it is reachable
// without a trigger, and whether it is reachable without a trigger or a
// session guard.
type guardSet struct{ reached, everyRerun []bool }

// guarded reports whether b runs only after a trigger fired.
func (g *guardSet) guarded(b *ssa.BasicBlock) bool {
	return b.Index < len(g.reached) && !g.reached[b.Index]
}

// perSession reports whether b runs once per session (and not only after
// a trigger).
func (g *guardSet) perSession(b *ssa.BasicBlock) bool {
	return b.Index < len(g.everyRerun) && g.reached[b.Index] && !g.everyRerun[b.Index]
}

func (e *engine) guardsOf(fn *ssa.Function) *guardSet {
	if g, ok := e.guards[fn]; ok {
		return g
	}
	g := &guardSet{}
	e.guards[fn] = g // a recursive question meanwhile sees nothing guarded
	if len(fn.Blocks) > 0 {
		g.reached = e.reachable(fn, e.triggerEdge)
		g.everyRerun = g.reached
		if e.hasSessionEdge(fn) {
			g.everyRerun = e.reachable(fn, func(b *ssa.BasicBlock, succ int) bool {
				return e.triggerEdge(b, succ) || e.sessionEdge(fn, b, succ)
			})
		}
	}
	return g
}

// hasSessionEdge reports whether any branch of fn is a session guard.
func (e *engine) hasSessionEdge(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for i := range b.Succs {
			if e.sessionEdge(fn, b, i) {
				return true
			}
		}
	}
	return false
}

// sessionEdge reports whether successor succ of block b is the "absent"
// edge of a presence test of a state key, and the code reached only
// through it sets that key (without the Set, the test would fail on
// every rerun and guard nothing).
func (e *engine) sessionEdge(fn *ssa.Function, b *ssa.BasicBlock, succ int) bool {
	if len(b.Instrs) == 0 || len(b.Succs) != 2 || b.Succs[0] == b.Succs[1] {
		return false
	}
	ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	key, absent, ok := e.presenceTest(ifi.Cond)
	if !ok || absent != succ {
		return false
	}
	behind := e.reachable(fn, func(x *ssa.BasicBlock, i int) bool { return x == b && i == succ })
	for _, blk := range fn.Blocks {
		if behind[blk.Index] {
			continue
		}
		for _, instr := range blk.Instrs {
			if c, ok := instr.(*ssa.Call); ok && setsKey(c, key) {
				return true
			}
		}
	}
	return false
}

// setsKey reports whether c is (*dash.State).Set or SetDefault of key.
func setsKey(c *ssa.Call, key ssa.Value) bool {
	obj := staticObj(c)
	return (DashFunc(obj, "State", "Set") || DashFunc(obj, "State", "SetDefault")) &&
		len(c.Call.Args) == 3 && sameKey(c.Call.Args[1], key)
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
