package bindaddr

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/dashvet/dashvet/analyzers/internal/analyzerdoc"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports loopback bindings of dash servers.
var Analyzer = &analysis.Analyzer{
	Name: "bindaddr",
	Doc:  analyzerdoc.Extract(doc, "bindaddr"),
	URL:  "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/bindaddr.md",
	Run:  run,
}

const fixAdvice = `bind "0.0.0.0", or take the address from configuration`

func run(pass *analysis.Pass) (any, error) {
	rep := suppress.New(pass)
	if importsDash(pass.Pkg) {
		c := &checker{pass: pass, rep: rep}
		c.carriers = dashHandlerCarriers(pass.TypesInfo, pass.Files)
		c.onceAssigned = assignedOnce(pass.TypesInfo, pass.Files)
		for _, f := range pass.Files {
			// A test's server (httptest, or one it starts itself) runs on
			// the machine running the tests: loopback is right there.
			if strings.HasSuffix(pass.Fset.Position(f.Pos()).Filename, "_test.go") {
				continue
			}
			c.file(f)
		}
		// An explicit loopback address is a choice for local use unless
		// the module is built into a container: report it only then.
		if len(c.found) > 0 {
			if _, manifests, _ := containerManifests(pass); len(manifests) > 0 {
				for _, d := range c.found {
					rep.Report(d)
				}
			}
		}
		if pass.Pkg.Name() == "main" && !c.addressInCode && len(c.runs) > 0 {
			checkManifests(pass, rep, c.runs[0])
		}
	}
	rep.Finish()
	return nil, nil
}

func importsDash(p *types.Package) bool {
	for _, imp := range p.Imports() {
		if imp.Path() == rerun.DashPath {
			return true
		}
	}
	return false
}

type checker struct {
	pass     *analysis.Pass
	rep      *suppress.Reporter
	carriers map[types.Object]bool
	// addressInCode is set when the package configures an address in code
	// (any value), which overrides the default the manifests check is about.
	addressInCode bool
	// runs are the dash.Run and (*dash.App).Run calls.
	runs []*ast.CallExpr
	// found are the explicit loopback bindings, reported when the module
	// has container manifests.
	found []analysis.Diagnostic
	// onceAssigned are the local variables assigned once, with their
	// value: an address kept in one is followed to it.
	onceAssigned map[*types.Var]ast.Expr
}

func (c *checker) file(f *ast.File) {
	info := c.pass.TypesInfo
	var decl *ast.FuncDecl
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			decl = n
		case *ast.CallExpr:
			c.call(n, decl)
		case *ast.CompositeLit:
			c.literal(n)
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if i < len(n.Rhs) && len(n.Lhs) == len(n.Rhs) && isAddressField(info, l) {
					c.addressInCode = true
					c.loopback(n.Rhs[i], "dash.ServerConfig.Address")
				}
			}
		}
		return true
	})
}

func (c *checker) call(call *ast.CallExpr, decl *ast.FuncDecl) {
	fn := rerun.Callee(c.pass.TypesInfo, call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	switch {
	case rerun.DashFunc(fn, "", "Address"):
		c.addressInCode = true
		if len(call.Args) == 1 {
			c.loopback(call.Args[0], "dash.Address")
		}
	case rerun.DashFunc(fn, "", "Run") || rerun.DashFunc(fn, "App", "Run"):
		c.runs = append(c.runs, call)
	case fn.Pkg().Path() == "net/http" && (fn.Name() == "ListenAndServe" || fn.Name() == "ListenAndServeTLS") && !isMethod(fn):
		if len(call.Args) >= 2 && c.servesDash(call.Args[len(call.Args)-1]) {
			c.loopback(call.Args[0], "http."+fn.Name())
		}
	case fn.Pkg().Path() == "net" && fn.Name() == "Listen" && !isMethod(fn):
		if len(call.Args) == 2 && decl != nil && decl.Body != nil && containsDashHandler(c.pass.TypesInfo, decl.Body, c.carriers) {
			c.loopback(call.Args[1], "net.Listen")
		}
	}
}

func isMethod(fn *types.Func) bool { return fn.Type().(*types.Signature).Recv() != nil }

func (c *checker) literal(lit *ast.CompositeLit) {
	t := c.pass.TypesInfo.TypeOf(lit)
	if t == nil {
		return
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return
	}
	obj := named.Obj()
	switch {
	case obj.Pkg().Path() == rerun.DashPath && obj.Name() == "ServerConfig":
		if v := field(lit, "Address"); v != nil {
			c.addressInCode = true
			c.loopback(v, "dash.ServerConfig.Address")
		}
	case obj.Pkg().Path() == "net/http" && obj.Name() == "Server":
		if h := field(lit, "Handler"); h != nil && c.servesDash(h) {
			if v := field(lit, "Addr"); v != nil {
				c.loopback(v, "http.Server.Addr")
			}
		}
	}
}

// field returns the value of the keyed field name in lit, or nil.
func field(lit *ast.CompositeLit, name string) ast.Expr {
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return kv.Value
			}
		}
	}
	return nil
}

// isAddressField reports whether e selects the Address field of
// dash.ServerConfig.
func isAddressField(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	v, ok := info.ObjectOf(sel.Sel).(*types.Var)
	return ok && v.IsField() && v.Name() == "Address" && v.Pkg() != nil && v.Pkg().Path() == rerun.DashPath
}

