package copyable

import (
	"slices"
	"strconv"
	"strings"
)

// The rule is written once, against node, and run on two type systems:
// reflect (reflectNode) at run time and go/types (typesNode) in the
// analyzer. Formatting of type names and paths lives here as well, so both
// faces print the same Path and Type for the same Go type.

type kind uint8

const (
	kindBasic kind = iota // booleans, numbers, strings, uintptr
	kindUnsafePointer
	kindStruct
	kindArray
	kindSlice
	kindMap
	kindPointer
	kindChan
	kindFunc
	kindInterface
	kindTypeParam // only in go/types: a type parameter of generic code
)

type chanDir uint8

const (
	chanBoth chanDir = iota
	chanSend
	chanRecv
)

// node is the view of a Go type that the rule needs.
type node interface {
	kind() kind
	// named returns the package path, package name and origin name (without
	// type arguments) of a defined type; ok is false for unnamed and
	// predeclared types.
	named() (pkgPath, pkgName, name string, ok bool)
	// typeArgs formats the type arguments of an instantiated generic type,
	// "[int, pkg.T]", or returns "" for other types.
	typeArgs(qualified bool) string
	// id identifies the type for cycle detection (comparable).
	id() any
	basicName() string // canonical predeclared name for kindBasic
	elem() node        // pointer, slice, array, map value, chan element
	key() node         // map key
	arrayLen() int64
	dir() chanDir
	numFields() int
	field(i int) (name string, t node)
	numIn() int
	in(i int) node
	numOut() int
	out(i int) node
	variadic() bool
	numMethods() int
	method(i int) (name string, sig node)
}

// Path steps. A Path is the cached type written without package names,
// followed by steps:
//
//	.Name   a struct field (pointers are followed implicitly, as in Go selectors)
//	[i]     an element of a slice or an array
//	[k]     a value of a map
//	{k}     a key of a map
//	.(T)    the dynamic value of an interface, T qualified (run time only)
const (
	stepElem     = "[i]"
	stepMapValue = "[k]"
	stepMapKey   = "{k}"
)

// checker walks one type. seen holds the defined types already entered:
// a defined type is checked once, which both stops recursive types from
// looping and keeps the walk linear in the size of the type graph. A type
// seen again on a recursive route adds nothing, since any problem inside it
// is reported on the route that entered it first.
type checker struct {
	seen  map[any]bool
	steps []string
}

// problemAt is a problem found at a route relative to the type checked.
type problemAt struct {
	steps    string
	typ      string
	reason   string
	resource bool
}

func checkNode(n node) *problemAt {
	c := checker{seen: make(map[any]bool)}
	return c.walk(n)
}

func (c *checker) found(n node, reason string, resource bool) *problemAt {
	return &problemAt{
		steps:    strings.Join(c.steps, ""),
		typ:      typeString(n, true),
		reason:   reason,
		resource: resource,
	}
}

