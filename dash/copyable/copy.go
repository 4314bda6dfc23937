package copyable

import (
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// The copier compiles, once per type, a plan: whether a value of the type
// is "plain" (holds no mutable memory, so copying it by value is a deep
// copy) and otherwise a function that deep-copies it. A copy function works
// in place on memory that already holds a shallow copy: copy(dst, src)
// replaces every reference in dst (pointers, slices, maps, interface
// values) with a deep copy of what src references. dst and src may be the
// same address; every function reads src before it writes dst.
//
// Aliasing is preserved for pointers, maps and slices of non-plain
// elements: the same object reached twice is copied once, which also stops
// cycles. Slices of plain elements (strings, numbers, plain structs) are
// copied independently each time they are reached, which is the fast path;
// a cycle cannot pass through them. Interior pointers (to a field or an
// element of another copied object) get their own copy of the target.
// A copied slice has cap == len.

type copyFunc func(dst, src unsafe.Pointer, s *state) error

type plan struct {
	t       reflect.Type
	plain   bool
	copy    copyFunc                      // nil when plain
	shallow func(dst, src unsafe.Pointer) // copies one value by assignment
}

// state is the bookkeeping of one Copy call.
type state struct {
	seen map[seenKey]unsafe.Pointer
}

type seenKey struct {
	p unsafe.Pointer
	t reflect.Type
	n int // slice length; slices of one array with different lengths differ
}

func (s *state) lookup(k seenKey) (unsafe.Pointer, bool) {
	q, ok := s.seen[k]
	return q, ok
}

func (s *state) remember(k seenKey, q unsafe.Pointer) {
	if s.seen == nil {
		s.seen = make(map[seenKey]unsafe.Pointer)
	}
	s.seen[k] = q
}

// copyErr carries a problem found at run time (a dynamic value inside an
// interface) up to Copy; steps are appended on the way out, innermost first.
type copyErr struct {
	rev []string
	p   *problemAt
}

func (e *copyErr) Error() string { return "copyable: " + e.p.reason }

func wrap(err error, step string) error {
	if ce, ok := err.(*copyErr); ok {
		ce.rev = append(ce.rev, step)
	}
	return err
}

func (e *copyErr) problem(root reflect.Type) *Problem {
	var b strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		b.WriteString(e.rev[i])
	}
	b.WriteString(e.p.steps)
	return &Problem{
		Path:     joinPath(typeString(reflectNode{root}, false), b.String()),
		Type:     e.p.typ,
		Reason:   e.p.reason,
		Resource: e.p.resource,
	}
}

var (
	plans  sync.Map   // reflect.Type -> *plan, complete plans only
	planMu sync.Mutex // serialises building, so a plan is published whole
)

// planFor returns the plan of t, which must satisfy the rule.
func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	b := builder{local: make(map[reflect.Type]*plan)}
	p := b.build(t)
	// Publish only now: plans of recursive types refer to each other and
	// are complete together.
	for t, lp := range b.local {
		plans.Store(t, lp)
	}
	return p
}

type builder struct {
	local map[reflect.Type]*plan
}

func (b *builder) build(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := b.local[t]; ok {
		return p // possibly still being built; copy functions read p.copy when they run
	}
	p := &plan{t: t, plain: isPlain(t), shallow: shallowFunc(t)}
	b.local[t] = p
	if !p.plain {
		p.copy = b.copier(t)
	}
	return p
}

// isImmutable reports whether t is a named type of the immutable table.
func isImmutable(t reflect.Type) bool {
	pkgPath, _, name, ok := reflectNode{t}.named()
	return ok && immutable[pkgPath+"."+name]
}

