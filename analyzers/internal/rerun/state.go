package rerun

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the state stage: constant State.Set calls that reset
// session state on every rerun, directly in an entry or in a helper that
// receives the state (any package, generic or not), through summaries and
// facts. A Set is a reset when its value is fixed at compile time (a
// constant, a composite literal of constants, an element of a constant
// table being looped over) and it is reachable without a presence test of
// its key (Has, Get's ok, dash.Value's ok) or a trigger on the way.

// Reset is a state reset on an entry's path.
type Reset struct {
	Pos, End token.Pos
	Key      string        // the key's source text
	Via      []Step        // helpers from the reported call down to the Set
	Call     *ast.CallExpr // the Set itself, when Via is empty
	// Consumes is set when the entry reads the key before this Set (a
	// message shown once, then cleared): SetDefault would never clear
	// it, so the Set belongs in the branch that uses the value.
	Consumes bool
}

// maxResets bounds the resets a summary carries.
const maxResets = 8

// setCall returns the state, key and value of a call to (*dash.State).Set.
func setCall(c *ssa.CallCommon) (state, key, val ssa.Value, ok bool) {
	callee := c.StaticCallee()
	if callee == nil || len(c.Args) != 3 || !DashFunc(funcObject(callee), "State", "Set") {
		return nil, nil, nil, false
	}
	return c.Args[0], c.Args[1], c.Args[2], true
}

// entryResets records the resets made by instruction in of fn, on the path
// of entry ent: those whose key and value are both fixed here.
func (e *engine) entryResets(ent *Entry, fn *ssa.Function, in ssa.CallInstruction, guarded bool) {
	if guarded {
		return
	}
	specs, call := e.resetsAt(fn, in, true)
	for _, r := range specs {
		if r.KeyParam >= 0 || r.ValueParam >= 0 {
			continue
		}
		pos, end := e.span(in.Common().Pos(), in)
		reset := &Reset{Pos: pos, End: end, Key: r.Key, Via: r.Via}
		if len(r.Via) == 0 {
			reset.Call = call
			_, key, _, _ := setCall(in.Common())
			reset.Consumes = readsBefore(fn, in, key)
		}
		ent.Resets = append(ent.Resets, reset)
	}
}

// readsBefore reports whether fn reads the value of key from the state
// (Get, dash.Value, dash.ValueOr; a presence test is not a read) on a path
// to instruction in.
func readsBefore(fn *ssa.Function, in ssa.Instruction, key ssa.Value) bool {
	if key == nil {
		return false
	}
	// from[i]: block i leads to in's block (itself only in a loop).
	from := reachesAny(fn, in.Block().Preds)
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if b == in.Block() && instr == in && !from[b.Index] {
				break // later in the block than in, and no loop back
			}
			c, ok := instr.(*ssa.Call)
			if !ok || len(c.Call.Args) < 2 || b != in.Block() && !from[b.Index] {
				continue
			}
			if !sameKey(c.Call.Args[1], key) {
				continue
			}
			obj := staticObj(c)
			if DashFunc(obj, "", "ValueOr") || (DashFunc(obj, "State", "Get") || DashFunc(obj, "", "Value")) && usesValue(c) {
				return true
			}
		}
	}
	return false
}

// usesValue reports whether the value c returns first (of a tuple) is used.
func usesValue(c *ssa.Call) bool {
	for _, r := range *c.Referrers() {
		if x, ok := r.(*ssa.Extract); ok && x.Index == 0 && slices.ContainsFunc(*x.Referrers(), func(i ssa.Instruction) bool {
			_, debug := i.(*ssa.DebugRef)
			return !debug
		}) {
			return true
		}
	}
	return false
}

// noteResets records in the summary of fn the resets instruction in makes
// on a state fn receives.
func (e *engine) noteResets(fn *ssa.Function, in ssa.CallInstruction, s *summary) {
	if HasUIParam(fn.Signature) {
		return
	}
	specs, _ := e.resetsAt(fn, in, false)
	for _, r := range specs {
		if len(s.resets) >= maxResets {
			return
		}
		if r.State >= 0 {
			s.resets = append(s.resets, r)
		}
	}
}

