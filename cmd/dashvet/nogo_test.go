package main

import (
	"context"
	"maps"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/load"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/vetfast"
)

// TestNogoConditions runs every analyzer as Bazel nogo may: without
// Pass.ReadFile, Pass.OtherFiles, Pass.IgnoredFiles or Pass.Module. Each
// analyzer (and every analyzer it requires) is wrapped so that its Run sees
// those fields unset; on examples/antipatterns the findings must still be
// exactly the marked ones but bindaddr's: without file access bindaddr
// finds no container manifest, and a loopback address is a finding only in
// a module built into a container, so it reports nothing.
func TestNogoConditions(t *testing.T) {
	t.Parallel()
	antipatterns(t)
	wrapped := map[*analysis.Analyzer]*analysis.Analyzer{}
	var roots []*analysis.Analyzer
	for _, a := range all.Analyzers() {
		roots = append(roots, withoutFileAccess(a, wrapped))
	}
	// Loaded the way the standalone command loads (dependencies without
	// facts checked without their function bodies), which nogo's own
	// loading from export data resembles.
	g, err := load.List(context.Background(), &load.Config{
		Dir: repoRoot, Patterns: []string{"./examples/antipatterns/..."}, Tests: true,
		MayExportFacts: vetfast.Relevance(roots),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Check(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range g.All {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.ID, e)
		}
	}
	graph, err := checker.Analyze(roots, g.Roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []want
	seen := map[want]bool{}
	for act := range graph.All() {
		if act.Err != nil {
			t.Errorf("%s: %v", act, act.Err)
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			file, line := splitPosn(t, repoRoot, p.String())
			w := want{file, line, act.Analyzer.Name}
			if !seen[w] { // a file of both a package and its test variant
				seen[w] = true
				got = append(got, w)
			}
		}
	}
	var wants []want
	for _, w := range markers(t, repoRoot, "examples", "antipatterns") {
		if w.analyzer != "bindaddr" {
			wants = append(wants, w)
		}
	}
	sameWants(t, "analyzers without file access", got, wants)
}

// withoutFileAccess returns a copy of a (and, recursively, of what it
// requires) whose Run clears the pass's file-system fields. Results of
// required analyzers are handed on under the original analyzers, which is
// how the analyzers look them up.
func withoutFileAccess(a *analysis.Analyzer, done map[*analysis.Analyzer]*analysis.Analyzer) *analysis.Analyzer {
	if w, ok := done[a]; ok {
		return w
	}
	w := *a
	w.Requires = nil
	for _, req := range a.Requires {
		w.Requires = append(w.Requires, withoutFileAccess(req, done))
	}
	run := a.Run
	w.Run = func(pass *analysis.Pass) (any, error) {
		p := *pass
		p.Analyzer = a
		p.ReadFile = nil
		p.OtherFiles = nil
		p.IgnoredFiles = nil
		p.Module = nil
		p.ResultOf = maps.Clone(pass.ResultOf)
		for orig, wr := range done {
			if res, ok := pass.ResultOf[wr]; ok {
				p.ResultOf[orig] = res
			}
		}
		return run(&p)
	}
	done[a] = &w
	return &w
}
