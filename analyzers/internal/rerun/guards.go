package rerun

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

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

// Code is lazily guarded when it is reached only through the nil edge of
// a test of a package variable that the code behind the edge assigns:
// "if pool == nil { pool = open() }". It runs once per process, but
// sessions rerun at the same time: without a lock, several may pass the
// test together, each making its own pool (a data race besides).

// guardSet holds, per block of a function, whether it is reachable
// without a trigger, and how often it runs when it is (Once).
type guardSet struct {
	reached []bool
	once    []Once
	// perValue marks the blocks behind a lazy test of a field of the
	// method's receiver: once per receiver value.
	perValue []bool
	// locks are the blocks where the function takes a mutex: a lazy
	// initialisation in a block one of them dominates is taken to be done
	// under it (a lock taken after the test, for something else, does not
	// protect it).
	locks []*ssa.BasicBlock
}

// lockedAt reports whether code in b runs with a mutex taken earlier.
func (g *guardSet) lockedAt(b *ssa.BasicBlock) bool {
	return slices.ContainsFunc(g.locks, func(l *ssa.BasicBlock) bool { return l.Dominates(b) })
}

// guarded reports whether b runs only after a trigger fired.
func (g *guardSet) guarded(b *ssa.BasicBlock) bool {
	return b.Index < len(g.reached) && !g.reached[b.Index]
}

// onceLevel says how often b runs, when not only after a trigger.
// onValue reports whether b runs once per value of the method's receiver
// (behind a lazy test of one of its fields).
func (g *guardSet) onValue(b *ssa.BasicBlock) bool {
	return b.Index < len(g.perValue) && g.perValue[b.Index]
}

func (g *guardSet) onceLevel(b *ssa.BasicBlock) Once {
	if b.Index < len(g.once) {
		return g.once[b.Index]
	}
	return EveryRerun
}

func (e *engine) guardsOf(fn *ssa.Function) *guardSet {
	if g, ok := e.guards[fn]; ok {
		return g
	}
	g := &guardSet{}
	e.guards[fn] = g // a recursive question meanwhile sees nothing guarded
	if len(fn.Blocks) == 0 {
		return g
	}
	g.reached = e.reachable(fn, e.triggerEdge)
	session := e.hasEdge(fn, e.sessionEdge)
	lazy := e.hasEdge(fn, e.lazyEdge)
	if !session && !lazy {
		return g
	}
	g.locks = lockBlocks(fn)
	g.once = make([]Once, len(fn.Blocks))
	without := func(edge func(*ssa.Function, *ssa.BasicBlock, int) bool) []bool {
		return e.reachable(fn, func(b *ssa.BasicBlock, succ int) bool {
			return e.triggerEdge(b, succ) || edge(fn, b, succ)
		})
	}
	var bySession, byLazy []bool
	if session {
		bySession = without(e.sessionEdge)
	}
	if lazy {
		byLazy = without(e.lazyEdge)
		if e.hasEdge(fn, e.recvLazyEdge) {
			byRecv := without(e.recvLazyEdge)
			g.perValue = make([]bool, len(fn.Blocks))
			for i, r := range g.reached {
				g.perValue[i] = r && !byRecv[i]
			}
		}
	}
	for i, r := range g.reached {
		switch {
		case !r:
		case bySession != nil && !bySession[i]:
			g.once[i] = PerSession
		case byLazy != nil && !byLazy[i]:
			g.once[i] = Lazily
		}
	}
	return g
}

// hasEdge reports whether any branch of fn is an edge of the given kind.
func (e *engine) hasEdge(fn *ssa.Function, edge func(*ssa.Function, *ssa.BasicBlock, int) bool) bool {
	for _, b := range fn.Blocks {
		for i := range b.Succs {
			if edge(fn, b, i) {
				return true
			}
		}
	}
	return false
}

