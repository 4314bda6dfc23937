package copyable

import (
	"maps"
	"reflect"
	"slices"
	"unsafe"
)

// Fast paths: slices and maps of predeclared basic types are cloned with
// the generic slices.Clone and maps.Clone instead of through reflect. The
// memory layout of a slice or map does not depend on the name of its type,
// so a named slice type (type Tags []string) takes the same path.

func fastSliceClone(elem reflect.Type) func(dst, src unsafe.Pointer) {
	switch elem {
	case reflect.TypeFor[string]():
		return cloneSlice[string]
	case reflect.TypeFor[byte]():
		return cloneSlice[byte]
	case reflect.TypeFor[int]():
		return cloneSlice[int]
	case reflect.TypeFor[int32]():
		return cloneSlice[int32]
	case reflect.TypeFor[int64]():
		return cloneSlice[int64]
	case reflect.TypeFor[uint64]():
		return cloneSlice[uint64]
	case reflect.TypeFor[float32]():
		return cloneSlice[float32]
	case reflect.TypeFor[float64]():
		return cloneSlice[float64]
	case reflect.TypeFor[bool]():
		return cloneSlice[bool]
	}
	return nil
}

func cloneSlice[E any](dst, src unsafe.Pointer) {
	s := *(*[]E)(src)
	if s == nil {
		return
	}
	*(*[]E)(dst) = slices.Clip(slices.Clone(s))
}

// fastMapClone returns a maps.Clone based copier for maps whose key and
// value are predeclared basic types, the common shape of lookup tables and
// counters, or nil.
func fastMapClone(k, v reflect.Type) func(dst, src unsafe.Pointer) {
	switch k {
	case reflect.TypeFor[string]():
		return fastMapValue[string](v)
	case reflect.TypeFor[int]():
		return fastMapValue[int](v)
	case reflect.TypeFor[int64]():
		return fastMapValue[int64](v)
	}
	return nil
}

func fastMapValue[K comparable](v reflect.Type) func(dst, src unsafe.Pointer) {
	switch v {
	case reflect.TypeFor[string]():
		return cloneMap[K, string]
	case reflect.TypeFor[int]():
		return cloneMap[K, int]
	case reflect.TypeFor[int64]():
		return cloneMap[K, int64]
	case reflect.TypeFor[float64]():
		return cloneMap[K, float64]
	case reflect.TypeFor[bool]():
		return cloneMap[K, bool]
	}
	return nil
}

func cloneMap[K comparable, V any](dst, src unsafe.Pointer) {
	*(*map[K]V)(dst) = maps.Clone(*(*map[K]V)(src))
}