// resetsAt returns the resets instruction in of fn makes, as specs
// relative to fn: a direct Set, or the resets of the callee bound to this
// call's arguments. A spec's key and value are fixed or parameters of fn;
// its State is a parameter of fn or -1. With anyKey, a direct Set's key
// may be any expression (an entry reports it by its text). The Set call's
// syntax is returned for a direct Set.
func (e *engine) resetsAt(fn *ssa.Function, in ssa.CallInstruction, anyKey bool) ([]ResetSpec, *ast.CallExpr) {
	c := in.Common()
	if state, key, val, ok := setCall(c); ok {
		spec, ok := e.bindReset(fn, in.Block(), state, key, val, "", anyKey)
		if !ok {
			return nil, nil
		}
		call, _ := e.exprAt(c.Pos()).(*ast.CallExpr)
		if call != nil && len(call.Args) == 2 && spec.KeyParam < 0 {
			spec.Key = types.ExprString(call.Args[0])
		}
		return []ResetSpec{spec}, call
	}
	callee := c.StaticCallee()
	if callee == nil || HasUIParam(callee.Signature) {
		return nil, nil
	}
	_, specs, st, ok := e.calleeFact(callee)
	if !ok {
		return nil, nil
	}
	var out []ResetSpec
	for _, r := range specs {
		if r.State >= len(c.Args) || r.KeyParam >= len(c.Args) || r.ValueParam >= len(c.Args) {
			continue
		}
		var key, val ssa.Value
		if r.KeyParam >= 0 {
			key = c.Args[r.KeyParam]
		}
		if r.ValueParam >= 0 {
			val = c.Args[r.ValueParam]
		}
		spec, ok := e.bindReset(fn, in.Block(), c.Args[r.State], key, val, r.Key, false)
		if !ok {
			continue
		}
		spec.Via = append([]Step{st}, r.Via...)
		out = append(out, spec)
	}
	return out, nil
}

// bindReset relates a Set's state, key and value, seen in block b of fn,
// to fn. A nil key or value was fixed by a callee (the key's text is
// fixedKey). ok is false when the key or value is computed here, or the
// key is tested for presence on the way to b.
func (e *engine) bindReset(fn *ssa.Function, b *ssa.BasicBlock, state, key, val ssa.Value, fixedKey string, anyKey bool) (spec ResetSpec, ok bool) {
	spec = ResetSpec{State: stateParam(fn, state), Key: fixedKey, KeyParam: -1, ValueParam: -1}
	if key != nil {
		if spec.KeyParam = paramIndex(fn, key); spec.KeyParam < 0 {
			if !anyKey && !e.constLike(key) || e.presenceGuarded(fn, b, key) {
				return spec, false
			}
			spec.Key = constText(key)
		}
	}
	if val != nil && !e.constLike(val) {
		if spec.ValueParam = paramIndex(fn, val); spec.ValueParam < 0 {
			return spec, false
		}
	}
	return spec, true
}

// stateParam returns the parameter of fn through which v, a *dash.State,
// was received: the parameter itself, or a field of a received struct.
func stateParam(fn *ssa.Function, v ssa.Value) int {
	switch x := v.(type) {
	case *ssa.UnOp:
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
			return stateParam(fn, fa.X)
		}
	case *ssa.Field:
		return stateParam(fn, x.X)
	case *ssa.Alloc:
		// A struct received by value is spilled to a local before a field
		// is read: local Cart (c); *t0 = c; &t0.St.
		if p := spilledParam(x); p != nil {
			return paramIndex(fn, p)
		}
	}
	return paramIndex(fn, v)
}

// spilledParam returns the parameter a local holds when the compiler
// spilled it there: a struct received by value whose field is addressed,
// a parameter a closure captures (local T (c); *t0 = c).
func spilledParam(a *ssa.Alloc) *ssa.Parameter {
	for _, r := range *a.Referrers() {
		if st, ok := r.(*ssa.Store); ok && st.Addr == a {
			if p, ok := st.Val.(*ssa.Parameter); ok {
				return p
			}
		}
	}
	return nil
}

// paramIndex returns the index of the parameter of fn that v is (through
// conversions), or -1.
func paramIndex(fn *ssa.Function, v ssa.Value) int {
	if i, elem := paramOf(fn, v); !elem {
		return i
	}
	return -1
}

func constText(v ssa.Value) string {
	if c, ok := v.(*ssa.Const); ok && c.Value != nil {
		return c.Value.ExactString()
	}
	return "…"
}

