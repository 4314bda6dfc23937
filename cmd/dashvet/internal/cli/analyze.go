package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/cache"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/load"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/progress"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/vetfast"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// The standalone command analyses in this process: it lists the package
// graph with go list, type-checks it from source (function bodies only
// where the analyzers need them, see package load) and runs the analyzers
// with x/tools' checker, which passes facts between packages in memory.
// The results of each package named on the command line are cached on
// disk under a key covering its files and those of its dependencies, so a
// run over unchanged code reads them back after go list alone.
//
// It used to run `go vet -vettool=<itself>` instead. go vet compiles
// every dependency for its export data before analysing anything: minutes
// of CPU on a fresh machine for a dash app, whose dependencies include an
// embedded SQLite (docs/performance.md, "First run and tests").

// result is what one analysis run produced. File names are absolute.
type result struct {
	findings []report.Finding
	errors   []report.Error
	packages int // packages analysed, a package and its tests counted once
}

// request says what to analyse, and how.
type request struct {
	patterns     []string
	tags         string
	tests        bool
	analyzerArgs []string // -NAME[=bool] and -NAME.flag=value, as the user gave them
}

// rootResult is the cached result of one root package.
type rootResult struct {
	Findings []report.Finding `json:"findings"`
}

// analyze runs the analyzers over the packages req names. Load, parse and
// type errors, and analyzer failures, are returned among the result's
// errors, so that no output format can read as clean; the error return is
// for failures of dashvet itself.
func analyze(ctx context.Context, env *Env, req request, analyzers []*analysis.Analyzer, src *source.Files) (*result, error) {
	var disp *progress.Display
	if env.isTerminal(env.Stderr) {
		// A cold run takes a while; say what it is doing. Not when stderr
		// is a file or pipe (CI logs, tests): nothing extra there.
		disp = progress.Start(env.Stderr, progressDelay)
		defer disp.Stop()
	}

	cfg := &load.Config{
		Dir:            env.Dir,
		Patterns:       req.patterns,
		Tests:          req.tests,
		Tags:           req.tags,
		MayExportFacts: mayExportFacts(analyzers),
	}
	g, err := load.List(ctx, cfg)
	if err != nil {
		return nil, err
	}
	res := &result{packages: countRoots(g.Roots)}
	if len(g.Roots) == 0 {
		res.errors = append(res.errors, report.Error{
			Kind:    report.KindLoad,
			Message: fmt.Sprintf("no packages to analyse for %s", strings.Join(req.patterns, " ")),
		})
		return res, nil
	}

	c, err := cache.Open(env.getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dashvet: %v; running without it\n", err)
		c = nil
	}
	var keys *keyer
	if c != nil {
		if keys, err = newKeyer(g, req, analyzers); err != nil {
			fmt.Fprintf(env.Stderr, "dashvet: %v; running without the cache\n", err)
			c = nil
		}
	}
	var todo []*packages.Package
	for _, r := range g.Roots {
		if c == nil {
			todo = append(todo, r)
			continue
		}
		if data, ok := c.Get(keys.key(r)); ok {
			var rr rootResult
			if json.Unmarshal(data, &rr) == nil {
				res.findings = append(res.findings, rr.Findings...)
				continue
			}
		}
		todo = append(todo, r)
	}
	if len(todo) > 0 {
		if c != nil {
			cfg.Types = keys.typesCache(g, c)
		}
		if err := analyzeFresh(ctx, g, todo, analyzers, src, c, keys, disp, res); err != nil {
			return nil, err
		}
	}
	if c != nil {
		_ = c.Trim() // best effort: a full disk must not fail the run
	}
	res.findings = dedupe(res.findings)
	slices.SortFunc(res.findings, compareFindings)
	// Every output format carries the errors; stderr says them too, so a
	// machine-readable run in a CI log does not fail silently.
	for _, e := range res.errors {
		fmt.Fprintf(env.Stderr, "dashvet: %s\n", errorText(env.Dir, e))
	}
	return res, nil
}

