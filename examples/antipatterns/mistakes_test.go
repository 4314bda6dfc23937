package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// mistakeRE matches the marker comment of a mistake: it names the
// analyzer that reports the line it ends.
var mistakeRE = regexp.MustCompile(`^// MISTAKE\(([a-z]+)\): \S`)

type finding struct {
	file     string // absolute
	line     int
	analyzer string
}

func (f finding) String() string { return f.file + ":" + itoa(f.line) + ": " + f.analyzer }

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// markedMistakes returns the MISTAKE comments of the Go files below dir.
func markedMistakes(t *testing.T, dir string) []finding {
	t.Helper()
	var out []finding
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if m := mistakeRE.FindStringSubmatch(c.Text); m != nil {
					if !endsCodeLine(fset, f, c) {
						t.Errorf("%s: a MISTAKE comment must end the line it marks", fset.Position(c.Pos()))
					}
					out = append(out, finding{abs, fset.Position(c.Pos()).Line, m[1]})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// endsCodeLine reports whether comment c follows code on its line.
func endsCodeLine(fset *token.FileSet, f *ast.File, c *ast.Comment) bool {
	line := fset.Position(c.Pos()).Line
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil || found {
			return false
		}
		if _, ok := n.(*ast.File); !ok && fset.Position(n.Pos()).Line <= line && fset.Position(n.End()).Line >= line && n.End() <= c.Pos() {
			found = true
		}
		return true
	})
	return found
}

// TestAnalyzersReportExactlyTheMarkedMistakes runs dashvet, as a user
// would, over every example: it must report each marked line of
// examples/antipatterns with the analyzer the marker names, and nothing
// else anywhere (examples/sales is the correct version of the same app).
func TestAnalyzersReportExactlyTheMarkedMistakes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs dashvet over the examples; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH; it is needed to build and run dashvet")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "dashvet")
	build := exec.Command(goTool, "build", "-o", bin, "./cmd/dashvet")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building dashvet: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "-format", "json", "-test=false", "./examples/...")
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// Exit status 1 means findings, which the antipatterns must produce;
	// anything else is a load or analysis error.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("dashvet: %v\n%s", err, stderr.Bytes())
	}
	var report struct {
		Findings []struct {
			Analyzer string `json:"analyzer"`
			Pos      struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"pos"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("decoding dashvet's JSON report: %v\n%s", err, stdout.Bytes())
	}
	var got []finding
	for _, f := range report.Findings {
		file := f.Pos.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(root, file)
		}
		got = append(got, finding{file, f.Pos.Line, f.Analyzer})
	}

	want := markedMistakes(t, ".")
	if len(want) == 0 {
		t.Fatal("no MISTAKE markers found")
	}
	analyzers := map[string]bool{}
	for _, w := range want {
		analyzers[w.analyzer] = true
	}
	for _, a := range []string{"uncachedcall", "rerunresource", "stateinit", "cacheserial", "bindaddr"} {
		if !analyzers[a] {
			t.Errorf("no mistake marked for analyzer %s", a)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("marked but not reported: %s", w)
		}
	}
	for i, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("reported but not marked: %s: %s", g, report.Findings[i].Message)
		}
	}
}
