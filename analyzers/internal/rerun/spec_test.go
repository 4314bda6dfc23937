package rerun

import (
	"go/token"
	"go/types"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]entry{
		"example.com/store.Fetch":              {pkg: "example.com/store", name: "Fetch"},
		"example.com/api.(*Client).Call":       {pkg: "example.com/api", recv: "Client", name: "Call"},
		"example.com/api.(Client).Call":        {pkg: "example.com/api", recv: "Client", name: "Call"},
		"example.com/api.Client.Call":          {pkg: "example.com/api", recv: "Client", name: "Call"},
		"os.ReadFile":                          {pkg: "os", name: "ReadFile"},
		"github.com/x/y.v2/pkg.(*DB).QueryAll": {pkg: "github.com/x/y.v2/pkg", recv: "DB", name: "QueryAll"},
	} {
		got, err := parseSpec(in)
		if err != nil || got != want {
			t.Errorf("parseSpec(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"Fetch", "example.com/store", "example.com/api.(*Client)", "a.b.c.d", "example.com/api.().X"} {
		if got, err := parseSpec(bad); err == nil {
			t.Errorf("parseSpec(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestSpecListFlag(t *testing.T) {
	s := newSpecList(KindCall)
	if err := s.Set("example.com/a.F, example.com/b.(*T).M"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("example.com/c.G"); err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "example.com/a.F,example.com/b.(*T).M,example.com/c.G"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if err := s.Set("nodot"); err == nil {
		t.Error("Set(nodot) succeeded, want an error")
	}
	pkg := types.NewPackage("example.com/b", "b")
	tn := types.NewTypeName(token.NoPos, pkg, "T", nil)
	named := types.NewNamed(tn, types.NewStruct(nil, nil), nil)
	recv := types.NewVar(token.NoPos, pkg, "t", types.NewPointer(named))
	m := types.NewFunc(token.NoPos, pkg, "M", types.NewSignatureType(recv, nil, nil, nil, nil, false))
	if k := s.lookup(m); k != KindCall {
		t.Errorf("lookup((*T).M) = %v, want KindCall", k)
	}
	if !s.hasPackage("example.com/c") || s.hasPackage("example.com/d") {
		t.Error("hasPackage disagrees with the flag")
	}
}

// method builds a method of a type named recv in package path, as the
// catalogue sees it when the package is not in the build.
func method(path, recv, name string, ptr bool) *types.Func {
	pkg := types.NewPackage(path, pathName(path))
	named := types.NewNamed(types.NewTypeName(token.NoPos, pkg, recv, nil), types.NewStruct(nil, nil), nil)
	var rt types.Type = named
	if ptr {
		rt = types.NewPointer(named)
	}
	sig := types.NewSignatureType(types.NewVar(token.NoPos, pkg, "r", rt), nil, nil, nil, nil, false)
	return types.NewFunc(token.NoPos, pkg, name, sig)
}

func function(path, name string) *types.Func {
	pkg := types.NewPackage(path, pathName(path))
	return types.NewFunc(token.NoPos, pkg, name, types.NewSignatureType(nil, nil, nil, nil, nil, false))
}

func pathName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

func TestCatalogue(t *testing.T) {
	for _, c := range []struct {
		fn   *types.Func
		sink Kind
		res  Kind
	}{
		{method("database/sql", "DB", "QueryContext", true), KindQuery, KindNone},
		{method("database/sql", "DB", "SetMaxOpenConns", true), KindNone, KindNone},
		{method("database/sql", "Rows", "Next", true), KindNone, KindNone},
		{function("database/sql", "Open"), KindNone, KindPool},
		{function("net/http", "Get"), KindHTTP, KindNone},
		{function("net/http", "NewRequest"), KindNone, KindNone},
		{method("net/http", "Client", "Do", true), KindHTTP, KindNone},
		{method("github.com/jackc/pgx/v5/pgxpool", "Pool", "Query", true), KindQuery, KindNone},
		{function("github.com/jackc/pgx/v5/pgxpool", "New"), KindNone, KindPool},
		{method("github.com/redis/go-redis/v9", "cmdable", "HGetAll", false), KindQuery, KindNone},
		{method("github.com/redis/go-redis/v9", "cmdable", "Pipeline", false), KindNone, KindNone},
		{function("github.com/redis/go-redis/v9", "NewClient"), KindNone, KindPool},
		{method("gorm.io/gorm", "DB", "Find", true), KindQuery, KindNone},
		{method("gorm.io/gorm", "DB", "Where", true), KindNone, KindNone},
		{method("google.golang.org/grpc", "ClientConn", "Invoke", true), KindRPC, KindNone},
		{function("google.golang.org/grpc", "NewClient"), KindNone, KindClient},
		{method("go.mongodb.org/mongo-driver/v2/mongo", "Collection", "Find", true), KindQuery, KindNone},
		{function("os", "ReadFile"), KindFile, KindNone},
		{function("example.com/sql", "Open"), KindNone, KindNone},
	} {
		if got := sinkCatalogue.Lookup(c.fn); got != c.sink {
			t.Errorf("sink %s = %v, want %v", c.fn.FullName(), got, c.sink)
		}
		if got := resourceCatalogue.Lookup(c.fn); got != c.res {
			t.Errorf("resource %s = %v, want %v", c.fn.FullName(), got, c.res)
		}
	}
}

func TestStepFormat(t *testing.T) {
	app := types.NewPackage("example.com/app", "app")
	for _, c := range []struct {
		step Step
		want string
	}{
		{stepOf(method("database/sql", "DB", "QueryContext", true)), "(*sql.DB).QueryContext"},
		{stepOf(method("example.com/store", "Repo", "Count", false)), "store.Repo.Count"},
		{stepOf(function("example.com/app", "loadSales")), "loadSales"},
		{stepOf(function("net/http", "Get")), "http.Get"},
		{Step{PkgPath: "net/http", PkgName: "http", Name: "Client", Literal: true}, "http.Client{}"},
	} {
		if got := c.step.Format(app); got != c.want {
			t.Errorf("Format = %q, want %q", got, c.want)
		}
	}
}