// constLike reports whether v is fixed at compile time: the mark of an
// initialisation rather than of storing what the run computed.
func (e *engine) constLike(v ssa.Value) bool {
	seen := map[ssa.Value]bool{}
	var value, addr, fresh func(v ssa.Value) bool
	value = func(v ssa.Value) bool {
		if seen[v] {
			return true // a cycle adds nothing new
		}
		seen[v] = true
		if len(seen) > maxTrace {
			return false
		}
		switch x := v.(type) {
		case *ssa.Const:
			return true
		case *ssa.MakeInterface:
			return value(x.X)
		case *ssa.ChangeType:
			return value(x.X)
		case *ssa.Convert:
			return value(x.X)
		case *ssa.ChangeInterface:
			return value(x.X)
		case *ssa.Phi:
			for _, y := range x.Edges {
				if !value(y) {
					return false
				}
			}
			return true
		case *ssa.Extract:
			// k, v of "for k, v := range table".
			if next, ok := x.Tuple.(*ssa.Next); ok {
				if rng, ok := next.Iter.(*ssa.Range); ok {
					return value(rng.X)
				}
			}
			return false
		case *ssa.Field:
			return value(x.X)
		case *ssa.Index:
			return value(x.X)
		case *ssa.Slice:
			return value(x.X)
		case *ssa.UnOp:
			return x.Op == token.MUL && addr(x.X)
		case *ssa.Alloc, *ssa.MakeMap, *ssa.MakeSlice:
			return fresh(x)
		}
		return false
	}
	// addr: the variable at address a holds only constant values.
	addr = func(a ssa.Value) bool {
		switch x := a.(type) {
		case *ssa.Global:
			if x.Pkg != e.ssa {
				return false
			}
			// What is stored into the variable, and into the map or slice
			// it holds (through any load of it), must be constant.
			ix := e.index()
			for _, st := range append(ix.globals[x], ix.elems[x]...) {
				if !value(st) {
					return false
				}
			}
			return true
		case *ssa.Alloc:
			return fresh(x)
		case *ssa.FieldAddr:
			return addr(x.X)
		case *ssa.IndexAddr:
			if _, isPtr := x.X.Type().Underlying().(*types.Pointer); isPtr {
				return addr(x.X)
			}
			return value(x.X)
		}
		return false
	}
	// fresh: a literal made in the function, written only with constants
	// and never handed to a call (which could fill it).
	fresh = func(v ssa.Value) bool {
		if x, ok := v.(*ssa.MakeSlice); ok && (!value(x.Len) || !value(x.Cap)) {
			return false
		}
		refs := v.Referrers()
		if refs == nil {
			return true
		}
		for _, r := range *refs {
			switch r := r.(type) {
			case *ssa.Store:
				if _, toGlobal := r.Addr.(*ssa.Global); r.Val == v && toGlobal {
					continue // a table declared at package level; see addr
				}
				if r.Addr != v || !value(r.Val) {
					return false
				}
			case *ssa.MapUpdate:
				if !value(r.Key) || !value(r.Value) {
					return false
				}
			case *ssa.FieldAddr:
				if !fresh(r) {
					return false
				}
			case *ssa.IndexAddr:
				if !fresh(r) {
					return false
				}
			case *ssa.UnOp, *ssa.Slice, *ssa.MakeInterface, *ssa.DebugRef, *ssa.Lookup, *ssa.Range, *ssa.Field, *ssa.Index:
			default:
				return false
			}
		}
		return true
	}
	return value(v)
}

// presenceGuarded reports whether block b of fn is reached only through an
// edge of a presence test of key that b is behind (in either polarity:
// "if !st.Has(k) { Set }" and "if st.Has(k) { return }" alike), a test of
// key's value that b is behind
// ("if run { ...; st.Set(k, false) }": a step of a state machine, not a
// reset on every rerun), or a trigger.
func (e *engine) presenceGuarded(fn *ssa.Function, b *ssa.BasicBlock, key ssa.Value) bool {
	reached := e.reachable(fn, func(blk *ssa.BasicBlock, succ int) bool {
		if e.triggerEdge(blk, succ) {
			return true
		}
		ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If)
		if !ok {
			return false
		}
		if !e.testsPresence(ifi.Cond, key) {
			if k := valueKey(ifi.Cond, 4); k == nil || !sameKey(k, key) {
				return false
			}
		}
		// Only the edge b is behind (triggers aside: "if !ok ||
		// ui.Button("Reset")") guards it: a Set after the test, where both
		// edges meet ("if msg, ok := Value(st, k); ok { ui.Info(msg) };
		// st.Set(k, "")"), runs on every rerun.
		return !e.reachable(fn, func(x *ssa.BasicBlock, i int) bool {
			return x == blk && i == succ || e.triggerEdge(x, i)
		})[b.Index]
	})
	return !reached[b.Index]
}

