package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// Check parses and type-checks every package of the graph, dependencies
// before importers and independent packages in parallel, filling each
// package's Fset, Syntax, Types, TypesInfo and IllTyped. A package with
// errors (its own, or an import's) is IllTyped, its errors in Errors, as
// go/packages does it. onDone, if not nil, is called as each package is
// finished, from any goroutine. Check returns early only when ctx ends.
func (g *Graph) Check(ctx context.Context, onStart, onDone func(*packages.Package)) error {
	fset := token.NewFileSet()
	done := make(map[*packages.Package]chan struct{}, len(g.All))
	for _, p := range g.All {
		done[p] = make(chan struct{})
	}
	// The parser and type checker are CPU-bound: more workers than CPUs
	// only add memory.
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range g.All {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[p])
			for _, imp := range p.Imports {
				select {
				case <-done[imp]:
				case <-ctx.Done():
					return
				}
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-slots }()
			if onStart != nil {
				onStart(p)
			}
			g.check(fset, p)
			if onDone != nil {
				onDone(p)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// check parses and type-checks one package whose imports are checked.
func (g *Graph) check(fset *token.FileSet, p *packages.Package) {
	p.Fset = fset
	full := g.Full[p]
	for _, imp := range p.Imports {
		if imp.IllTyped {
			p.IllTyped = true
		}
	}
	if p.PkgPath == "unsafe" {
		p.Types = types.Unsafe
		p.TypesInfo = newInfo()
		return
	}

	if !full && g.cfg.Types != nil {
		if data, ok := g.cfg.Types.Get(p); ok {
			if pkg, err := readTypes(fset, p, data); err == nil {
				p.Types, p.TypesInfo = pkg, newInfo()
				return
			}
			// Unreadable (another x/tools wrote it?): check from source.
		}
	}

	mode := parser.SkipObjectResolution
	if full {
		// Analyzers read comments: suppressions, the examples' markers.
		mode |= parser.ParseComments
	}
	var parseErrs []error
	for _, name := range p.CompiledGoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			parseErrs = append(parseErrs, err)
			continue
		}
		f, err := parser.ParseFile(fset, name, src, mode)
		if f != nil {
			if !full {
				dropBodies(f)
			}
			p.Syntax = append(p.Syntax, f)
		}
		if err != nil {
			parseErrs = append(parseErrs, err)
		}
	}
	for _, err := range parseErrs {
		var list scanner.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				p.Errors = append(p.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
			}
			continue
		}
		p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.ParseError})
	}

	info := newInfo()
	tc := &types.Config{
		Importer: importer(p),
		Sizes:    p.TypesSizes,
		// The declarations are all a dependency without facts offers its
		// importers; skipping the bodies also skips the check for unused
		// imports, which would otherwise be false errors.
		IgnoreFuncBodies: !full,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				p.Errors = append(p.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
				return
			}
			p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.TypeError})
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types, _ = tc.Check(p.PkgPath, fset, p.Syntax, info) // errors are in p.Errors
	p.TypesInfo = info
	if len(p.Errors) > 0 {
		p.IllTyped = true
		return
	}
	if !full && g.cfg.Types != nil && !p.IllTyped {
		var buf bytes.Buffer
		if err := gcexportdata.Write(&buf, fset, p.Types); err == nil {
			g.cfg.Types.Put(p, buf.Bytes())
		}
	}
}

// readTypes reads p's types from export data. The packages it refers to
// are p's dependencies, all loaded by now; they are handed to the reader,
// which reuses their objects, so that a type means the same object
// whether reached through p or directly. The map is p's own: a test
// variant of a package has the same path as the package.
func readTypes(fset *token.FileSet, p *packages.Package, data []byte) (*types.Package, error) {
	imports := map[string]*types.Package{}
	var add func(q *packages.Package)
	add = func(q *packages.Package) {
		for _, imp := range q.Imports {
			if _, ok := imports[imp.PkgPath]; ok || imp.Types == nil {
				continue
			}
			imports[imp.PkgPath] = imp.Types
			add(imp)
		}
	}
	add(p)
	return gcexportdata.Read(bytes.NewReader(data), fset, imports, p.PkgPath)
}

// importer resolves p's imports (as written in its source) to the
// packages go list found for them.
func importer(p *packages.Package) types.Importer {
	return importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		imp, ok := p.Imports[path]
		if !ok {
			return nil, fmt.Errorf("no package listed for import %q", path)
		}
		if imp.Types == nil {
			return nil, fmt.Errorf("import %q was not loaded", path)
		}
		return imp.Types, nil
	})
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// newInfo returns the type information to record: everything analyzers
// read. Without function bodies the checker fills less of it.
func newInfo() *types.Info {
	return &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
}

// dropBodies removes the function bodies of a file checked without them,
// as soon as it is parsed: the parser cannot skip them, and in generated
// code such as modernc.org/sqlite/lib (10 MB of Go) their syntax trees are
// most of the memory a run would otherwise hold until its end.
// An empty body, not none: go/types requires one of init and generic
// functions even when it does not check them.
func dropBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			fd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, Rbrace: fd.Body.Rbrace}
		}
	}
}