// analyzeFresh type-checks the graph and analyses the roots in todo,
// adding their findings and errors to res and caching the results of the
// roots analysed without error.
func analyzeFresh(ctx context.Context, g *load.Graph, todo []*packages.Package, analyzers []*analysis.Analyzer,
	src *source.Files, c *cache.Cache, keys *keyer, disp *progress.Display, res *result) error {
	var onStart, onDone func(*packages.Package)
	if disp != nil {
		disp.SetTotal(len(g.All))
		onStart = func(p *packages.Package) { disp.Begin(p.ID) }
		onDone = func(p *packages.Package) { disp.End(p.ID) }
	}
	if err := g.Check(ctx, onStart, onDone); err != nil {
		return err
	}
	res.errors = append(res.errors, loadErrors(todo, src)...)
	var ok []*packages.Package
	for _, r := range todo {
		if !r.IllTyped {
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	if disp != nil {
		disp.Phase("running the analyzers")
	}
	graph, err := checker.Analyze(analyzers, ok, nil)
	if err != nil {
		return fmt.Errorf("analysing: %w", err)
	}
	conv := &converter{src: src}
	byRoot := map[*packages.Package]*rootResult{}
	failed := map[*packages.Package]bool{}
	for _, act := range graph.Roots {
		rr := byRoot[act.Package]
		if rr == nil {
			rr = &rootResult{Findings: []report.Finding{}}
			byRoot[act.Package] = rr
		}
		if act.Err != nil {
			failed[act.Package] = true
			res.errors = append(res.errors, report.Error{
				Kind:    report.KindAnalysis,
				Package: act.Package.PkgPath,
				Message: act.Analyzer.Name + ": " + act.Err.Error(),
			})
			continue
		}
		for _, d := range act.Diagnostics {
			rr.Findings = append(rr.Findings, conv.finding(act.Package, act.Analyzer, d))
		}
	}
	for _, r := range ok {
		rr := byRoot[r]
		if rr == nil {
			continue
		}
		res.findings = append(res.findings, rr.Findings...)
		if failed[r] || c == nil {
			continue
		}
		if data, err := json.Marshal(rr); err == nil {
			_ = c.Put(keys.key(r), data) // best effort, like Trim
		}
	}
	return nil
}

// mayExportFacts returns what decides which dependencies the loader checks
// in full: the engine's rule when an analyzer that runs has facts, none
// when no analyzer that runs has facts (only the roots matter then).
func mayExportFacts(analyzers []*analysis.Analyzer) func(string, bool, bool, []string, func(string) bool) bool {
	facts := false
	seen := map[*analysis.Analyzer]bool{}
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		facts = facts || len(a.FactTypes) > 0
		for _, r := range a.Requires {
			visit(r)
		}
	}
	for _, a := range analyzers {
		visit(a)
	}
	if !facts {
		return func(string, bool, bool, []string, func(string) bool) bool { return false }
	}
	return vetfast.Relevance(analyzers) // nil (everything in full) if not offered
}

// loadErrors returns the listing, parse and type errors of roots and
// their dependencies. An error that only repeats that an import failed is
// left out: the import's own error says what is wrong.
func loadErrors(roots []*packages.Package, src *source.Files) []report.Error {
	var out []report.Error
	seen := map[string]bool{}
	packages.Visit(roots, nil, func(p *packages.Package) {
		importFailed := slices.ContainsFunc(slices.Collect(maps.Values(p.Imports)), func(imp *packages.Package) bool { return imp.IllTyped })
		for _, e := range p.Errors {
			if importFailed && strings.Contains(e.Msg, "could not import") {
				continue
			}
			k := e.Pos + "\x00" + e.Msg
			if seen[k] {
				continue
			}
			seen[k] = true
			re := report.Error{Kind: report.KindLoad, Package: p.PkgPath, Message: e.Msg}
			if pos, ok := parsePos(e.Pos); ok {
				pos.Offset, _ = src.Offset(pos.File, pos.Line, max(pos.Column, 1))
				re.Pos = &pos
			}
			out = append(out, re)
		}
	})
	return out
}

// countRoots counts the packages named, a package and its test variants
// once.
func countRoots(roots []*packages.Package) int {
	seen := map[string]bool{}
	for _, r := range roots {
		path := strings.TrimSuffix(r.PkgPath, "_test")
		seen[path] = true
	}
	return len(seen)
}

// progressDelay is how long a run goes before it shows progress: a warm
// run is done by then and prints nothing extra.
const progressDelay = 2 * time.Second