// lazyEdge reports whether successor succ of block b is the nil edge of a
// test of a package variable (v == nil, v != nil) that the code reached
// only through the edge assigns.
func (e *engine) lazyEdge(fn *ssa.Function, b *ssa.BasicBlock, succ int) bool {
	_, ok := e.lazyRoot(fn, b, succ)
	return ok
}

// recvLazyEdge is a lazyEdge on a field of the method's receiver: once per
// value of the receiver, which is once per process only if the value
// lives that long.
func (e *engine) recvLazyEdge(fn *ssa.Function, b *ssa.BasicBlock, succ int) bool {
	root, ok := e.lazyRoot(fn, b, succ)
	_, recv := root.(*ssa.Parameter)
	return ok && recv
}

// lazyRoot returns the root of the location a lazy edge tests: the
// package variable or the receiver.
func (e *engine) lazyRoot(fn *ssa.Function, b *ssa.BasicBlock, succ int) (ssa.Value, bool) {
	ifi := branch(b)
	if ifi == nil {
		return nil, false
	}
	cmp, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || cmp.Op != token.EQL && cmp.Op != token.NEQ {
		return e.memoRoot(fn, b, succ)
	}
	g, ok := loadedGlobal(cmp.X)
	if !ok || !isNil(cmp.Y) {
		if g, ok = loadedGlobal(cmp.Y); !ok || !isNil(cmp.X) {
			return e.memoRoot(fn, b, succ)
		}
	}
	nilEdge := 0 // v == nil: the true edge
	if cmp.Op == token.NEQ {
		nilEdge = 1
	}
	if succ != nilEdge {
		return nil, false
	}
	assigned := e.behindEdge(fn, b, succ, func(instr ssa.Instruction) bool {
		st, ok := instr.(*ssa.Store)
		if !ok {
			return false
		}
		k, ok := globalAddr(st.Addr)
		return ok && k == g
	})
	return g.root, assigned
}

// globalKey names a location that outlives a call: a package variable, a
// field of one (h.c), also through a pointer variable (lz.c), or a field
// of a method's pointer receiver (l.c in func (l *lazyClient) get()),
// taken to be such a variable's.
type globalKey struct {
	root ssa.Value // *ssa.Global or the receiver *ssa.Parameter
	path string
}

// isReceiver reports whether p is the pointer receiver of its method.
func isReceiver(p *ssa.Parameter) bool {
	fn := p.Parent()
	if fn.Signature.Recv() == nil || len(fn.Params) == 0 || fn.Params[0] != p {
		return false
	}
	_, ptr := p.Type().Underlying().(*types.Pointer)
	return ptr
}

// loadedGlobal returns the location v loads, when it is in a package
// variable.
func loadedGlobal(v ssa.Value) (globalKey, bool) {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		return globalAddr(u.X)
	}
	return globalKey{}, false
}

// globalAddr returns the location address v points to, when it is in a
// package variable.
func globalAddr(v ssa.Value) (globalKey, bool) {
	switch v := v.(type) {
	case *ssa.Global:
		return globalKey{root: v}, true
	case *ssa.FieldAddr:
		if p, ok := v.X.(*ssa.Parameter); ok && isReceiver(p) {
			return globalKey{root: p, path: fmt.Sprintf(".%d", v.Field)}, true
		}
		k, ok := globalAddr(v.X)
		if !ok {
			if k, ok = loadedGlobal(v.X); !ok {
				return globalKey{}, false
			}
			k.path += "*"
		}
		k.path += fmt.Sprintf(".%d", v.Field)
		return k, true
	}
	return globalKey{}, false
}

func isNil(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.IsNil()
}

