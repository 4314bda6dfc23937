package rerun

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the callee-resolution stage for channel sends. A page that
// hands work to a long-lived goroutine (`jobs <- req`, a worker started in
// main that ranges over jobs and queries) makes the worker query once per
// send: the send reaches what the worker does after it receives. Channels
// are matched by keys (chanKeys): where they are kept, a package variable
// or a struct field, and the make calls they come from, followed through
// locals, captured variables, parameters and fields the way function
// values are (values.go), so a channel made in main and handed to both a
// worker and the page's closure is one channel. A channel made in the page
// reaches its workers through the go statement that starts them, which is
// a call like any other.

// chanHome is the variable a channel is kept in: a package-level var or
// a struct field, or nil for a channel in a local.
func chanHome(v ssa.Value) *types.Var {
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return nil
		}
		switch a := v.X.(type) {
		case *ssa.Global:
			obj, _ := a.Object().(*types.Var)
			return obj
		case *ssa.FieldAddr:
			return fieldVar(a.X.Type(), a.Field)
		}
	case *ssa.Field:
		return fieldVar(v.X.Type(), v.Field)
	}
	return nil
}

// fieldVar returns field i of the struct t (or of the struct t points to).
func fieldVar(t types.Type, i int) *types.Var {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || i >= st.NumFields() {
		return nil
	}
	return st.Field(i).Origin()
}

// recvSite is a receive from a channel kept in a variable: in fn, at
// instruction index at of block b.
type recvSite struct {
	fn *ssa.Function
	b  *ssa.BasicBlock
	at int
}

// chanKeys returns what identifies the channel v across the package: the
// variable or field it is kept in (a *types.Var) and the make calls it may
// come from (*ssa.MakeChan). A trace that loses sight of some sources keeps
// the ones it found: a send reaches the receivers of each channel it may
// be.
func (e *engine) chanKeys(v ssa.Value) []any {
	var keys []any
	if h := chanHome(v); h != nil {
		keys = append(keys, h)
	}
	t := e.newTracer()
	t.value(v)
	for _, mc := range t.chans {
		keys = append(keys, mc)
	}
	return keys
}

// receivers returns the receives of the package from the channel key
// (chanKeys) names, indexed on first need.
func (e *engine) receivers(key any) []recvSite {
	if e.recvs == nil {
		e.recvs = map[any][]recvSite{}
		for _, fn := range e.funcs {
			for _, b := range fn.Blocks {
				for i, instr := range b.Instrs {
					for _, ch := range chansOf(instr, types.RecvOnly) {
						for _, k := range e.chanKeys(ch) {
							e.recvs[k] = append(e.recvs[k], recvSite{fn, b, i})
						}
					}
				}
			}
		}
	}
	return e.recvs[key]
}

// chansOf returns the channels instr receives from (dir RecvOnly: a
// receive, a range over a channel being one too) or sends on (SendOnly: a
// send), directly or in the cases of a select.
func chansOf(instr ssa.Instruction, dir types.ChanDir) []ssa.Value {
	switch in := instr.(type) {
	case *ssa.UnOp:
		if in.Op == token.ARROW && dir == types.RecvOnly {
			return []ssa.Value{in.X}
		}
	case *ssa.Send:
		if dir == types.SendOnly {
			return []ssa.Value{in.Chan}
		}
	case *ssa.Select:
		var out []ssa.Value
		for _, st := range in.States {
			if st.Dir == dir {
				out = append(out, st.Chan)
			}
		}
		return out
	}
	return nil
}

// sendReach returns the chains of a send instruction: what the package's
// receivers of each channel it sends on reach after they receive, each
// chain starting at the receiving function.
func (e *engine) sendReach(instr ssa.Instruction) (q, r *Chain) {
	var b best
	for _, ch := range chansOf(instr, types.SendOnly) {
		b.add(e.chanReach(ch))
	}
	return b.q, b.r
}

// chanReach returns what a send on the channel ch reaches, through each of
// its keys.
func (e *engine) chanReach(ch ssa.Value) (q, r *Chain) {
	var b best
	for _, k := range e.chanKeys(ch) {
		b.add(e.homeReach(k))
	}
	return b.q, b.r
}

// homeReach returns what a send on the channel key names reaches: what
// this package's receivers do after they receive, and, for a variable or
// field of another package, what its ChanFact says of that package's.
func (e *engine) homeReach(key any) (q, r *Chain) {
	var b best
	if home, ok := key.(*types.Var); ok && home.Pkg() != nil && home.Pkg() != e.pkg {
		var f ChanFact
		if e.pass.ImportObjectFact(home, &f) {
			b.add(f.Query, f.Resource)
		}
	}
	for _, rs := range e.receivers(key) {
		if e.draining[rs.fn] {
			continue // a worker that feeds itself
		}
		e.draining[rs.fn] = true
		rq, rr := e.reachAfter(rs)
		delete(e.draining, rs.fn)
		st := e.stepOfFunc(rs.fn, false)
		st.Serves = true
		b.add(rq.prepend(st), rr.prepend(st))
	}
	return b.q, b.r
}

// chanFacts returns, for each channel home of this package with a
// receiver here that reaches something, the fact importers sending on it
// need, in source order.
func (e *engine) chanFacts() (homes []*types.Var, facts []*ChanFact) {
	e.receivers(nil) // index
	for key := range e.recvs {
		if home, ok := key.(*types.Var); ok && home.Pkg() == e.pkg {
			homes = append(homes, home)
		}
	}
	slices.SortFunc(homes, func(a, b *types.Var) int { return int(a.Pos() - b.Pos()) })
	kept := homes[:0]
	for _, home := range homes {
		if q, r := e.homeReach(home); q != nil || r != nil {
			kept = append(kept, home)
			facts = append(facts, &ChanFact{Query: q, Resource: r})
		}
	}
	return kept, facts
}

// reachAfter returns what fn reaches after the receive at rs: the calls
// after it in its block and in every block reachable from there, with the
// guards and once levels a summary applies.
func (e *engine) reachAfter(rs recvSite) (q, r *Chain) {
	g := e.guardsOf(rs.fn)
	var found best
	seen := map[*ssa.BasicBlock]bool{}
	var visit func(b *ssa.BasicBlock, from int)
	visit = func(b *ssa.BasicBlock, from int) {
		if from == 0 {
			if seen[b] {
				return
			}
			seen[b] = true
		}
		if !g.guarded(b) {
			o := g.onceLevel(b)
			for _, instr := range b.Instrs[from:] {
				c, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				cq, cr := e.callReach(c.Common(), nil)
				if o != EveryRerun {
					cq, cr = nil, cr.onceAt(o, g.lockedAt(b))
				}
				found.add(cq, cr)
			}
		}
		for _, s := range b.Succs {
			visit(s, 0)
		}
	}
	visit(rs.b, rs.at+1)
	return found.q, found.r
}