func (c *checker) servesDash(h ast.Expr) bool {
	return containsDashHandler(c.pass.TypesInfo, h, c.carriers)
}

// loopback reports e if it is a loopback address known at compile time.
func (c *checker) loopback(e ast.Expr, where string) {
	s, ok := c.constString(e)
	if !ok || !IsLoopback(s) {
		return
	}
	c.found = append(c.found, analysis.Diagnostic{
		Pos:     e.Pos(),
		End:     e.End(),
		Message: fmt.Sprintf("%s(%q): a server bound to a loopback address is unreachable from outside its container or host; %s", where, s, fixAdvice),
	})
}

// constString returns the compile-time value of e, or of the leftmost
// operand of a string concatenation ("localhost:" + port), or the host of
// net.JoinHostPort, also through a local variable assigned once
// (addr := net.JoinHostPort("127.0.0.1", port)).
func (c *checker) constString(e ast.Expr) (string, bool) {
	info := c.pass.TypesInfo
	for range 8 { // a bound on chains of variables
		e = ast.Unparen(e)
		if tv, ok := info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			return constant.StringVal(tv.Value), true
		}
		switch x := e.(type) {
		case *ast.BinaryExpr:
			if x.Op != token.ADD {
				return "", false
			}
			e = x.X
		case *ast.CallExpr:
			// net.JoinHostPort("127.0.0.1", port): the host is the address.
			fn, ok := typeutil.Callee(info, x).(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "net" || fn.Name() != "JoinHostPort" || len(x.Args) != 2 {
				return "", false
			}
			e = x.Args[0]
		case *ast.Ident:
			v, ok := info.Uses[x].(*types.Var)
			if !ok || c.onceAssigned == nil {
				return "", false
			}
			if e, ok = c.onceAssigned[v]; !ok {
				return "", false
			}
		default:
			return "", false
		}
	}
	return "", false
}

// assignedOnce maps the local variables of the package that are assigned
// exactly once, where they are declared (addr := ..., var addr = ...), to
// that value.
func assignedOnce(info *types.Info, files []*ast.File) map[*types.Var]ast.Expr {
	vals := map[*types.Var]ast.Expr{}
	again := map[*types.Var]bool{}
	note := func(id *ast.Ident, val ast.Expr) {
		if v, ok := info.Defs[id].(*types.Var); ok && v.Parent() != nil && v.Parent() != v.Pkg().Scope() {
			vals[v] = val
			return
		}
		if v, ok := info.Uses[id].(*types.Var); ok {
			again[v] = true
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					id, ok := ast.Unparen(l).(*ast.Ident)
					if !ok {
						continue
					}
					var val ast.Expr
					if len(n.Lhs) == len(n.Rhs) && n.Tok == token.DEFINE {
						val = n.Rhs[i]
					}
					if val == nil {
						if v, ok := info.Uses[id].(*types.Var); ok {
							again[v] = true
						} else if v, ok := info.Defs[id].(*types.Var); ok {
							again[v] = true
						}
						continue
					}
					note(id, val)
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if len(n.Values) == len(n.Names) {
						note(id, n.Values[i])
					}
				}
			case *ast.UnaryExpr:
				// &addr: it may be assigned through the pointer.
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
					if v, ok := info.Uses[id].(*types.Var); ok {
						again[v] = true
					}
				}
			case *ast.IncDecStmt:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						again[v] = true
					}
				}
			}
			return true
		})
	}
	for v := range again {
		delete(vals, v)
	}
	return vals
}

// IsLoopback reports whether addr ("host", "host:port" or "[v6]:port")
// names a loopback host.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	} else if strings.HasSuffix(addr, ":") {
		host = strings.TrimSuffix(addr, ":") // "localhost:" + port
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// containsDashHandler reports whether n contains a call of
// (*dash.App).Handler or a use of a variable that carries one.
func containsDashHandler(info *types.Info, n ast.Node, carriers map[types.Object]bool) bool {
	if n == nil {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if rerun.DashFunc(rerun.Callee(info, n), "App", "Handler") {
				found = true
			}
		case *ast.Ident:
			if obj := info.Uses[n]; obj != nil && carriers[obj] {
				found = true
			}
		}
		return !found
	})
	return found
}

// dashHandlerCarriers finds the variables that hold a dash handler: those
// assigned an expression containing one, and muxes given one to Handle.
func dashHandlerCarriers(info *types.Info, files []*ast.File) map[types.Object]bool {
	carriers := map[types.Object]bool{}
	mark := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return false
		}
		obj := info.ObjectOf(id)
		if obj == nil || carriers[obj] {
			return false
		}
		carriers[obj] = true
		return true
	}
	// Two rounds reach "h := app.Handler(); mux.Handle("/", h)".
	for range 2 {
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					if len(n.Lhs) == len(n.Rhs) {
						for i, r := range n.Rhs {
							if containsDashHandler(info, r, carriers) {
								mark(n.Lhs[i])
							}
						}
					}
				case *ast.ValueSpec:
					if len(n.Names) == len(n.Values) {
						for i, r := range n.Values {
							if containsDashHandler(info, r, carriers) {
								mark(n.Names[i])
							}
						}
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if ok && (sel.Sel.Name == "Handle" || sel.Sel.Name == "HandleFunc") {
						for _, a := range n.Args {
							if containsDashHandler(info, a, carriers) {
								mark(sel.X)
							}
						}
					}
				}
				return true
			})
		}
	}
	return carriers
}
