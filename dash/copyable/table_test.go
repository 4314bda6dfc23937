package copyable_test

import (
	"fmt"
	"go/types"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/copyable/internal/typetable"
)

const typetablePath = "github.com/dashvet/dashvet/dash/copyable/internal/typetable"

// loadTypetable type-checks the table package from source, as the analyzer
// sees packages, once per test binary. Its dependencies come from export
// data, which go list compiles: with the test binary's -race, so that they
// are the packages the test build compiled already, not compiled again.
func loadTypetable(t *testing.T) *types.Package {
	t.Helper()
	pkg, err := loadedTypetable()
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

var loadedTypetable = sync.OnceValues(func() (*types.Package, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo}
	if raceBuild {
		cfg.BuildFlags = []string{"-race"}
	}
	pkgs, err := packages.Load(cfg, typetablePath)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", typetablePath, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("loading %s: %v", typetablePath, pkgs[0].Errors)
	}
	return pkgs[0].Types, nil
})

func checkVerdict(t *testing.T, face string, c typetable.Case, p *copyable.Problem) {
	t.Helper()
	if c.WantType == "" {
		if p != nil {
			t.Errorf("%s: %s: want copyable, got %v", face, c.Alias, p)
		}
		return
	}
	if p == nil {
		t.Errorf("%s: %s: want problem %q at %q, got copyable", face, c.Alias, c.WantType, c.WantPath)
		return
	}
	if p.Path != c.WantPath || p.Type != c.WantType || p.Resource != c.WantResource {
		t.Errorf("%s: %s: got Path %q Type %q Resource %v, want %q %q %v",
			face, c.Alias, p.Path, p.Type, p.Resource, c.WantPath, c.WantType, c.WantResource)
	}
	if p.Reason == "" {
		t.Errorf("%s: %s: problem without a reason", face, c.Alias)
	}
}

func TestCopyRuleTableSize(t *testing.T) {
	if n := len(typetable.Cases); n < 40 {
		t.Errorf("the shared table has %d cases; keep at least 40", n)
	}
}

func TestCopyRuleReflectMatchesTable(t *testing.T) {
	for _, c := range typetable.Cases {
		checkVerdict(t, "CheckReflect", c, copyable.CheckReflect(c.Type))
	}
}

func TestCopyRuleTypesMatchesReflect(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks a package with go/packages, which runs the go command")
	}
	pkg := loadTypetable(t)
	for _, c := range typetable.Cases {
		obj := pkg.Scope().Lookup(c.Alias)
		if obj == nil {
			t.Errorf("%s: no such alias in package typetable", c.Alias)
			continue
		}
		static := copyable.CheckTypes(obj.Type())
		checkVerdict(t, "CheckTypes", c, static)
		dynamic := copyable.CheckReflect(c.Type)
		if (static == nil) != (dynamic == nil) {
			t.Errorf("%s: CheckTypes %v, CheckReflect %v disagree", c.Alias, static, dynamic)
			continue
		}
		if static != nil && *static != *dynamic {
			t.Errorf("%s: CheckTypes %+v, CheckReflect %+v disagree", c.Alias, *static, *dynamic)
		}
	}
}

// Inside generic code the analyzer sees type parameters; they are accepted
// and what a generic type does with them concretely is still checked.
func TestCopyRuleGenericDeclarations(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks a package with go/packages, which runs the go command")
	}
	pkg := loadTypetable(t)
	if p := copyable.CheckTypes(pkg.Scope().Lookup("Box").Type()); p != nil {
		t.Errorf("Box[T]: %v", p)
	}
	p := copyable.CheckTypes(pkg.Scope().Lookup("ChanBox").Type())
	if p == nil || p.Path != "ChanBox.C" || p.Type != "chan T" {
		t.Errorf("ChanBox[T]: got %v, want ChanBox.C: chan T", p)
	}
}
