package rerun

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file extends the lazy guard (guards.go) to the caches users write
// by hand, which run their work on a miss only:
//
//   - a memo: a lookup in a map or a sync.Map kept in a package variable
//     or a field of the method's receiver, whose miss branch stores into
//     the same map ("if v, ok := memo[k]; ok { return v }; v := load();
//     memo[k] = v");
//   - a refresh: a test that reads a package variable or receiver field
//     (a timestamp, the last key loaded) whose branch assigns it ("if
//     time.Since(fetched) < ttl { return cached }; cached = load();
//     fetched = time.Now()").
//
// Like a nil test, such code runs once per key or period of the process,
// not on every rerun, or once per value of the receiver.

// memoRoot returns the root of the location a memo or refresh edge of
// fn's branch at the end of b tests, when successor succ is its miss.
func (e *engine) memoRoot(fn *ssa.Function, b *ssa.BasicBlock, succ int) (ssa.Value, bool) {
	ifi := branch(b)
	if ifi == nil {
		return nil, false
	}
	cond, hitEdge := ifi.Cond, 0
	for {
		u, ok := cond.(*ssa.UnOp)
		if !ok || u.Op != token.NOT {
			break
		}
		cond, hitEdge = u.X, 1-hitEdge
	}
	if k, ok := memoLookup(cond); ok && succ != hitEdge &&
		e.behindEdge(fn, b, succ, func(instr ssa.Instruction) bool { return storesInto(instr, k) }) {
		return k.root, true
	}
	if root, ok := e.refreshEdges(fn)[edge{b.Index, succ}]; ok {
		return root, true
	}
	return nil, false
}

// edge is successor succ of the block with index b.
type edge struct{ b, succ int }

// refreshEdges returns, memoised per function, the miss edges of fn's
// refresh tests with the roots of the variables they test. For each
// variable fn assigns (a package variable or a receiver field), the tests
// are the branches whose condition reads it; they form a refresh test when
// one of their edges leads where the variable is never assigned (the hit:
// return what is kept) and another where it is (the miss). Their edges
// that can reach an assignment are miss edges, together: the test may be
// split over several branches ("!fetched.IsZero() && time.Since(fetched)
// < ttl").
func (e *engine) refreshEdges(fn *ssa.Function) map[edge]ssa.Value {
	if m, ok := e.refresh[fn]; ok {
		return m
	}
	m := map[edge]ssa.Value{}
	e.refresh[fn] = m
	// A memo's entry may be tested beyond its presence ("ok &&
	// time.Since(e.at) < ttl"): its map counts as a variable, assigned by
	// stores of entries, and read by tests of what its lookups returned.
	var memos []globalKey
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				if k, ok := lookupMap(v); ok && !slices.Contains(memos, k) {
					memos = append(memos, k)
				}
			}
		}
	}
	stores := map[globalKey][]*ssa.BasicBlock{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if st, ok := instr.(*ssa.Store); ok {
				if k, ok := globalAddr(st.Addr); ok {
					stores[k] = append(stores[k], b)
				}
			}
			for _, k := range memos {
				if storesInto(instr, k) {
					stores[k] = append(stores[k], b)
				}
			}
		}
	}
	if len(stores) == 0 {
		return m
	}
	tests := map[globalKey][]*ssa.BasicBlock{}
	for _, b := range fn.Blocks {
		ifi := branch(b)
		if ifi == nil {
			continue
		}
		keys := readGlobals(ifi.Cond, 6)
		if len(keys) == 0 || inCycle(fn, b) {
			// A loop over a variable the body assigns (draining a
			// package-level queue) is no cache.
			continue
		}
		for _, k := range keys {
			if len(stores[k]) > 0 && !slices.Contains(tests[k], b) {
				tests[k] = append(tests[k], b)
			}
		}
	}
	for k, bs := range tests {
		reaches := reachesAny(fn, stores[k])
		hit := false
		for _, b := range bs {
			for _, s := range b.Succs {
				hit = hit || !reaches[s.Index]
			}
		}
		if !hit {
			continue
		}
		for _, b := range bs {
			for i, s := range b.Succs {
				if reaches[s.Index] {
					m[edge{b.Index, i}] = k.root
				}
			}
		}
	}
	return m
}