// isPlain reports whether a value copy of t is a deep copy: t reaches no
// mutable memory. Recursion ends because only structs and arrays recurse
// and Go types cannot contain themselves by value.
func isPlain(t reflect.Type) bool {
	if isImmutable(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Pointer:
		return isImmutable(t.Elem())
	case reflect.Array:
		return t.Len() == 0 || isPlain(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !isPlain(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// pointerFree reports whether t holds no pointers at all, so its bytes can
// be copied without the garbage collector's write barriers.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

func shallowFunc(t reflect.Type) func(dst, src unsafe.Pointer) {
	if pointerFree(t) {
		size := int(t.Size())
		return func(dst, src unsafe.Pointer) {
			copy(unsafe.Slice((*byte)(dst), size), unsafe.Slice((*byte)(src), size))
		}
	}
	return func(dst, src unsafe.Pointer) {
		reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
	}
}

// sliceHeader is the memory layout of every slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func (b *builder) copier(t reflect.Type) copyFunc {
	switch {
	case t == anyType:
		return anyCopier
	case t.Kind() == reflect.Map && t.Key() == reflect.TypeFor[string]() && t.Elem() == anyType:
		return mapStringAnyCopier(t)
	case t.Kind() == reflect.Slice && t.Elem() == anyType:
		return sliceAnyCopier(t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return b.pointerCopier(t)
	case reflect.Slice:
		return b.sliceCopier(t)
	case reflect.Array:
		return b.arrayCopier(t)
	case reflect.Struct:
		return b.structCopier(t)
	case reflect.Map:
		return b.mapCopier(t)
	case reflect.Interface:
		return genericInterfaceCopier(t)
	}
	// The rule rejects every other kind before a plan is built.
	return func(dst, src unsafe.Pointer, s *state) error {
		return &copyErr{p: &problemAt{typ: t.String(), reason: "cannot be copied"}}
	}
}

func (b *builder) pointerCopier(t reflect.Type) copyFunc {
	elem := t.Elem()
	ep := b.build(elem)
	return func(dst, src unsafe.Pointer, s *state) error {
		p := *(*unsafe.Pointer)(src)
		if p == nil {
			*(*unsafe.Pointer)(dst) = nil
			return nil
		}
		k := seenKey{p: p, t: t}
		if q, ok := s.lookup(k); ok {
			*(*unsafe.Pointer)(dst) = q
			return nil
		}
		q := reflect.New(elem).UnsafePointer()
		s.remember(k, q)
		ep.shallow(q, p)
		if !ep.plain {
			if err := ep.copy(q, p, s); err != nil {
				return err
			}
		}
		*(*unsafe.Pointer)(dst) = q
		return nil
	}
}

func (b *builder) sliceCopier(t reflect.Type) copyFunc {
	elem := t.Elem()
	ep := b.build(elem)
	if ep.plain {
		if fast := fastSliceClone(elem); fast != nil {
			return func(dst, src unsafe.Pointer, _ *state) error {
				fast(dst, src)
				return nil
			}
		}
		return func(dst, src unsafe.Pointer, _ *state) error {
			h := *(*sliceHeader)(src)
			if h.data == nil {
				return nil
			}
			ns := reflect.MakeSlice(t, h.len, h.len)
			if h.len > 0 {
				reflect.Copy(ns, reflect.NewAt(t, src).Elem())
			}
			*(*sliceHeader)(dst) = sliceHeader{data: ns.UnsafePointer(), len: h.len, cap: h.len}
			return nil
		}
	}
	size := elem.Size()
	return func(dst, src unsafe.Pointer, s *state) error {
		h := *(*sliceHeader)(src)
		if h.data == nil {
			return nil
		}
		k := seenKey{p: h.data, t: t, n: h.len}
		if q, ok := s.lookup(k); ok {
			*(*sliceHeader)(dst) = sliceHeader{data: q, len: h.len, cap: h.len}
			return nil
		}
		ns := reflect.MakeSlice(t, h.len, h.len)
		q := ns.UnsafePointer()
		s.remember(k, q)
		if h.len > 0 {
			reflect.Copy(ns, reflect.NewAt(t, src).Elem())
			for i := range h.len {
				off := uintptr(i) * size
				if err := ep.copy(unsafe.Add(q, off), unsafe.Add(h.data, off), s); err != nil {
					return wrap(err, stepElem)
				}
			}
		}
		*(*sliceHeader)(dst) = sliceHeader{data: q, len: h.len, cap: h.len}
		return nil
	}
}

func (b *builder) arrayCopier(t reflect.Type) copyFunc {
	ep := b.build(t.Elem())
	n, size := t.Len(), t.Elem().Size()
	return func(dst, src unsafe.Pointer, s *state) error {
		for i := range n {
			off := uintptr(i) * size
			if err := ep.copy(unsafe.Add(dst, off), unsafe.Add(src, off), s); err != nil {
				return wrap(err, stepElem)
			}
		}
		return nil
	}
}

type fieldPlan struct {
	off  uintptr
	step string
	p    *plan
}

func (b *builder) structCopier(t reflect.Type) copyFunc {
	var fields []fieldPlan
	for i := range t.NumField() {
		f := t.Field(i)
		fp := b.build(f.Type)
		if fp.plain {
			continue // already copied with the enclosing value
		}
		fields = append(fields, fieldPlan{off: f.Offset, step: "." + f.Name, p: fp})
	}
	return func(dst, src unsafe.Pointer, s *state) error {
		for _, f := range fields {
			if err := f.p.copy(unsafe.Add(dst, f.off), unsafe.Add(src, f.off), s); err != nil {
				return wrap(err, f.step)
			}
		}
		return nil
	}
}

func (b *builder) mapCopier(t reflect.Type) copyFunc {
	kt, vt := t.Key(), t.Elem()
	kp, vp := b.build(kt), b.build(vt)
	fast := fastMapClone(kt, vt)
	return func(dst, src unsafe.Pointer, s *state) error {
		m := *(*unsafe.Pointer)(src)
		if m == nil {
			return nil
		}
		k := seenKey{p: m, t: t}
		if q, ok := s.lookup(k); ok {
			*(*unsafe.Pointer)(dst) = q
			return nil
		}
		if fast != nil {
			fast(dst, src)
			s.remember(k, *(*unsafe.Pointer)(dst))
			return nil
		}
		mv := reflect.NewAt(t, src).Elem()
		nm := reflect.MakeMapWithSize(t, mv.Len())
		q := nm.UnsafePointer()
		s.remember(k, q)
		key, val := reflect.New(kt).Elem(), reflect.New(vt).Elem()
		it := mv.MapRange()
		for it.Next() {
			key.SetIterKey(it)
			val.SetIterValue(it)
			if !kp.plain {
				kptr := key.Addr().UnsafePointer()
				if err := kp.copy(kptr, kptr, s); err != nil {
					return wrap(err, stepMapKey)
				}
			}
			if !vp.plain {
				vptr := val.Addr().UnsafePointer()
				if err := vp.copy(vptr, vptr, s); err != nil {
					return wrap(err, stepMapValue)
				}
			}
			nm.SetMapIndex(key, val)
		}
		*(*unsafe.Pointer)(dst) = q
		return nil
	}
}

// genericInterfaceCopier copies an empty interface: the dynamic value is checked
// with the rule and copied with its own plan. A plain dynamic value is
// shared: a value stored in an interface cannot be changed in place.
func genericInterfaceCopier(t reflect.Type) copyFunc {
	return func(dst, src unsafe.Pointer, s *state) error {
		return copyInterface(t, dst, src, s)
	}
}

func copyInterface(t reflect.Type, dst, src unsafe.Pointer, s *state) error {
	iv := reflect.NewAt(t, src).Elem()
	if iv.IsNil() {
		return nil
	}
	dv := iv.Elem()
	d := dynamicFor(dv.Type())
	if d.problem != nil {
		rel := *d.problem
		rel.steps = d.step() + rel.steps
		return &copyErr{p: &rel}
	}
	if d.plan.plain {
		return nil
	}
	tmp := reflect.New(d.t)
	tmp.Elem().Set(dv)
	tp := tmp.UnsafePointer()
	if err := d.plan.copy(tp, tp, s); err != nil {
		return wrap(err, d.step())
	}
	reflect.NewAt(t, dst).Elem().Set(tmp.Elem())
	return nil
}

// dynamicType is what the copier needs about a type found inside an
// interface, looked up once per type: the hot path of copying decoded JSON
// is one map load per value.
type dynamicType struct {
	t       reflect.Type
	problem *problemAt
	plan    *plan // nil when problem != nil
}

var dynamicTypes sync.Map // reflect.Type -> *dynamicType

func dynamicFor(t reflect.Type) *dynamicType {
	if d, ok := dynamicTypes.Load(t); ok {
		return d.(*dynamicType)
	}
	d := &dynamicType{t: t, problem: checkReflectRel(t)}
	if d.problem == nil {
		d.plan = planFor(t)
	}
	dynamicTypes.Store(t, d)
	return d
}

// step is the path step into the dynamic value, built only for errors.
func (d *dynamicType) step() string {
	return ".(" + typeString(reflectNode{d.t}, true) + ")"
}
