package copyable

import (
	"maps"
	"reflect"
	"unsafe"
)

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
