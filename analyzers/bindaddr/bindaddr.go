package bindaddr

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"net"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

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
		// An explicit loopback address is a choice for local use unless
		// the module is built into a container: look for one only then.
		_, c.manifests, _ = containerManifests(pass)
		for _, f := range pass.Files {
			// A test's server (httptest, or one it starts itself) runs on
			// the machine running the tests: loopback is right there.
			if strings.HasSuffix(pass.Fset.Position(f.Pos()).Filename, "_test.go") {
				continue
			}
			c.file(f)
		}
		for _, d := range c.found {
			rep.Report(d)
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
	// manifests are the container manifests of the package directory and
	// the module root: without one, loopback is a choice for local use.
	manifests []string
	// found are the explicit loopback bindings.
	found []analysis.Diagnostic
	// values answers what an address expression may hold, on SSA; built
	// on first need.
	values *resolver
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

// loopback reports e if an address it may hold is a loopback address
// known at compile time (see values.go), unless the manifests configure
// what selects another: the environment variable or the flag it is the
// default of.
func (c *checker) loopback(e ast.Expr, where string) {
	if len(c.manifests) == 0 {
		return
	}
	if c.values == nil {
		c.values = newResolver(rerun.BuildSSA(c.pass, ssa.GlobalDebug), c.pass.TypesInfo)
	}
	for _, cand := range c.values.exprValues(c.pass.Files, e) {
		if !IsLoopback(cand.addr) {
			continue
		}
		var msg string
		switch {
		case cand.env != "":
			if manifestsSetEnv(c.manifests, cand.env) {
				continue
			}
			msg = fmt.Sprintf("%s(%q, the default when %s is unset): a server bound to a loopback address is unreachable from outside its container or host, and no container manifest sets %s; set it there, or default to \"0.0.0.0\"", where, cand.addr, cand.env, cand.env)
		case cand.flag != "":
			if manifestsPassFlag(c.manifests, cand.flag) {
				continue
			}
			msg = fmt.Sprintf("%s(%q, the default of flag -%s): a server bound to a loopback address is unreachable from outside its container or host, and no container manifest passes -%s; pass it there, or default to \"0.0.0.0\"", where, cand.addr, cand.flag, cand.flag)
		default:
			msg = fmt.Sprintf("%s(%q): a server bound to a loopback address is unreachable from outside its container or host; %s", where, cand.addr, fixAdvice)
		}
		c.found = append(c.found, analysis.Diagnostic{Pos: e.Pos(), End: e.End(), Message: msg})
		return // one finding per address
	}
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
