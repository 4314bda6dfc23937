package cacheserial

import (
	"fmt"
	"go/types"
	"strings"
)

// A wrapper may hand dash.CacheData a type built from its type parameters
// rather than one of them:
//
//	func Paged[T any](name string, fn func(context.Context, string) (Page[T], error)) *Loader[string, Page[T]] {
//		return ByID(name, fn)
//	}
//
// The value type Page[T] is found in the wrapper's signature, and its
// place there (result 0, pointer, type argument 1) recorded as a path:
// at a call, the same path through the instantiated signature
// (*Loader[string, Page[Attachment]]) gives the value type,
// Page[Attachment]. A place in the signature is enough: identical types
// substitute alike.

// pathStep is one step down a type: Kind names the part, Index which one.
type pathStep struct {
	Kind  byte // 'p' param, 'r' result, 'e' element, 'k' map key, 'a' type argument, 'f' struct field
	Index int
}

// typePath is a sequence of steps from a signature to a type in it.
type typePath []pathStep

func (p typePath) String() string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "%c%d", s.Kind, s.Index)
	}
	return b.String()
}

// maxPathDepth bounds the search: value types sit near the surface of a
// wrapper's signature, and a bound keeps recursive types finite.
const maxPathDepth = 6

// findPath returns the first path from sig to a type identical to want.
func findPath(sig *types.Signature, want types.Type) (typePath, bool) {
	var walk func(t types.Type, path typePath) (typePath, bool)
	walkSig := func(s *types.Signature, path typePath) (typePath, bool) {
		for i := range s.Params().Len() {
			if p, ok := walk(s.Params().At(i).Type(), append(path, pathStep{'p', i})); ok {
				return p, true
			}
		}
		for i := range s.Results().Len() {
			if p, ok := walk(s.Results().At(i).Type(), append(path, pathStep{'r', i})); ok {
				return p, true
			}
		}
		return nil, false
	}
	walk = func(t types.Type, path typePath) (typePath, bool) {
		if types.Identical(t, want) {
			return append(typePath(nil), path...), true
		}
		if len(path) >= maxPathDepth {
			return nil, false
		}
		switch t := types.Unalias(t).(type) {
		case *types.Pointer:
			return walk(t.Elem(), append(path, pathStep{'e', 0}))
		case *types.Slice:
			return walk(t.Elem(), append(path, pathStep{'e', 0}))
		case *types.Array:
			return walk(t.Elem(), append(path, pathStep{'e', 0}))
		case *types.Chan:
			return walk(t.Elem(), append(path, pathStep{'e', 0}))
		case *types.Map:
			if p, ok := walk(t.Key(), append(path, pathStep{'k', 0})); ok {
				return p, true
			}
			return walk(t.Elem(), append(path, pathStep{'e', 0}))
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				if p, ok := walk(t.TypeArgs().At(i), append(path, pathStep{'a', i})); ok {
					return p, true
				}
			}
		case *types.Struct:
			for i := range t.NumFields() {
				if p, ok := walk(t.Field(i).Type(), append(path, pathStep{'f', i})); ok {
					return p, true
				}
			}
		case *types.Signature:
			return walkSig(t, path)
		}
		return nil, false
	}
	return walkSig(sig, nil)
}

// follow returns the type at path in sig, or nil when sig has no such
// place (a fact from another version of the wrapper).
func follow(sig *types.Signature, path typePath) types.Type {
	var t types.Type = sig
	for _, s := range path {
		switch u := types.Unalias(t).(type) {
		case *types.Signature:
			switch {
			case s.Kind == 'p' && s.Index < u.Params().Len():
				t = u.Params().At(s.Index).Type()
			case s.Kind == 'r' && s.Index < u.Results().Len():
				t = u.Results().At(s.Index).Type()
			default:
				return nil
			}
		case *types.Pointer:
			t = u.Elem()
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Chan:
			t = u.Elem()
		case *types.Map:
			if s.Kind == 'k' {
				t = u.Key()
			} else {
				t = u.Elem()
			}
		case *types.Named:
			if s.Kind != 'a' || s.Index >= u.TypeArgs().Len() {
				return nil
			}
			t = u.TypeArgs().At(s.Index)
		case *types.Struct:
			if s.Kind != 'f' || s.Index >= u.NumFields() {
				return nil
			}
			t = u.Field(s.Index).Type()
		default:
			return nil
		}
	}
	return t
}