// lockBlocks returns the blocks of fn that call Lock of a sync.Mutex or
// RWMutex.
func lockBlocks(fn *ssa.Function) []*ssa.BasicBlock {
	var out []*ssa.BasicBlock
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			c, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			callee := c.Common().StaticCallee()
			if callee == nil {
				continue
			}
			if obj := funcObject(callee); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "sync" &&
				obj.Name() == "Lock" && (recvName(obj) == "Mutex" || recvName(obj) == "RWMutex") {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// sessionEdge reports whether successor succ of block b is the "absent"
// edge of a presence test of a state key, and the code reached only
// through it sets that key (without the Set, the test would fail on
// every rerun and guard nothing).
func (e *engine) sessionEdge(fn *ssa.Function, b *ssa.BasicBlock, succ int) bool {
	ifi := branch(b)
	if ifi == nil {
		return false
	}
	key, absent, ok := e.presenceTest(ifi.Cond)
	if ok && absent == succ {
		return e.behindEdge(fn, b, succ, func(instr ssa.Instruction) bool {
			c, ok := instr.(*ssa.Call)
			return ok && setsKey(c, key)
		})
	}
	// clears reports whether code behind the edge that no trigger guards
	// makes the test fail next time.
	var free []bool
	clears := func(changes func(*ssa.Call) bool) bool {
		if free == nil {
			free = e.reachable(fn, e.triggerEdge)
		}
		return e.behindEdge(fn, b, succ, func(instr ssa.Instruction) bool {
			c, ok := instr.(*ssa.Call)
			return ok && changes(c) && free[c.Block().Index]
		})
	}
	// The "present" edge with a Delete of the key behind it: a click kept
	// in the state, consumed by the branch that acts on it ("if
	// st.Has("promote") { st.Delete("promote"); ... }").
	if ok && clears(func(c *ssa.Call) bool { return deletesKey(c, key) }) {
		return true
	}
	// A test of the key's value with a Set of the key behind the edge
	// that no trigger guards ("if !dash.ValueOr(st, "welcomed", false) {
	// ...; st.Set("welcomed", true) }"; the "present" edge of a comparison
	// with the zero value, "if id, ok := dash.Value[string](st, "promote");
	// ok && id != "" { st.Set("promote", ""); ... }"): it runs once, until
	// the state says otherwise. A wizard's step ("switch step { case 2:
	// ...; if ui.Button("Next") { st.Set("step", 3) } }") runs on every
	// rerun while the state holds it.
	if key = valueKey(ifi.Cond, 4); key == nil {
		return false
	}
	return clears(func(c *ssa.Call) bool { return setsKey(c, key) || deletesKey(c, key) })
}

// behindEdge reports whether an instruction that only the edge from b to
// its successor succ leads to satisfies is.
func (e *engine) behindEdge(fn *ssa.Function, b *ssa.BasicBlock, succ int, is func(ssa.Instruction) bool) bool {
	reached := e.reachable(fn, func(x *ssa.BasicBlock, i int) bool { return x == b && i == succ })
	for _, blk := range fn.Blocks {
		if reached[blk.Index] {
			continue
		}
		if slices.ContainsFunc(blk.Instrs, is) {
			return true
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

// deletesKey reports whether c is (*dash.State).Delete of key.
func deletesKey(c *ssa.Call, key ssa.Value) bool {
	return DashFunc(staticObj(c), "State", "Delete") && len(c.Call.Args) == 2 && sameKey(c.Call.Args[1], key)
}

// branch returns the If ending b when it chooses between two different
// blocks, or nil.
func branch(b *ssa.BasicBlock) *ssa.If {
	if len(b.Instrs) == 0 || len(b.Succs) != 2 || b.Succs[0] == b.Succs[1] {
		return nil
	}
	ifi, _ := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	return ifi
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
	ifi := branch(b)
	if ifi == nil {
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
		// trigger's result, or any value on a path taken only after a
		// click (ui.Button(…) && armed).
		t = true
		var free []bool
		for i, x := range v.Edges {
			pred := v.Block().Preds[i]
			if isBool(x, false) || e.isTrigger(x) || e.edgeTrigger(pred, v.Block()) {
				continue
			}
			if free == nil {
				free = e.reachable(v.Parent(), e.triggerEdge)
			}
			if free[pred.Index] {
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
