// Package load loads the packages of a standalone dashvet run from source,
// in this process, checking function bodies only where an analyzer can
// have something to say.
//
// A run analyses the packages named on the command line (the roots) and,
// for the facts the rerun engine passes between packages, their
// dependencies. The engine decides from a package's imports alone whether
// it may have facts (rerun.MayExportFacts); for all other dependencies,
// most of them in a dash app (modernc.org/sqlite's generated C-to-Go code
// among them), the analyzers need the declarations only. So those are
// type-checked with IgnoreFuncBodies, which costs a fraction of a full
// check, and nothing is compiled: `go vet`, which dashvet used before,
// compiles every dependency for its export data first, minutes of CPU on
// a fresh machine.
//
// Loading has two stages, so that a caller can stop after the first when
// its results are cached: List runs `go list` (through go/packages) for the
// package graph without types, and Check parses and type-checks the graph
// in dependency order, in parallel.
package load

import (
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Config says what to load.
type Config struct {
	Dir      string   // directory the patterns are relative to
	Patterns []string // package patterns, as for go list
	Tests    bool     // also load test packages
	Tags     string   // comma-separated build tags
	Env      []string // environment of the go command; nil means os.Environ()

	// MayExportFacts is rerun.MayExportFacts: whether the analyzers may
	// export facts for a dependency, judged from its import path, whether
	// it is in the standard library, its imports and whether an import may
	// have facts. Such dependencies are checked in full; nil checks every
	// package in full.
	MayExportFacts func(pkgPath string, std, user bool, imports []string, importHasFacts func(string) bool) bool

	// Types, if not nil, keeps the types of dependencies checked without
	// their bodies between runs, as export data: a later run reads them
	// instead of parsing and checking the package again.
	Types TypesCache
}

// TypesCache stores export data by package. Its methods are called from
// several goroutines at once.
type TypesCache interface {
	Get(p *packages.Package) ([]byte, bool)
	Put(p *packages.Package, data []byte)
}

// Graph is a loaded package graph.
type Graph struct {
	// Roots are the packages the patterns name (with their test variants
	// when Config.Tests), without the generated test mains.
	Roots []*packages.Package
	// All is every package of the graph, dependencies before importers.
	All []*packages.Package
	// Full reports whether a package is checked with its function
	// bodies: the roots and the dependencies that may have facts.
	Full map[*packages.Package]bool
	// Std reports whether a package is in the standard library.
	Std map[*packages.Package]bool

	cfg *Config
}

// listMode is what List asks go list for: the graph and each package's
// files, without types or syntax.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedModule | packages.NeedEmbedFiles |
	packages.NeedTypesSizes | packages.NeedForTest

// List runs go list for the patterns and returns the package graph,
// without types. Errors go list reports for a package are in its Errors.
func List(ctx context.Context, cfg *Config) (*Graph, error) {
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}
	pcfg := &packages.Config{
		Context: ctx,
		Mode:    listMode,
		Dir:     cfg.Dir,
		Env:     env,
		Tests:   cfg.Tests,
	}
	if cfg.Tags != "" {
		pcfg.BuildFlags = []string{"-tags=" + cfg.Tags}
	}
	pkgs, err := packages.Load(pcfg, cfg.Patterns...)
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	g := &Graph{Full: map[*packages.Package]bool{}, Std: map[*packages.Package]bool{}, cfg: cfg}
	for _, p := range pkgs {
		if isTestMain(p) {
			continue
		}
		g.Roots = append(g.Roots, p)
		g.Full[p] = true
	}
	// Dependencies first: packages.Visit calls post after a package's
	// imports.
	packages.Visit(g.Roots, nil, func(p *packages.Package) { g.All = append(g.All, p) })
	goroot := gorootSrc(g.All)
	for _, p := range g.All {
		g.Std[p] = p.Module == nil && goroot != "" && p.PkgPath != "" && len(p.GoFiles) > 0 &&
			strings.HasPrefix(p.GoFiles[0], goroot)
	}
	for _, p := range g.All {
		if g.Full[p] {
			continue
		}
		user := !g.Std[p] && p.Module != nil && p.Module.Version == ""
		g.Full[p] = cfg.MayExportFacts == nil || cfg.MayExportFacts(p.PkgPath, g.Std[p], user, importPaths(p),
			func(path string) bool { return g.fullImport(p, path) })
	}
	return g, nil
}

// fullImport reports whether p's import with package path path is checked
// in full, which is what "may have facts" means before analysis.
func (g *Graph) fullImport(p *packages.Package, path string) bool {
	for _, imp := range p.Imports {
		if imp.PkgPath == path {
			return g.Full[imp]
		}
	}
	return true // unknown: assume facts
}

func importPaths(p *packages.Package) []string {
	paths := make([]string, 0, len(p.Imports))
	for _, imp := range p.Imports {
		paths = append(paths, imp.PkgPath)
	}
	return paths
}

// isTestMain reports whether p is the generated main package of a test
// binary, which go vet does not analyse either.
func isTestMain(p *packages.Package) bool {
	return strings.HasSuffix(p.ID, ".test") && p.Name == "main"
}

// gorootSrc returns the source directory of the standard library, found
// from package runtime (which every package but unsafe depends on), or ""
// if the graph has no runtime.
func gorootSrc(all []*packages.Package) string {
	for _, p := range all {
		if p.PkgPath == "runtime" && p.Module == nil && len(p.GoFiles) > 0 {
			i := strings.LastIndex(p.GoFiles[0], string(os.PathSeparator)+"runtime"+string(os.PathSeparator))
			if i >= 0 {
				return p.GoFiles[0][:i+1]
			}
		}
	}
	return ""
}