func (c *checker) walk(n node) *problemAt {
	if pkgPath, _, name, ok := n.named(); ok {
		qn := pkgPath + "." + name
		if v, bad := uncopyable[qn]; bad {
			return c.found(n, v.reason, v.resource)
		}
		if immutable[qn] {
			return nil
		}
		id := n.id()
		if c.seen[id] {
			return nil
		}
		c.seen[id] = true
	}
	switch n.kind() {
	case kindBasic, kindTypeParam:
		// Type parameters are only seen statically, inside generic code;
		// the instantiation is what gets checked.
		return nil
	case kindUnsafePointer:
		return c.found(n, "an unsafe.Pointer's target is unknown, so it cannot be copied", false)
	case kindChan:
		return c.found(n, "a channel is a live communication endpoint, not data", false)
	case kindFunc:
		return c.found(n, "a function (and what its closure captures) cannot be copied", false)
	case kindInterface:
		if n.numMethods() == 0 {
			// any: allowed statically, the dynamic value is checked and
			// copied at run time.
			return nil
		}
		if pkgPath, _, name, ok := n.named(); ok && pkgPath == "" && name == "error" {
			return c.found(n, "an error value carries behaviour and often wraps live state; errors are never cached, store the message or a plain status instead", false)
		}
		return c.found(n, "a non-empty interface holds values with behaviour (often resources) that cannot be checked before run time; store concrete data, or any", false)
	case kindPointer:
		e := n.elem()
		if pkgPath, _, name, ok := e.named(); ok {
			if v, bad := uncopyable[pkgPath+"."+name]; bad {
				// Report *sql.Rows, the type as it is usually written.
				return c.found(n, v.reason, v.resource)
			}
		}
		return c.walk(e)
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

func (c *checker) enter(step string, n node) *problemAt {
	c.steps = append(c.steps, step)
	p := c.walk(n)
	c.steps = c.steps[:len(c.steps)-1]
	return p
}

// problemFor turns a problem found under root into the exported Problem.
func problemFor(root node, p *problemAt) *Problem {
	if p == nil {
		return nil
	}
	return &Problem{
		Path:     joinPath(typeString(root, false), p.steps),
		Type:     p.typ,
		Reason:   p.reason,
		Resource: p.resource,
	}
}

// joinPath writes root followed by steps; an empty steps means the root
// itself offends and the path is empty. A leading '*' of the root is
// dropped before a field step, since selectors dereference pointers.
func joinPath(root, steps string) string {
	if steps == "" {
		return ""
	}
	if strings.HasPrefix(steps, ".") && !strings.HasPrefix(steps, ".(") {
		root = strings.TrimLeft(root, "*")
	}
	return root + steps
}

// typeString writes n as Go source does; qualified adds package names
// ("*sql.Rows"), unqualified omits them ("Report").
func typeString(n node, qualified bool) string {
	var b strings.Builder
	writeType(&b, n, qualified)
	return b.String()
}

func writeType(b *strings.Builder, n node, q bool) {
	if _, pkgName, name, ok := n.named(); ok {
		if q && pkgName != "" {
			b.WriteString(pkgName)
			b.WriteByte('.')
		}
		b.WriteString(name)
		b.WriteString(n.typeArgs(q))
		return
	}
	switch n.kind() {
	case kindBasic:
		b.WriteString(n.basicName())
	case kindUnsafePointer:
		b.WriteString("unsafe.Pointer")
	case kindTypeParam:
		b.WriteString(n.basicName())
	case kindPointer:
		b.WriteByte('*')
		writeType(b, n.elem(), q)
	case kindSlice:
		b.WriteString("[]")
		writeType(b, n.elem(), q)
	case kindArray:
		b.WriteByte('[')
		b.WriteString(strconv.FormatInt(n.arrayLen(), 10))
		b.WriteByte(']')
		writeType(b, n.elem(), q)
	case kindMap:
		b.WriteString("map[")
		writeType(b, n.key(), q)
		b.WriteByte(']')
		writeType(b, n.elem(), q)
	case kindChan:
		switch n.dir() {
		case chanSend:
			b.WriteString("chan<- ")
		case chanRecv:
			b.WriteString("<-chan ")
		default:
			b.WriteString("chan ")
			// chan (<-chan T) needs parentheses to keep its meaning.
			if e := n.elem(); e.kind() == kindChan && e.dir() == chanRecv {
				if _, _, _, named := e.named(); !named {
					b.WriteByte('(')
					writeType(b, e, q)
					b.WriteByte(')')
					return
				}
			}
		}
		writeType(b, n.elem(), q)
	case kindFunc:
		b.WriteString("func")
		writeSignature(b, n, q)
	case kindStruct:
		b.WriteString("struct{")
		for i := range n.numFields() {
			if i > 0 {
				b.WriteString("; ")
			}
			name, ft := n.field(i)
			b.WriteString(name)
			b.WriteByte(' ')
			writeType(b, ft, q)
		}
		b.WriteByte('}')
	case kindInterface:
		if n.numMethods() == 0 {
			b.WriteString("any")
			return
		}
		type m struct {
			name string
			sig  node
		}
		ms := make([]m, n.numMethods())
		for i := range ms {
			ms[i].name, ms[i].sig = n.method(i)
		}
		slices.SortFunc(ms, func(x, y m) int { return strings.Compare(x.name, y.name) })
		b.WriteString("interface{")
		for i, m := range ms {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(m.name)
			writeSignature(b, m.sig, q)
		}
		b.WriteByte('}')
	}
}

func writeSignature(b *strings.Builder, sig node, q bool) {
	b.WriteByte('(')
	for i := range sig.numIn() {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.in(i)
		if sig.variadic() && i == sig.numIn()-1 {
			b.WriteString("...")
			t = t.elem()
		}
		writeType(b, t, q)
	}
	b.WriteByte(')')
	switch sig.numOut() {
	case 0:
	case 1:
		b.WriteByte(' ')
		writeType(b, sig.out(0), q)
	default:
		b.WriteString(" (")
		for i := range sig.numOut() {
			if i > 0 {
				b.WriteString(", ")
			}
			writeType(b, sig.out(i), q)
		}
		b.WriteByte(')')
	}
}