// valueKey returns the key whose value the condition v reads: the value
// of st.Get(k) or dash.Value(st, k), or dash.ValueOr(st, k, def), through
// negations and comparisons, depth levels deep; nil when none.
func valueKey(v ssa.Value, depth int) ssa.Value {
	if depth == 0 {
		return nil
	}
	switch v := v.(type) {
	case *ssa.UnOp:
		return valueKey(v.X, depth-1)
	case *ssa.BinOp:
		if k := valueKey(v.X, depth-1); k != nil {
			return k
		}
		return valueKey(v.Y, depth-1)
	case *ssa.TypeAssert:
		return valueKey(v.X, depth-1)
	case *ssa.Extract:
		if v.Index != 0 {
			return nil
		}
		if call, ok := v.Tuple.(*ssa.TypeAssert); ok {
			return valueKey(call.X, depth-1)
		}
		call, ok := v.Tuple.(*ssa.Call)
		if !ok {
			return nil
		}
		if obj := staticObj(call); (DashFunc(obj, "State", "Get") || DashFunc(obj, "", "Value")) && len(call.Call.Args) >= 2 {
			return call.Call.Args[1]
		}
	case *ssa.Call:
		if DashFunc(staticObj(v), "", "ValueOr") && len(v.Call.Args) >= 2 {
			return v.Call.Args[1]
		}
	}
	return nil
}

// testsPresence reports whether cond tests whether key is in the state.
func (e *engine) testsPresence(cond, key ssa.Value) bool {
	k, _, ok := e.presenceTest(cond)
	return ok && sameKey(k, key)
}

// presenceTest reports whether cond tests whether a key is in the state:
// st.Has(k), the ok of st.Get(k) or dash.Value(st, k), or the value they
// return compared with a constant (nil, zero). absent is the successor of
// an If on cond taken when the key is not there.
func (e *engine) presenceTest(cond ssa.Value) (key ssa.Value, absent int, ok bool) {
	flip := false
	for {
		not, isNot := cond.(*ssa.UnOp)
		if !isNot || not.Op != token.NOT {
			break
		}
		cond, flip = not.X, !flip
	}
	// lookup returns the key of a State.Get or dash.Value call whose
	// result want is v.
	lookup := func(v ssa.Value, want int) ssa.Value {
		x, ok := v.(*ssa.Extract)
		if !ok || x.Index != want {
			return nil
		}
		call, ok := x.Tuple.(*ssa.Call)
		if !ok {
			return nil
		}
		obj := staticObj(call)
		if (DashFunc(obj, "State", "Get") || DashFunc(obj, "", "Value")) && len(call.Call.Args) >= 2 {
			return call.Call.Args[1]
		}
		return nil
	}
	absent = 1 // the false edge: the test says the key is there
	switch x := cond.(type) {
	case *ssa.Call:
		if DashFunc(staticObj(x), "State", "Has") && len(x.Call.Args) == 2 {
			key = x.Call.Args[1]
		} else if k, a, ok := e.helperPresence(x); ok {
			key, absent = k, a
		}
	case *ssa.Extract:
		key = lookup(x, 1)
	case *ssa.BinOp:
		if x.Op != token.EQL && x.Op != token.NEQ {
			break
		}
		if _, c := x.Y.(*ssa.Const); c {
			key = lookup(x.X, 0)
		} else if _, c := x.X.(*ssa.Const); c {
			key = lookup(x.Y, 0)
		}
		if x.Op == token.EQL { // v == nil: true when the key is not there
			absent = 0
		}
	}
	if key == nil {
		return nil, 0, false
	}
	if flip {
		absent = 1 - absent
	}
	return key, absent, true
}

// helperPresence reports whether call is to a function of the package
// that returns a presence test (func started(st *dash.State) bool { return
// st.Has("step") }): the key it tests (the call's argument when the key is
// its parameter), and which way the call's result says it is absent.
func (e *engine) helperPresence(call *ssa.Call) (key ssa.Value, absent int, ok bool) {
	fn := call.Call.StaticCallee()
	if fn == nil {
		return nil, 0, false
	}
	if !e.local(fn) {
		// Another package's helper: its fact.
		obj := funcObject(origin(fn))
		var f FuncFact
		if obj == nil || obj.Pkg() == e.pkg || !e.pass.ImportObjectFact(obj, &f) || f.Presence == nil {
			return nil, 0, false
		}
		p := f.Presence
		if p.KeyParam < 0 {
			return ssa.NewConst(constant.MakeString(p.Key), types.Typ[types.String]), p.Absent, true
		}
		if p.KeyParam >= len(call.Call.Args) {
			return nil, 0, false
		}
		return call.Call.Args[p.KeyParam], p.Absent, true
	}
	if fn.Blocks == nil || e.inPresence[fn] {
		return nil, 0, false
	}
	e.inPresence[fn] = true
	defer delete(e.inPresence, fn)
	for _, b := range fn.Blocks {
		ret, isRet := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !isRet {
			continue
		}
		if len(ret.Results) != 1 {
			return nil, 0, false
		}
		k, a, found := e.presenceTest(ret.Results[0])
		if !found || key != nil && (a != absent || !sameKey(k, key)) {
			return nil, 0, false
		}
		key, absent = k, a
	}
	if key == nil {
		return nil, 0, false
	}
	if p, isParam := key.(*ssa.Parameter); isParam {
		i := paramIndex(fn, p)
		if i < 0 || i >= len(call.Call.Args) {
			return nil, 0, false
		}
		key = call.Call.Args[i]
	}
	return key, absent, true
}

