package rerun

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// This file is the lifetime stage: work a method does once per value of
// its receiver, behind a sync.Once in a field of it or a nil test of one
// of its fields (func (s *Service) Suppliers() { s.once.Do(s.load) }). On
// a service made once, in main, that is once per process, and the engine
// treats it so. On a value made on every call of the function calling the
// method (svc := service.New(db); svc.Suppliers(ctx) in a page), it is
// every rerun: the Once is new each time.

// recvOnce reports whether c is (*sync.Once).Do on a Once kept in a field
// of the receiver of the method making the call.
func recvOnce(c *ssa.CallCommon) bool {
	v, ok := onceOf(c)
	if !ok {
		return false
	}
	for {
		switch x := v.(type) {
		case *ssa.UnOp: // a *sync.Once field (s.once.Do), a receiver a closure captures
			if x.Op != token.MUL {
				return false
			}
			if a, ok := x.X.(*ssa.Alloc); ok {
				p := spilledParam(a)
				return p != nil && isReceiver(p)
			}
			v = fieldBase(x.X)
		case *ssa.Parameter:
			return isReceiver(x)
		default:
			return false
		}
	}
}

// onceArgReach returns what the function given to a (*sync.Once).Do
// call reaches when it runs.
func (e *engine) onceArgReach(c *ssa.CallCommon) (q, r *Chain) {
	if len(c.Args) < 2 {
		return nil, nil
	}
	var b best
	fns := literalArgs(c.Args[1])
	if len(fns) == 0 {
		fns, _ = e.funcTargets(c.Args[1])
	}
	for _, f := range fns {
		b.add(e.reachFunc(f, false))
	}
	return b.q, b.r
}

// perValueReach returns the chains of a method call whose receiver is a
// value made on this call of the caller: what the method does once per
// value, which is now every time.
func (e *engine) perValueReach(c *ssa.CallCommon) (q, r *Chain) {
	callee := c.StaticCallee()
	if callee == nil || callee.Signature.Recv() == nil || len(c.Args) == 0 || !e.fresh(c.Args[0]) {
		return nil, nil
	}
	callee = origin(callee)
	var st Step
	switch {
	case e.local(callee):
		s := e.summarise(callee)
		q, r = s.perValueQ, s.perValueR
		st = e.stepOfFunc(callee, s.ui)
	default:
		obj := funcObject(callee)
		var f FuncFact
		if obj == nil || obj.Pkg() == e.pkg || !e.pass.ImportObjectFact(obj, &f) {
			return nil, nil
		}
		q, r = f.PerValueQuery, f.PerValueResource
		st = stepOf(obj)
		st.UI = f.UI
	}
	st.PerValue = true
	return q.prepend(st), r.prepend(st)
}

// paramsAt returns the parameters call c runs of those its callee runs
// (params): one the callee runs once per value of its receiver runs on
// every call when the receiver is made on this call of the caller, once
// per value of the caller's own receiver when it is that (within caller,
// when known), and otherwise once.
func (e *engine) paramsAt(c *ssa.CallCommon, params []ParamCall, caller *ssa.Function) []ParamCall {
	if !slices.ContainsFunc(params, func(p ParamCall) bool { return p.PerValue }) {
		return params
	}
	var recv ssa.Value
	if !c.IsInvoke() && len(c.Args) > 0 {
		recv = c.Args[0]
	}
	out := make([]ParamCall, 0, len(params))
	for _, p := range params {
		switch {
		case !p.PerValue:
		case recv != nil && e.fresh(recv):
			p.PerValue, p.onFresh = false, true
		case recv != nil && caller != nil && isReceiverValue(caller, recv):
		default:
			continue
		}
		out = append(out, p)
	}
	return out
}

// isReceiverValue reports whether v is the pointer receiver of method fn.
func isReceiverValue(fn *ssa.Function, v ssa.Value) bool {
	p, ok := v.(*ssa.Parameter)
	return ok && p.Parent() == fn && isReceiver(p)
}

// fresh reports whether v is a value made on this call of its function:
// allocated here, or returned by a constructor that allocates it.
func (e *engine) fresh(v ssa.Value) bool {
	switch v := v.(type) {
	case *ssa.Alloc:
		return true
	case *ssa.Extract:
		if v.Index != 0 {
			return false
		}
		call, ok := v.Tuple.(*ssa.Call)
		return ok && e.returnsFresh(call.Call.StaticCallee())
	case *ssa.Call:
		return e.returnsFresh(v.Call.StaticCallee())
	}
	return false
}

// returnsFresh reports whether fn's first result is always a value it
// made (or nil, with an error): a constructor.
func (e *engine) returnsFresh(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	fn = origin(fn)
	if !e.local(fn) {
		obj := funcObject(fn)
		var f FuncFact
		return obj != nil && obj.Pkg() != e.pkg && e.pass.ImportObjectFact(obj, &f) && f.Fresh
	}
	if v, ok := e.freshFuncs[fn]; ok {
		return v
	}
	e.freshFuncs[fn] = false // a recursive constructor is not one
	if fn.Signature.Results().Len() == 0 {
		return false
	}
	if _, ptr := fn.Signature.Results().At(0).Type().Underlying().(*types.Pointer); !ptr {
		return false
	}
	made := false
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) == 0 {
			continue
		}
		switch res := ret.Results[0].(type) {
		case *ssa.Const:
			if !res.IsNil() {
				return false
			}
		default:
			if !e.fresh(res) {
				return false
			}
			made = true
		}
	}
	e.freshFuncs[fn] = made
	return made
}

// hasPerValue reports whether a function of the package does work once
// per value of its receiver.
func (e *engine) hasPerValue() bool {
	if e.perValue == nil {
		has := slices.ContainsFunc(e.funcs, func(fn *ssa.Function) bool {
			s := e.summarise(fn)
			return s.perValueQ != nil || s.perValueR != nil ||
				slices.ContainsFunc(s.params, func(p ParamCall) bool { return p.PerValue })
		})
		e.perValue = &has
	}
	return *e.perValue
}