// inCycle reports whether b can reach itself.
func inCycle(fn *ssa.Function, b *ssa.BasicBlock) bool {
	back := reachesAny(fn, []*ssa.BasicBlock{b})
	for _, s := range b.Succs {
		if back[s.Index] {
			return true
		}
	}
	return false
}

// reachesAny returns, per block of fn, whether a path from it reaches one
// of the targets.
func reachesAny(fn *ssa.Function, targets []*ssa.BasicBlock) []bool {
	out := make([]bool, len(fn.Blocks))
	work := slices.Clone(targets)
	for _, t := range targets {
		out[t.Index] = true
	}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, p := range b.Preds {
			if !out[p.Index] {
				out[p.Index] = true
				work = append(work, p)
			}
		}
	}
	return out
}

// memoLookup returns the map a lookup's "found" result v comes from: the
// ok of v, ok := m[k], or of (*sync.Map).Load, on a map in a package
// variable or a receiver's field.
func memoLookup(v ssa.Value) (globalKey, bool) {
	x, ok := v.(*ssa.Extract)
	if !ok || x.Index != 1 {
		return globalKey{}, false
	}
	return lookupMap(x.Tuple)
}

// lookupMap returns the map that t, a comma-ok lookup or a
// (*sync.Map).Load, looks up, when it is in a package variable or a
// receiver's field.
func lookupMap(t ssa.Value) (globalKey, bool) {
	switch t := t.(type) {
	case *ssa.Lookup:
		if t.CommaOk {
			return loadedGlobal(t.X)
		}
	case *ssa.Call:
		if isSyncMap(t, "Load") && len(t.Call.Args) > 0 {
			return globalAddr(t.Call.Args[0])
		}
	}
	return globalKey{}, false
}

// storesInto reports whether instr stores an entry into the map at k.
func storesInto(instr ssa.Instruction, k globalKey) bool {
	switch in := instr.(type) {
	case *ssa.MapUpdate:
		m, ok := loadedGlobal(in.Map)
		return ok && m == k
	case *ssa.Call:
		if (isSyncMap(in, "Store") || isSyncMap(in, "LoadOrStore") || isSyncMap(in, "Swap")) && len(in.Call.Args) > 0 {
			m, ok := globalAddr(in.Call.Args[0])
			return ok && m == k
		}
	}
	return false
}

func isSyncMap(c *ssa.Call, method string) bool {
	obj := staticObj(c)
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "sync" && obj.Name() == method && recvName(obj) == "Map"
}

// readGlobals returns the package variables and receiver fields the
// condition v reads, through comparisons, negations and the arguments of
// calls (time.Since(fetched), fetched.IsZero()), depth levels deep, and the
// memo maps whose lookup results (or their fields) it reads.
func readGlobals(v ssa.Value, depth int) []globalKey {
	if depth == 0 {
		return nil
	}
	if k, ok := loadedGlobal(v); ok {
		return []globalKey{k}
	}
	var out []globalKey
	switch v := v.(type) {
	case *ssa.Extract: // what a memo's lookup returned
		if k, ok := lookupMap(v.Tuple); ok {
			return []globalKey{k}
		}
		if t, ok := v.Tuple.(*ssa.TypeAssert); ok {
			out = readGlobals(t.X, depth-1)
		}
	case *ssa.TypeAssert: // v.(entry) of a sync.Map's value
		out = readGlobals(v.X, depth-1)
	case *ssa.Field: // e.at of the entry found
		out = readGlobals(v.X, depth-1)
	case *ssa.FieldAddr: // the same, with e a local variable
		out = readGlobals(v.X, depth-1)
	case *ssa.Alloc: // a local variable: what is stored into it
		for _, r := range *v.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == v {
				out = append(out, readGlobals(st.Val, depth-1)...)
			}
		}
	case *ssa.BinOp:
		out = append(readGlobals(v.X, depth-1), readGlobals(v.Y, depth-1)...)
	case *ssa.UnOp:
		out = readGlobals(v.X, depth-1)
	case *ssa.Call:
		for _, a := range v.Call.Args {
			out = append(out, readGlobals(a, depth-1)...)
		}
	}
	return out
}
