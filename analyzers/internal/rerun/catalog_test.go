package rerun

import (
	"go/types"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestRuntimeCatalogue checks the rows for the runtime's own packages on
// the real dash/audit, read from its export data: its calls are found
// although the engine analyses no package of dash. (An analysistest over
// a package importing dash/audit would type-check its SQLite and
// PostgreSQL drivers from source, for each analyzer's test.)
func TestRuntimeCatalogue(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, auditPkg)
	if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil || len(pkgs[0].Errors) > 0 {
		t.Fatalf("loading %s: %v %v", auditPkg, err, pkgs)
	}
	scope := pkgs[0].Types.Scope()
	method := func(typ, name string) *types.Func {
		tn, _ := scope.Lookup(typ).(*types.TypeName)
		if tn == nil {
			t.Fatalf("%s.%s: no such type", auditPkg, typ)
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, tn.Pkg(), name)
		fn, _ := obj.(*types.Func)
		if fn == nil {
			t.Fatalf("%s.(*%s).%s: no such method", auditPkg, typ, name)
		}
		return fn
	}
	open, _ := scope.Lookup("Open").(*types.Func)
	if open == nil {
		t.Fatalf("%s.Open: no such function", auditPkg)
	}
	for _, c := range []struct {
		fn         *types.Func
		sink, pool Kind
	}{
		{method("Log", "Record"), KindWrite, KindNone},
		{method("Log", "EnsureTable"), KindWrite, KindNone},
		{method("Log", "Recent"), KindQuery, KindNone},
		{method("Log", "Count"), KindQuery, KindNone},
		{method("Log", "TableName"), KindNone, KindNone},
		{open, KindNone, KindPool},
	} {
		q, r, done := reachCatalogued(c.fn)
		if !done {
			t.Errorf("%s: not known as a call into dash", c.fn.FullName())
		}
		if got := kindOf(q); got != c.sink {
			t.Errorf("%s: sink kind %v, want %v", c.fn.FullName(), got, c.sink)
		}
		if got := kindOf(r); got != c.pool {
			t.Errorf("%s: resource kind %v, want %v", c.fn.FullName(), got, c.pool)
		}
	}
}

func kindOf(c *Chain) Kind {
	if c == nil {
		return KindNone
	}
	return c.Kind
}
