package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The examples/antipatterns app, in the dashvet module itself, holds one
// of each mistake, marked like the testdata module. These tests run the
// tool on it in place (read-only: -fix is tested on a copy of testdata).

func antipatterns(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot, "examples", "antipatterns")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("examples/antipatterns: %v", err)
	}
	return dir
}

func TestAntipatternsVetTool(t *testing.T) {
	t.Parallel()
	antipatterns(t)
	r := run(t, repoRoot, nil, "go", "vet", "-vettool="+dashvetBin, "-json", "./examples/antipatterns/...")
	if r.code != 0 {
		t.Fatalf("go vet -json: exit %d\n%s", r.code, r.stderr)
	}
	var got []want
	eachVetDiag(t, r.stdout, func(analyzer string, d vetDiag) {
		file, line := splitPosn(t, repoRoot, d.Posn)
		got = append(got, want{file, line, analyzer})
	})
	sameWants(t, "go vet -vettool -json ./examples/antipatterns/...", got, markers(t, repoRoot, "examples", "antipatterns"))

	// The plain form fails with the findings on stderr.
	if r := run(t, repoRoot, nil, "go", "vet", "-vettool="+dashvetBin, "./examples/antipatterns/..."); r.code != 1 || !strings.Contains(r.stderr, "app.go:") {
		t.Errorf("go vet: exit %d, want 1\n%s", r.code, r.stderr)
	}
}

func TestAntipatternsStandalone(t *testing.T) {
	t.Parallel()
	antipatterns(t)
	r := dashvet(t, repoRoot, "-format=json", "./examples/antipatterns/...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	sameWants(t, "dashvet ./examples/antipatterns/...", jsonWants(t, r.stdout), markers(t, repoRoot, "examples", "antipatterns"))
}

func TestAntipatternsFixDiff(t *testing.T) {
	t.Parallel()
	dir := antipatterns(t)
	before := readFile(t, filepath.Join(dir, "app.go"))
	r := run(t, repoRoot, nil, "go", "vet", "-vettool="+dashvetBin, "-fix", "-diff", "./examples/antipatterns/...")
	if !strings.Contains(r.stdout, `+	st.SetDefault("count", 0)`) {
		t.Errorf("go vet -fix -diff: no SetDefault fix in\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	r = dashvet(t, repoRoot, "-diff", "./examples/antipatterns/...")
	if r.code != 1 || !strings.Contains(r.stdout, "--- a/examples/antipatterns/app.go") || !strings.Contains(r.stdout, `+	st.SetDefault("count", 0)`) {
		t.Errorf("dashvet -diff: exit %d\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if readFile(t, filepath.Join(dir, "app.go")) != before {
		t.Fatal("-diff changed examples/antipatterns/app.go")
	}
}
