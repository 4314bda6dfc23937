// Package copyable holds the one rule that decides which Go types a
// dash.DataCache can deep-copy. The runtime applies it to reflect types
// (CheckReflect, Copy) and the cacheserial analyzer applies the same rule to
// go/types types (CheckTypes); a shared test table keeps the two in step.
//
// # The rule
//
// A type is copyable when every part reachable from it is:
//
//   - a boolean, number, string or uintptr (strings are immutable and shared);
//   - a struct (every field, exported or not: unexported fields are copied,
//     never dropped), an array, a slice, a map or a pointer whose parts are
//     copyable;
//   - an empty interface (any): allowed statically; at run time the dynamic
//     value is checked with the same rule and copied;
//   - an immutable type copied by value and shared by pointer: time.Time,
//     time.Location, unique.Handle, netip.Addr, netip.AddrPort, netip.Prefix.
//
// It is not copyable when it reaches a channel, a function, an
// unsafe.Pointer, a non-empty interface (error, io.Reader, net.Conn, ...:
// its dynamic values carry behaviour and often resources, and cannot be
// checked before run time), or one of the named types of table.go: pools,
// connections, statements, result sets, files, HTTP clients and responses,
// sync and sync/atomic types, context.Context, reflect.Value, streams such
// as bufio.Reader, and the pgx types. Problem.Resource marks those meant to
// be shared by every session (pools and clients), which belong in
// dash.CacheResource.
//
// Type parameters (seen only by CheckTypes, inside generic code) are
// accepted: the instantiation is what gets checked.
//
// # Paths
//
// Problem.Path is the cached type written without package names followed by
// steps: ".Name" enters a struct field (pointers are followed implicitly, as
// by Go selectors, and a leading '*' of the root is dropped before one),
// "[i]" an element of a slice or array, "[k]" a value of a map, "{k}" a key
// of a map, and ".(T)" the dynamic value of an interface, T written with
// its package name (Copy only). For example "Report.Rows", "[]Row[i].Conn",
// "map[string]*Item[k].Lock", "Report.Extra.(*sync.Mutex)".
package copyable

import (
	"go/types"
	"reflect"
	"sync"
	"unsafe"
)

// Problem says why a type cannot be deep-copied.
type Problem struct {
	// Path is the route from the cached type to the offending part, such
	// as "Report.Rows" or "[]Row[i].Conn"; empty when the type itself
	// offends. The syntax is described in the package documentation.
	Path string
	// Type is the offending type as written in Go, such as "*sql.Rows".
	Type string
	// Reason is a short human explanation.
	Reason string
	// Resource is true when the offending part is meant to be shared by
	// every session (a pool or a client): cache it with dash.CacheResource
	// instead. It is false for connections, transactions, statements,
	// cursors and files, which serve one user at a time.
	Resource bool
}

func (p *Problem) Error() string {
	if p.Path == "" {
		return p.Type + ": " + p.Reason
	}
	return p.Path + ": " + p.Type + ": " + p.Reason
}

// checked memoises CheckReflect: a type's verdict never changes and the
// runtime asks again for every dynamic value held in an interface.
var checked sync.Map // reflect.Type -> *problemAt (nil when copyable)

// CheckReflect reports whether values of t can be deep-copied; nil means yes.
func CheckReflect(t reflect.Type) *Problem {
	if t == nil {
		return nil
	}
	return problemFor(reflectNode{t}, checkReflectRel(t))
}

func checkReflectRel(t reflect.Type) *problemAt {
	if p, ok := checked.Load(t); ok {
		return p.(*problemAt)
	}
	p := checkNode(reflectNode{t})
	checked.Store(t, p)
	return p
}

// CheckTypes is CheckReflect for go/types types. It gives the same verdict,
// Path and Type as CheckReflect on the corresponding reflect type.
func CheckTypes(t types.Type) *Problem {
	if t == nil {
		return nil
	}
	n := newTypesNode(t)
	return problemFor(n, checkNode(n))
}

// Copy returns a deep copy of v under the rule: the copy shares no mutable
// memory with v. It returns a *Problem error (and the zero value) when the
// type of v, or the dynamic type of a value held in one of its interfaces,
// cannot be copied. Callers copying many values of one type can use a
// Copier to skip the per-call type lookup.
func Copy[T any](v T) (T, error) {
	c, err := NewCopier[T]()
	if err != nil {
		var zero T
		return zero, err
	}
	return c.Copy(v)
}

// Copier deep-copies values of one type. It is safe for concurrent use.
type Copier[T any] struct {
	t reflect.Type
	p *plan
}

// NewCopier checks T under the rule and prepares its copier. The error is
// a *Problem when T cannot be copied.
func NewCopier[T any]() (*Copier[T], error) {
	t := reflect.TypeFor[T]()
	if p := CheckReflect(t); p != nil {
		return nil, p
	}
	return &Copier[T]{t: t, p: planFor(t)}, nil
}

// Copy returns a deep copy of v; see the package function Copy.
func (c *Copier[T]) Copy(v T) (T, error) {
	if c.p.plain {
		return v, nil
	}
	// Copy in place: v is already the caller's shallow copy.
	var s state
	if err := c.p.copy(unsafe.Pointer(&v), unsafe.Pointer(&v), &s); err != nil {
		var zero T
		if ce, ok := err.(*copyErr); ok {
			return zero, ce.problem(c.t)
		}
		return zero, err
	}
	return v, nil
}
