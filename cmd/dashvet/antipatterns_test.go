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
// go vet -vettool is tested on the testdata module (vettool_test.go): on
// the examples it would compile their embedded SQLite once more, without
// the race detector, only for that.

func antipatterns(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot, "examples", "antipatterns")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("examples/antipatterns: %v", err)
	}
	return dir
}

// TestExamples runs the README's first command: on every bundled
// example, the findings must be exactly the marked ones, all in
// examples/antipatterns; the correct apps (examples/sales first) have none.
func TestExamples(t *testing.T) {
	t.Parallel()
	antipatterns(t)
	r := dashvet(t, repoRoot, "-format=json", "./examples/...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	want := markers(t, repoRoot, "examples")
	if len(want) == 0 {
		t.Fatal("examples/antipatterns marks no MISTAKE: the test would prove nothing")
	}
	for _, w := range want {
		if !strings.HasPrefix(w.file, "examples/antipatterns/") {
			t.Errorf("marker outside examples/antipatterns: %v", w)
		}
	}
	sameWants(t, "dashvet ./examples/...", jsonWants(t, r.stdout), want)
}

func TestAntipatternsFixDiff(t *testing.T) {
	t.Parallel()
	dir := antipatterns(t)
	before := readFile(t, filepath.Join(dir, "app.go"))
	r := dashvet(t, repoRoot, "-diff", "./examples/antipatterns/...")
	if r.code != 1 || !strings.Contains(r.stdout, "--- a/examples/antipatterns/app.go") || !strings.Contains(r.stdout, `+	st.SetDefault("count", 0)`) {
		t.Errorf("dashvet -diff: exit %d\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if readFile(t, filepath.Join(dir, "app.go")) != before {
		t.Fatal("-diff changed examples/antipatterns/app.go")
	}
}
