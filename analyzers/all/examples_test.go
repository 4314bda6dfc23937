package all_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// markerRE matches the end-of-line comment that marks an intended finding
// in examples/antipatterns: // MISTAKE(analyzer): why.
var markerRE = regexp.MustCompile(`^// MISTAKE\(([a-z]+)\): \S`)

// TestExamples runs every analyzer over the bundled examples: the
// antipatterns app must yield exactly its marked findings, every other
// example (the fixed sales app first) none.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the examples and their dependencies from source; skipped under -short")
	}
	root, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "antipatterns")); err != nil {
		t.Skipf("examples/antipatterns is not present: %v", err)
	}
	pkgs := load(t, root, "./...")
	type mark struct {
		file     string
		line     int
		analyzer string
	}
	var want []mark
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if !strings.HasPrefix(p.PkgPath, "github.com/dashvet/dashvet/examples/") {
			return
		}
		for _, f := range p.Syntax {
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					if m := markerRE.FindStringSubmatch(c.Text); m != nil {
						pos := p.Fset.Position(c.Pos())
						want = append(want, mark{pos.Filename, pos.Line, m[1]})
					}
				}
			}
		}
	})
	findings := analyze(t, pkgs)
	var got []mark
	for _, f := range findings {
		got = append(got, mark{f.file, f.line, f.analyzer})
		if !strings.Contains(f.file, string(filepath.Separator)+"antipatterns"+string(filepath.Separator)) {
			t.Errorf("finding outside examples/antipatterns: %v", f)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s:%d: marked MISTAKE(%s) is not reported", w.file, w.line, w.analyzer)
		}
	}
	for _, f := range findings {
		if !slices.Contains(want, mark{f.file, f.line, f.analyzer}) {
			t.Errorf("unmarked finding: %v", f)
		}
	}
	if len(want) == 0 {
		t.Error("examples/antipatterns marks no MISTAKE: the test would prove nothing")
	}
}
