package rerun

import (
	"fmt"
	"go/token"
	"go/types"
	"iter"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Analyzer computes the Result of a package and exports the facts that
// carry sink chains, trigger helpers and state resets across packages. The
// public analyzers require it.
var Analyzer = &analysis.Analyzer{
	Name:       "rerun",
	Doc:        "find rerun entry points, their rerun path, and functions reaching sinks (internal engine of dashvet)",
	URL:        "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/README.md",
	Run:        run,
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(FuncFact), new(PackageFact), new(ChanFact)},
}

// ExtraSinks and ExtraResources hold the catalogue rows added on the
// command line. uncachedcall and rerunresource register them as their
// -sinks and -resources flags; the engine reads them. They are set only
// through Analyzer.Flags, before any pass runs.
var (
	ExtraSinks     = newSpecList(KindCall)
	ExtraResources = newSpecList(KindPool)
)

func init() {
	Analyzer.Flags.Var(ExtraSinks, "sinks", "extra sinks: comma-separated pkg/path.Func or pkg/path.(*T).Method")
	Analyzer.Flags.Var(ExtraResources, "resources", "extra resource constructors: comma-separated pkg/path.Func or pkg/path.(*T).Method")
}

// The built-in catalogues are immutable after initialisation.
var (
	sinkCatalogue     = newCatalogue(sinkTable())
	resourceCatalogue = newCatalogue(resourceTable(), resourceLiterals)
)

// Result is what the engine knows about one package.
type Result struct {
	Pkg     *types.Package
	Entries []*Entry
	// Recovered lists the panics the engine recovered from, one per
	// package it then stayed silent about; tests require it empty.
	Recovered []string
}

// Entry is a rerun entry point: a function or function literal with a
// *dash.UI parameter.
type Entry struct {
	Name string // "app", "(*Page).Render", "app.func1"
	Fn   *ssa.Function
	// Callback is true for a function literal given to dash.OnChange: it
	// runs once per change of its widget, before the rerun.
	Callback bool
	// Trigger is true when the entry itself only runs after a trigger's
	// click (declared under "if ui.Button(...)" or an OnChange of a Button).
	Trigger bool
	Sites   []*Site
	// Resets are the state resets on the entry's path: constant
	// State.Set calls, direct or in helpers, not guarded by a presence test
	// of their key.
	Resets []*Reset
}

// Site is a call or composite literal on the rerun path of an entry that
// reaches a sink or constructs a resource.
type Site struct {
	Pos, End token.Pos
	// Trigger is true when the site runs only after a trigger's click.
	Trigger bool
	// Query and Resource are the chains, starting at the callee, to a sink
	// or a resource constructor; nil when there is none.
	Query, Resource *Chain
}

// EveryRerun yields the sites that run on every rerun: those of entries
// that are neither trigger-guarded themselves nor OnChange callbacks
// (which run once per change of their widget, as actions do), outside
// trigger-guarded code. This is the rule every per-rerun analyzer
// applies, in one place.
func (r *Result) EveryRerun() iter.Seq2[*Entry, *Site] {
	return func(yield func(*Entry, *Site) bool) {
		for _, e := range r.Entries {
			if e.Trigger || e.Callback {
				continue
			}
			for _, s := range e.Sites {
				if !s.Trigger && !yield(e, s) {
					return
				}
			}
		}
	}
}

// Chain renders the full chain of a finding at a site: the entry, then the
// site's chain c, long chains elided in the middle.
func (r *Result) Chain(e *Entry, c *Chain) string {
	return e.Name + " → " + c.Format(r.Pkg)
}

func run(pass *analysis.Pass) (any, error) {
	result := &Result{Pkg: pass.Pkg}
	sc, ok := relevance(pass)
	if !ok {
		return result, nil
	}
	defer func() {
		// Stay silent: a missed finding is better than a crashed build.
		if r := recover(); r != nil {
			result.Entries = nil
			result.Recovered = append(result.Recovered, fmt.Sprintf("%s: %v", pass.Pkg.Path(), r))
		}
	}()
	e := newEngine(pass)
	e.exportFacts()
	if sc == scopeApp {
		result.Entries = e.entries()
	}
	return result, nil
}

// scope says how much of a package the engine analyses.
type scope int

const (
	scopeFacts scope = iota // summaries for facts only: the package has no dash app
	scopeApp                // entries too: the package imports dash
)

// relevance decides at once, from the imports alone, whether a package can
// matter: it imports dash (it may hold entries), a catalogued package, or a
// package that exported facts (its functions may reach sinks through it).
// Everything else, including the standard library, which the catalogue
// covers, returns before any SSA is built. MayExportFacts answers the same
// question for drivers before type checking.
func relevance(pass *analysis.Pass) (scope, bool) {
	byPath := map[string]*types.Package{}
	var paths []string
	for _, imp := range pass.Pkg.Imports() {
		byPath[imp.Path()] = imp
		paths = append(paths, imp.Path())
	}
	hasFacts := func(path string) bool { return pass.ImportPackageFact(byPath[path], new(PackageFact)) }
	std := isStd(pass)
	user := !std && pass.Module != nil && pass.Module.Version == ""
	if !MayExportFacts(pass.Pkg.Path(), std, user, paths, hasFacts) {
		return 0, false
	}
	if byPath[DashPath] != nil {
		return scopeApp, true
	}
	return scopeFacts, true
}

// isStd reports whether the pass is over a standard library package: one
// outside any module (or in module "std") whose path has no dot in its
// first element. A user module named without a dot ("sales") has a module.
func isStd(pass *analysis.Pass) bool {
	if m := pass.Module; m != nil && m.Path != "" && m.Path != "std" {
		return false
	}
	return isStdPath(pass.Pkg.Path())
}

// inStd reports whether package path p, seen from this pass, is in the
// standard library: outside the pass's own module and without a dot in its
// first element.
func (e *engine) inStd(p string) bool {
	if m := e.pass.Module; m != nil && m.Path != "" && (p == m.Path || strings.HasPrefix(p, m.Path+"/")) {
		return false
	}
	return isStdPath(p)
}

func isStdPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func (s *SpecList) hasPackage(path string) bool {
	for _, e := range s.entries {
		if e.pkg == path {
			return true
		}
	}
	return false
}

func (s *SpecList) lookup(fn *types.Func) Kind {
	if len(s.entries) == 0 || fn.Pkg() == nil {
		return KindNone
	}
	recv := recvName(fn)
	for _, e := range s.entries {
		if e.pkg == fn.Pkg().Path() && e.recv == recv && e.name == fn.Name() {
			return e.kind
		}
	}
	return KindNone
}

func lookupSink(fn *types.Func) Kind {
	if k := sinkCatalogue.Lookup(fn); k != KindNone {
		return k
	}
	return ExtraSinks.lookup(fn)
}

func lookupResource(fn *types.Func) Kind {
	if k := resourceCatalogue.Lookup(fn); k != KindNone {
		return k
	}
	return ExtraResources.lookup(fn)
}
