package all_test

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
)

// load loads patterns from dir with everything the analyzers need, from
// source, as the standalone dashvet command does.
func load(tb testing.TB, dir string, patterns ...string) []*packages.Package {
	tb.Helper()
	cfg := &packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Dir: dir, Tests: false}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		tb.Fatalf("loading %v: %v", patterns, err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		tb.Fatalf("loading %v: %d errors", patterns, n)
	}
	return pkgs
}

// analyze runs every dashvet analyzer over pkgs, with panics, and returns the findings
// of the root packages as "file:line: analyzer: message", failing the test
// on any analysis error (a panic in an analyzer crashes the test binary).
func analyze(tb testing.TB, pkgs []*packages.Package) []finding {
	tb.Helper()
	g, err := checker.Analyze(append(all.Analyzers(), panics), pkgs, nil)
	if err != nil {
		tb.Fatalf("analysis: %v", err)
	}
	var out []finding
	for _, act := range g.Roots {
		if act.Err != nil {
			tb.Errorf("%s: %v", act, act.Err)
			continue
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			out = append(out, finding{file: pos.Filename, line: pos.Line, analyzer: act.Analyzer.Name, message: d.Message})
		}
	}
	return out
}

type finding struct {
	file     string
	line     int
	analyzer string
	message  string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.file, f.line, f.analyzer, f.message)
}

// TestStd runs all analyzers over the standard library, which has no dash
// app: any finding is a false positive, and the run must not fail.
func TestStd(t *testing.T) {
	if os.Getenv("DASHVET_LONG") != "1" {
		t.Skip("loads and type-checks all of std from source (25 CPU-seconds under -race); set DASHVET_LONG=1 (.ci/run does)")
	}
	pkgs := load(t, ".", "std")
	t.Logf("analysed %d packages of std", len(pkgs))
	for _, f := range analyze(t, pkgs) {
		t.Errorf("unexpected finding in std: %v", f)
	}
}

// TestCmd runs all analyzers over the Go command and toolchain (cmd/...),
// a large body of code with no dash app, like TestStd, with the engine's
// recovered panics reported as findings.
func TestCmd(t *testing.T) {
	if os.Getenv("DASHVET_LONG") != "1" {
		t.Skip("loads and type-checks cmd/... from source (about 2 min under -race); set DASHVET_LONG=1 (.ci/run does)")
	}
	pkgs := load(t, ".", "cmd/...")
	t.Logf("analysed %d packages of cmd", len(pkgs))
	g, err := checker.Analyze(append(all.Analyzers(), panics), pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range g.Roots {
		if act.Err != nil {
			t.Errorf("%s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			t.Errorf("unexpected finding in cmd: %s: %s: %s", act.Package.Fset.Position(d.Pos), act.Analyzer.Name, d.Message)
		}
	}
}

// panics reports, as diagnostics, the panics the engine recovered from in
// a package, which the engine otherwise keeps silent about.
var panics = &analysis.Analyzer{
	Name:     "enginepanics",
	Doc:      "report the panics the rerun engine recovered from",
	Requires: []*analysis.Analyzer{rerun.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		for _, r := range pass.ResultOf[rerun.Analyzer].(*rerun.Result).Recovered {
			pass.Reportf(pass.Files[0].Package, "engine recovered from a panic: %s", r)
		}
		return nil, nil
	},
}

// TestModule runs all analyzers over real third-party code: a large module
// (golang.org/x/tools/go/...) for robustness, and Prometheus' HTTP API
// client package, which calls net/http and so is where the engine computes facts:
// no finding (there is no dash app), no panic recovered, and facts
// exported, so the engine did run.
func TestModule(t *testing.T) {
	if os.Getenv("DASHVET_LONG") != "1" {
		t.Skip("loads golang.org/x/tools/go/... from source (minutes under -race); set DASHVET_LONG=1 (.ci/run does)")
	}
	pkgs := load(t, ".", "golang.org/x/tools/go/...", "github.com/prometheus/client_golang/api")
	g, err := checker.Analyze(append(all.Analyzers(), panics), pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	facts := 0
	for act := range g.All() {
		if act.Err != nil {
			t.Errorf("%s: %v", act, act.Err)
		}
		if act.Analyzer != rerun.Analyzer {
			continue
		}
		for _, f := range act.AllObjectFacts() {
			if f.Object.Pkg() == act.Package.Types {
				facts++
			}
		}
	}
	for _, act := range g.Roots {
		for _, d := range act.Diagnostics {
			t.Errorf("unexpected finding: %s: %s", act.Package.Fset.Position(d.Pos), d.Message)
		}
	}
	if facts == 0 {
		t.Error("no fact exported: the engine did not analyse the module")
	}
	t.Logf("%d packages, %d facts", len(pkgs), facts)
}

// BenchmarkStd measures the analyzers alone over std, loading excluded.
func BenchmarkStd(b *testing.B) {
	pkgs := load(b, ".", "std")
	// engine: SSA built inside the engine, only for packages that can
	// matter (what ships). buildssa: the same plus buildssa required, as
	// it would be were the engine to take its SSA from buildssa: every
	// package of the run then gets SSA.
	for _, bc := range []struct {
		name string
		as   []*analysis.Analyzer
	}{
		{"engine", all.Analyzers()},
		{"buildssa", append(all.Analyzers(), buildssa.Analyzer)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := checker.Analyze(bc.as, pkgs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkModule measures the analyzers over golang.org/x/tools/go/...,
// where the engine computes facts for every package, loading excluded.
func BenchmarkModule(b *testing.B) {
	pkgs := load(b, ".", "golang.org/x/tools/go/...")
	b.ResetTimer()
	for b.Loop() {
		if _, err := checker.Analyze(all.Analyzers(), pkgs, nil); err != nil {
			b.Fatal(err)
		}
	}
}
