package copyable

import (
	"go/types"
	"strings"
)

// typesNode is the rule's view of a go/types type. Aliases are resolved
// before a typesNode is made.
type typesNode struct{ t types.Type }

func newTypesNode(t types.Type) typesNode { return typesNode{types.Unalias(t)} }

func (n typesNode) kind() kind {
	switch u := n.t.Underlying().(type) {
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return kindUnsafePointer
		}
	case *types.Struct:
		return kindStruct
	case *types.Array:
		return kindArray
	case *types.Slice:
		return kindSlice
	case *types.Map:
		return kindMap
	case *types.Pointer:
		return kindPointer
	case *types.Chan:
		return kindChan
	case *types.Signature:
		return kindFunc
	case *types.Interface:
		if _, ok := n.t.(*types.TypeParam); ok {
			return kindTypeParam
		}
		return kindInterface
	}
	return kindBasic
}

func (n typesNode) named() (pkgPath, pkgName, name string, ok bool) {
	named, isNamed := n.t.(*types.Named)
	if !isNamed {
		return "", "", "", false
	}
	obj := named.Obj()
	if obj.Pkg() == nil { // error, comparable
		return "", "", obj.Name(), true
	}
	return obj.Pkg().Path(), obj.Pkg().Name(), obj.Name(), true
}

func (n typesNode) typeArgs(qualified bool) string {
	named, ok := n.t.(*types.Named)
	if !ok || named.TypeArgs().Len() == 0 {
		return ""
	}
	args := named.TypeArgs()
	var b strings.Builder
	b.WriteByte('[')
	for i := range args.Len() {
		if i > 0 {
			// reflect spells type argument lists with a bare comma.
			b.WriteString(",")
		}
		writeType(&b, newTypesNode(args.At(i)), qualified)
	}
	b.WriteByte(']')
	return b.String()
}

func (n typesNode) id() any {
	// Instantiations of one generic type are distinct *types.Named values;
	// the fully qualified spelling identifies the type itself.
	return types.TypeString(n.t, nil)
}

func (n typesNode) basicName() string {
	switch t := n.t.(type) {
	case *types.TypeParam:
		return t.Obj().Name()
	case *types.Basic:
		// byte and rune are spelt uint8 and int32, as reflect does.
		return types.Typ[t.Kind()].Name()
	}
	return n.t.String()
}

func (n typesNode) elem() node {
	switch u := n.t.Underlying().(type) {
	case *types.Pointer:
		return newTypesNode(u.Elem())
	case *types.Slice:
		return newTypesNode(u.Elem())
	case *types.Array:
		return newTypesNode(u.Elem())
	case *types.Map:
		return newTypesNode(u.Elem())
	case *types.Chan:
		return newTypesNode(u.Elem())
	}
	panic("copyable: elem of " + n.t.String())
}

func (n typesNode) key() node       { return newTypesNode(n.t.Underlying().(*types.Map).Key()) }
func (n typesNode) arrayLen() int64 { return n.t.Underlying().(*types.Array).Len() }

func (n typesNode) dir() chanDir {
	switch n.t.Underlying().(*types.Chan).Dir() {
	case types.SendOnly:
		return chanSend
	case types.RecvOnly:
		return chanRecv
	}
	return chanBoth
}

func (n typesNode) numFields() int { return n.t.Underlying().(*types.Struct).NumFields() }

func (n typesNode) field(i int) (string, node) {
	f := n.t.Underlying().(*types.Struct).Field(i)
	return f.Name(), newTypesNode(f.Type())
}

func (n typesNode) sig() *types.Signature { return n.t.Underlying().(*types.Signature) }
func (n typesNode) numIn() int            { return n.sig().Params().Len() }
func (n typesNode) in(i int) node         { return newTypesNode(n.sig().Params().At(i).Type()) }
func (n typesNode) numOut() int           { return n.sig().Results().Len() }
func (n typesNode) out(i int) node        { return newTypesNode(n.sig().Results().At(i).Type()) }
func (n typesNode) variadic() bool        { return n.sig().Variadic() }

func (n typesNode) numMethods() int { return n.t.Underlying().(*types.Interface).NumMethods() }

func (n typesNode) method(i int) (string, node) {
	m := n.t.Underlying().(*types.Interface).Method(i)
	return m.Name(), newTypesNode(m.Type())
}
