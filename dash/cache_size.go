package dash

import (
	"reflect"
	"sync"
)

// estimateSize estimates the bytes held by v: its own size plus what it
// references (string bytes, slice arrays, map entries, pointed-to values,
// values in interfaces). Shared objects are counted once. It runs once per
// stored value, on a miss, so it favours simplicity over speed; map
// overhead is approximated.
func estimateSize(v reflect.Value) int64 {
	s := sizer{seen: make(map[seenRef]bool)}
	return int64(v.Type().Size()) + s.refs(v)
}

type seenRef struct {
	p uintptr
	t reflect.Type
}

type sizer struct{ seen map[seenRef]bool }

// mapEntryOverhead approximates the per-entry bookkeeping of a Go map
// (control bytes, load factor slack).
const mapEntryOverhead = 8

func (s *sizer) first(p uintptr, t reflect.Type) bool {
	k := seenRef{p, t}
	if s.seen[k] {
		return false
	}
	s.seen[k] = true
	return true
}

// refs returns the bytes v references beyond its own inline size.
func (s *sizer) refs(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Pointer:
		if v.IsNil() || !s.first(v.Pointer(), v.Type()) {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + s.refs(e)
	case reflect.Slice:
		if v.IsNil() || !s.first(v.Pointer(), v.Type()) {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		if hasRefs(v.Type().Elem()) {
			for i := range v.Len() {
				n += s.refs(v.Index(i))
			}
		}
		return n
	case reflect.Map:
		if v.IsNil() || !s.first(v.Pointer(), v.Type()) {
			return 0
		}
		t := v.Type()
		n := int64(v.Len()) * (int64(t.Key().Size()+t.Elem().Size()) + mapEntryOverhead)
		if hasRefs(t.Key()) || hasRefs(t.Elem()) {
			it := v.MapRange()
			for it.Next() {
				n += s.refs(it.Key()) + s.refs(it.Value())
			}
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + s.refs(e)
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += s.refs(v.Field(i))
		}
		return n
	case reflect.Array:
		var n int64
		if hasRefs(v.Type().Elem()) {
			for i := range v.Len() {
				n += s.refs(v.Index(i))
			}
		}
		return n
	}
	return 0
}

var refsMemo sync.Map // reflect.Type -> bool

// hasRefs reports whether values of t can reference memory outside
// themselves, so that sizing must walk them.
func hasRefs(t reflect.Type) bool {
	if r, ok := refsMemo.Load(t); ok {
		return r.(bool)
	}
	var r bool
	switch t.Kind() {
	case reflect.String, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		r = true
	case reflect.Array:
		r = hasRefs(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasRefs(t.Field(i).Type) {
				r = true
				break
			}
		}
	}
	refsMemo.Store(t, r)
	return r
}
