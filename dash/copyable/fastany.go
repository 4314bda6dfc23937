package copyable

import (
	"reflect"
	"unsafe"
)

// Decoded JSON (map[string]any, []any, strings, float64, bool, nil) is the
// most common content of an any in a cached value. These copiers handle it
// with type switches and typed loops instead of reflect; every other
// dynamic type goes through the generic interface copier. Paths and
// aliasing are the same as on the generic path.

var (
	anyType          = reflect.TypeFor[any]()
	mapStringAnyType = reflect.TypeFor[map[string]any]()
	sliceAnyType     = reflect.TypeFor[[]any]()
)

// copyAnyInPlace replaces the references held by *p with deep copies.
func copyAnyInPlace(p *any, s *state) error {
	switch (*p).(type) {
	case nil, string, float64, bool, int, int64:
		return nil
	case map[string]any, []any:
		v, err := copyAnyValue(*p, s)
		if err != nil {
			return err
		}
		*p = v
		return nil
	}
	up := unsafe.Pointer(p)
	return copyInterface(anyType, up, up, s)
}

// copyAnyValue returns a deep copy of v. Taking values rather than
// pointers keeps the loop variables of the callers on the stack.
func copyAnyValue(v any, s *state) (any, error) {
	switch x := v.(type) {
	case nil, string, float64, bool, int, int64:
		return v, nil
	case map[string]any:
		m, err := cloneMapStringAny(mapStringAnyType, x, s)
		if err != nil {
			return nil, wrap(err, ".(map[string]any)")
		}
		return m, nil
	case []any:
		sl, err := cloneSliceAny(sliceAnyType, x, s)
		if err != nil {
			return nil, wrap(err, ".([]any)")
		}
		return sl, nil
	}
	return copyAnyGeneric(v, s)
}

// copyAnyGeneric is apart from copyAnyValue so that only this slow path
// moves its argument to the heap.
func copyAnyGeneric(v any, s *state) (any, error) {
	if err := copyInterface(anyType, unsafe.Pointer(&v), unsafe.Pointer(&v), s); err != nil {
		return nil, err
	}
	return v, nil
}

func cloneMapStringAny(t reflect.Type, m map[string]any, s *state) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	k := seenKey{p: *(*unsafe.Pointer)(unsafe.Pointer(&m)), t: t}
	if q, ok := s.lookup(k); ok {
		return *(*map[string]any)(unsafe.Pointer(&q)), nil
	}
	out := make(map[string]any, len(m))
	s.remember(k, *(*unsafe.Pointer)(unsafe.Pointer(&out)))
	for key, v := range m {
		c, err := copyAnyValue(v, s)
		if err != nil {
			return nil, wrap(err, stepMapValue)
		}
		out[key] = c
	}
	return out, nil
}

func cloneSliceAny(t reflect.Type, sl []any, s *state) ([]any, error) {
	if sl == nil {
		return nil, nil
	}
	data := unsafe.Pointer(unsafe.SliceData(sl))
	k := seenKey{p: data, t: t, n: len(sl)}
	if q, ok := s.lookup(k); ok {
		return unsafe.Slice((*any)(q), len(sl)), nil
	}
	out := make([]any, len(sl))
	copy(out, sl)
	s.remember(k, unsafe.Pointer(unsafe.SliceData(out)))
	for i, v := range out {
		c, err := copyAnyValue(v, s)
		if err != nil {
			return nil, wrap(err, stepElem)
		}
		out[i] = c
	}
	return out, nil
}

// Plan entries for the JSON shapes, also used when they are named types
// (type Doc map[string]any) since the memory layout is the same.

func anyCopier(dst, _ unsafe.Pointer, s *state) error {
	return copyAnyInPlace((*any)(dst), s)
}

func mapStringAnyCopier(t reflect.Type) copyFunc {
	return func(dst, _ unsafe.Pointer, s *state) error {
		p := (*map[string]any)(dst)
		m, err := cloneMapStringAny(t, *p, s)
		if err != nil {
			return err
		}
		*p = m
		return nil
	}
}

func sliceAnyCopier(t reflect.Type) copyFunc {
	return func(dst, _ unsafe.Pointer, s *state) error {
		p := (*[]any)(dst)
		sl, err := cloneSliceAny(t, *p, s)
		if err != nil {
			return err
		}
		*p = sl
		return nil
	}
}