// presenceSpec returns, for the fact of fn, the presence test fn returns:
// its key as a parameter or a constant string.
func (e *engine) presenceSpec(fn *ssa.Function) *PresenceSpec {
	if fn.Signature.Results().Len() != 1 || !types.Identical(fn.Signature.Results().At(0).Type(), types.Typ[types.Bool]) {
		return nil
	}
	// Ask as a caller would, with fn's own parameters as the arguments.
	args := make([]ssa.Value, len(fn.Params))
	for i, p := range fn.Params {
		args[i] = p
	}
	call := &ssa.Call{Call: ssa.CallCommon{Value: fn, Args: args}}
	key, absent, ok := e.helperPresence(call)
	if !ok {
		return nil
	}
	if p, isParam := key.(*ssa.Parameter); isParam {
		if i := paramIndex(fn, p); i >= 0 {
			return &PresenceSpec{KeyParam: i, Absent: absent}
		}
		return nil
	}
	if c, isConst := key.(*ssa.Const); isConst && c.Value != nil && c.Value.Kind() == constant.String {
		return &PresenceSpec{KeyParam: -1, Key: constant.StringVal(c.Value), Absent: absent}
	}
	return nil
}

// staticObj is the declared function a call statically calls, or nil.
func staticObj(c *ssa.Call) *types.Func {
	if f := c.Call.StaticCallee(); f != nil {
		return funcObject(f)
	}
	return nil
}

func sameKey(a, b ssa.Value) bool { return sameExpr(a, b, 4) }

// sameExpr reports whether a and b compute the same value: the same
// constant, the same SSA value, or the same field, element or operation
// of values that are (depth levels deep). SSA makes a new instruction for
// each use of d.key, so the key of "if !st.Has(d.key) { st.Set(d.key, …)
// }" is two values that read one field.
func sameExpr(a, b ssa.Value, depth int) bool {
	if a == b {
		return true
	}
	ca, okA := a.(*ssa.Const)
	cb, okB := b.(*ssa.Const)
	if okA && okB && ca.Value != nil && cb.Value != nil {
		return ca.Value.Kind() == cb.Value.Kind() && constant.Compare(ca.Value, token.EQL, cb.Value)
	}
	if depth == 0 {
		return false
	}
	depth--
	switch a := a.(type) {
	case *ssa.Field:
		b, ok := b.(*ssa.Field)
		return ok && a.Field == b.Field && sameExpr(a.X, b.X, depth)
	case *ssa.FieldAddr:
		b, ok := b.(*ssa.FieldAddr)
		return ok && a.Field == b.Field && sameExpr(a.X, b.X, depth)
	case *ssa.UnOp:
		b, ok := b.(*ssa.UnOp)
		return ok && a.Op == b.Op && a.Op != token.ARROW && sameExpr(a.X, b.X, depth) // two receives differ
	case *ssa.BinOp:
		b, ok := b.(*ssa.BinOp)
		return ok && a.Op == b.Op && sameExpr(a.X, b.X, depth) && sameExpr(a.Y, b.Y, depth)
	case *ssa.Index:
		b, ok := b.(*ssa.Index)
		return ok && sameExpr(a.X, b.X, depth) && sameExpr(a.Index, b.Index, depth)
	case *ssa.IndexAddr:
		b, ok := b.(*ssa.IndexAddr)
		return ok && sameExpr(a.X, b.X, depth) && sameExpr(a.Index, b.Index, depth)
	case *ssa.Convert:
		b, ok := b.(*ssa.Convert)
		return ok && types.Identical(a.Type(), b.Type()) && sameExpr(a.X, b.X, depth)
	case *ssa.MakeInterface:
		b, ok := b.(*ssa.MakeInterface)
		return ok && sameExpr(a.X, b.X, depth)
	}
	return false
}
