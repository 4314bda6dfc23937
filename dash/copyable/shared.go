package copyable

import (
	"go/types"
	"reflect"
)

// The shared rule decides which types a data cache with a shared tier
// (dash.Shared, values kept in Redis for every replica) can carry. A value
// there leaves the process as bytes and is rebuilt by another process,
// possibly another build of the program, from its static type alone. So the
// shared rule is the copy rule plus two refusals:
//
//   - no interface anywhere, any included: the dynamic type of an any is not
//     part of the static type, and a reader cannot know which type to build
//     (a registry of dynamic types would make every replica's binary part of
//     the format); decode JSON into structs, or cache json.RawMessage;
//   - no unique.Handle: a handle is a pointer into one process's intern
//     table; store the value it stands for.
//
// Keys (CheckSharedKey...) must also be free of pointers: a pointer key
// compares by identity, which means nothing in another process.
//
// Both faces walk the same node view as the copy rule, so the runtime
// (dash.CacheData with dash.Shared) and the cacheserial analyzer give the
// same verdict, Path and Type for the same Go type.

const (
	reasonSharedIface  = "the shared tier rebuilds values from their static type, and an interface's dynamic type is not part of it; cache a concrete type (decode JSON into structs, or keep json.RawMessage)"
	reasonSharedHandle = "a unique.Handle points into one process's intern table; cache the value it stands for"
	reasonSharedKeyPtr = "a pointer key compares by identity, which means nothing in another process; key by the value"
)

// CheckSharedReflect reports whether values of t can be carried by the
// shared tier of a data cache; nil means yes. It is CheckReflect plus the
// refusals of the shared rule (interfaces, unique.Handle).
func CheckSharedReflect(t reflect.Type) *Problem {
	if t == nil {
		return nil
	}
	return checkShared(reflectNode{t}, false)
}

// CheckSharedTypes is CheckSharedReflect for go/types types, for the
// cacheserial analyzer.
func CheckSharedTypes(t types.Type) *Problem {
	if t == nil {
		return nil
	}
	return checkShared(newTypesNode(t), false)
}

// CheckSharedKeyReflect reports whether t can key a shared data cache:
// the shared rule, and no pointers.
func CheckSharedKeyReflect(t reflect.Type) *Problem {
	if t == nil {
		return nil
	}
	return checkShared(reflectNode{t}, true)
}

// CheckSharedKeyTypes is CheckSharedKeyReflect for go/types types.
func CheckSharedKeyTypes(t types.Type) *Problem {
	if t == nil {
		return nil
	}
	return checkShared(newTypesNode(t), true)
}

func checkShared(root node, key bool) *Problem {
	if p := checkNode(root); p != nil {
		return problemFor(root, p)
	}
	c := sharedChecker{checker: checker{seen: make(map[any]bool)}, key: key}
	return problemFor(root, c.walk(root))
}

type sharedChecker struct {
	checker
	key bool
}

// walk runs after the copy rule accepted the type, so it only looks for
// what the shared tier adds; the route syntax is the copy rule's.
func (c *sharedChecker) walk(n node) *problemAt {
	if pkgPath, _, name, ok := n.named(); ok {
		qn := pkgPath + "." + name
		if qn == "unique.Handle" {
			return c.found(n, reasonSharedHandle, false)
		}
		if immutable[qn] {
			return nil // carried by value by the codec
		}
		id := n.id()
		if c.seen[id] {
			return nil
		}
		c.seen[id] = true
	}
	switch n.kind() {
	case kindInterface:
		return c.found(n, reasonSharedIface, false)
	case kindPointer:
		if c.key {
			return c.found(n, reasonSharedKeyPtr, false)
		}
		return c.walk(n.elem())
	case kindSlice, kindArray:
		return c.enter(stepElem, n.elem())
	case kindMap:
		if p := c.enter(stepMapKey, n.key()); p != nil {
			return p
		}
		return c.enter(stepMapValue, n.elem())
	case kindStruct:
		for i := range n.numFields() {
			name, ft := n.field(i)
			if p := c.enter("."+name, ft); p != nil {
				return p
			}
		}
	}
	return nil
}

func (c *sharedChecker) enter(step string, n node) *problemAt {
	c.steps = append(c.steps, step)
	p := c.walk(n)
	c.steps = c.steps[:len(c.steps)-1]
	return p
}
