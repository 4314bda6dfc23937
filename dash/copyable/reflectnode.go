package copyable

import (
	"reflect"
	"strings"
)

// reflectNode is the rule's view of a reflect.Type.
type reflectNode struct{ t reflect.Type }

func (n reflectNode) kind() kind {
	switch n.t.Kind() {
	case reflect.UnsafePointer:
		return kindUnsafePointer
	case reflect.Struct:
		return kindStruct
	case reflect.Array:
		return kindArray
	case reflect.Slice:
		return kindSlice
	case reflect.Map:
		return kindMap
	case reflect.Pointer:
		return kindPointer
	case reflect.Chan:
		return kindChan
	case reflect.Func:
		return kindFunc
	case reflect.Interface:
		return kindInterface
	}
	return kindBasic
}

func (n reflectNode) named() (pkgPath, pkgName, name string, ok bool) {
	t := n.t
	if t.Name() == "" {
		return "", "", "", false
	}
	if t.PkgPath() == "" {
		// Predeclared: only error is a defined type worth naming; int,
		// string... are written by basicName.
		if t.Kind() == reflect.Interface {
			return "", "", t.Name(), true
		}
		return "", "", "", false
	}
	name = t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	// String is "pkgname.Name[args]": the package name is what precedes
	// the first dot.
	s := t.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		pkgName = s[:i]
	}
	return t.PkgPath(), pkgName, name, true
}

// typeArgs rewrites the type arguments reflect reports with full import
// paths ("[github.com/x/y.Item]") into Go's spelling ("[y.Item]"). reflect
// does not expose type arguments, so the package name is derived from the
// import path: its last element, skipping a major-version suffix ("v5") and
// dropping a gopkg.in style ".vN". A package whose name differs from its
// path in another way is spelt by its path element.
func (n reflectNode) typeArgs(qualified bool) string {
	name := n.t.Name()
	i := strings.IndexByte(name, '[')
	if i < 0 || n.t.PkgPath() == "" {
		return ""
	}
	return rewriteQualified(name[i:], qualified)
}

func rewriteQualified(s string, qualified bool) string {
	var b strings.Builder
	isIdent := func(c byte) bool {
		return c == '_' || c == '.' || c == '/' || c == '-' || c == '~' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	for i := 0; i < len(s); {
		if !isIdent(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isIdent(s[j]) {
			j++
		}
		word := s[i:j]
		if dot := strings.LastIndexByte(word, '.'); dot > 0 {
			if qualified {
				b.WriteString(pkgNameFromPath(word[:dot]))
				b.WriteByte('.')
			}
			word = word[dot+1:]
		}
		b.WriteString(word)
		i = j
	}
	return b.String()
}

func pkgNameFromPath(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(last) {
		last = elems[len(elems)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 && isMajorVersion(last[i+1:]) {
		last = last[:i]
	}
	return last
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (n reflectNode) id() any { return n.t }

func (n reflectNode) basicName() string {
	// Unnamed basic types print as their predeclared name.
	return n.t.Kind().String()
}

func (n reflectNode) elem() node      { return reflectNode{n.t.Elem()} }
func (n reflectNode) key() node       { return reflectNode{n.t.Key()} }
func (n reflectNode) arrayLen() int64 { return int64(n.t.Len()) }

func (n reflectNode) dir() chanDir {
	switch n.t.ChanDir() {
	case reflect.SendDir:
		return chanSend
	case reflect.RecvDir:
		return chanRecv
	}
	return chanBoth
}

func (n reflectNode) numFields() int { return n.t.NumField() }

func (n reflectNode) field(i int) (string, node) {
	f := n.t.Field(i)
	return f.Name, reflectNode{f.Type}
}

func (n reflectNode) numIn() int      { return n.t.NumIn() }
func (n reflectNode) in(i int) node   { return reflectNode{n.t.In(i)} }
func (n reflectNode) numOut() int     { return n.t.NumOut() }
func (n reflectNode) out(i int) node  { return reflectNode{n.t.Out(i)} }
func (n reflectNode) variadic() bool  { return n.t.IsVariadic() }
func (n reflectNode) numMethods() int { return n.t.NumMethod() }
func (n reflectNode) method(i int) (string, node) {
	m := n.t.Method(i)
	return m.Name, reflectNode{m.Type}
}
