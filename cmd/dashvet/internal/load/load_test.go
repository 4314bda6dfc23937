package load

import (
	"context"
	"fmt"
	"go/ast"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestDeclarationsOnly loads net/url, whose dependencies use many of
// their imports only inside function bodies: checked without bodies they
// must have no errors (no false "imported and not used"), full type
// information only where checked in full, and the root in full.
func TestDeclarationsOnly(t *testing.T) {
	fullPaths := []string{"net/url", "strconv"}
	cfg := &Config{
		Dir:      ".",
		Patterns: []string{"net/url"},
		MayExportFacts: func(path string, std, user bool, imports []string, importHasFacts func(string) bool) bool {
			if !std || user {
				t.Errorf("%s: not recognised as standard library (std %v, user %v)", path, std, user)
			}
			return path == "strconv"
		},
	}
	g, err := List(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Roots) != 1 || g.Roots[0].PkgPath != "net/url" {
		t.Fatalf("roots = %v, want [net/url]", g.Roots)
	}
	if len(g.All) < 10 {
		t.Fatalf("only %d packages in the graph of net/url", len(g.All))
	}
	if err := g.Check(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	for i, p := range g.All {
		for _, imp := range p.Imports {
			if j := slices.Index(g.All, imp); j > i {
				t.Errorf("%s listed before its import %s", p.PkgPath, imp.PkgPath)
			}
		}
		if len(p.Errors) > 0 || p.IllTyped {
			t.Errorf("%s: %v", p.PkgPath, p.Errors)
		}
		if p.Types == nil || !p.Types.Complete() {
			t.Errorf("%s: types missing or incomplete", p.PkgPath)
		}
		want := slices.Contains(fullPaths, p.PkgPath)
		if g.Full[p] != want {
			t.Errorf("%s: checked in full = %v, want %v", p.PkgPath, g.Full[p], want)
		}
		if p.PkgPath == "unsafe" {
			continue
		}
		// A body's identifiers are recorded only when it was checked;
		// without bodies, they are dropped as soon as parsed.
		if want && usesInBodies(p) == 0 {
			t.Errorf("%s: checked in full, but nothing recorded inside function bodies", p.PkgPath)
		}
		if n := statementsInBodies(p); !want && n > 0 {
			t.Errorf("%s: checked without bodies, but %d statements kept", p.PkgPath, n)
		}
	}
}

// usesInBodies counts the recorded uses of identifiers inside function
// bodies.
func usesInBodies(p *packages.Package) int {
	n := 0
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(node ast.Node) bool {
				if id, ok := node.(*ast.Ident); ok && p.TypesInfo.Uses[id] != nil {
					n++
				}
				return true
			})
		}
	}
	return n
}

// statementsInBodies counts the top-level statements of function bodies.
func statementsInBodies(p *packages.Package) int {
	n := 0
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				n += len(fd.Body.List)
			}
		}
	}
	return n
}

// TestLoadErrors: a package that does not exist is reported on the
// package, not as a failure of the load.
func TestLoadErrors(t *testing.T) {
	g, err := List(context.Background(), &Config{Dir: ".", Patterns: []string{"./nosuchpackage"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Check(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if len(g.Roots) != 1 || len(g.Roots[0].Errors) == 0 {
		t.Fatalf("want one root with an error, got %v", g.Roots)
	}
}

// TestCancel: Check stops when its context ends.
func TestCancel(t *testing.T) {
	g, err := List(context.Background(), &Config{Dir: ".", Patterns: []string{"net/url"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Check(ctx, nil, nil); err == nil {
		t.Error("Check with a cancelled context returned no error")
	}
}

// memTypes is a TypesCache in memory that counts what it served.
type memTypes struct {
	mu   sync.Mutex
	data map[string][]byte
	hits int
}

func (m *memTypes) Get(p *packages.Package) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.data[p.ID]
	if ok {
		m.hits++
	}
	return d, ok
}

func (m *memTypes) Put(p *packages.Package, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[p.ID] = data
}

// TestTypesCache: a second load reads the dependencies checked without
// bodies from export data, and the root, checked from source against
// them, has the same types as in the first load.
func TestTypesCache(t *testing.T) {
	types := &memTypes{data: map[string][]byte{}}
	describe := func() (string, int) {
		g, err := List(context.Background(), &Config{Dir: ".", Patterns: []string{"encoding/csv"}, Types: types,
			MayExportFacts: func(string, bool, bool, []string, func(string) bool) bool { return false }})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Check(context.Background(), nil, nil); err != nil {
			t.Fatal(err)
		}
		deps := 0
		for _, p := range g.All {
			if len(p.Errors) > 0 {
				t.Fatalf("%s: %v", p.ID, p.Errors)
			}
			if !g.Full[p] && p.PkgPath != "unsafe" {
				deps++
			}
		}
		root := g.Roots[0]
		var b strings.Builder
		scope := root.Types.Scope()
		for _, name := range scope.Names() {
			fmt.Fprintf(&b, "%s\n", scope.Lookup(name))
		}
		// The root's body was checked against the dependencies' types:
		// a method call on a bufio type resolves.
		var sels []string
		for _, sel := range root.TypesInfo.Selections {
			sels = append(sels, sel.String())
		}
		slices.Sort(sels)
		if !slices.ContainsFunc(sels, func(s string) bool { return strings.Contains(s, "(*bufio.Reader)") }) {
			t.Fatalf("no method of bufio.Reader selected in the root; selections:\n%s", strings.Join(sels, "\n"))
		}
		return b.String() + strings.Join(sels, "\n"), deps
	}
	first, deps := describe()
	if types.hits != 0 || len(types.data) != deps {
		t.Fatalf("first load: %d hits, %d stored; want 0 and %d", types.hits, len(types.data), deps)
	}
	second, _ := describe()
	if types.hits != deps {
		t.Errorf("second load read %d packages from export data, want %d", types.hits, deps)
	}
	if first != second {
		t.Errorf("the root's types differ with dependencies from export data:\nfirst:\n%s\nsecond:\n%s", first, second)
	}
}
