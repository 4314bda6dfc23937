package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	appFile := filepath.Join(dir, "app", "app.go")
	before := readFile(t, appFile)

	r := dashvet(t, dir, "-diff", "./app")
	if r.code != 1 {
		t.Fatalf("-diff with fixes: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "--- a/app/app.go\n+++ b/app/app.go\n@@ ") ||
		!strings.Contains(r.stdout, "\n-\tui.State().Set(\"count\", 0)") ||
		!strings.Contains(r.stdout, "\n+\tui.State().SetDefault(\"count\", 0)") {
		t.Errorf("-diff output:\n%s", r.stdout)
	}
	if readFile(t, appFile) != before {
		t.Fatal("-diff changed the file")
	}
	// The patch is well-formed: git applies it.
	patch := filepath.Join(t.TempDir(), "fix.patch")
	if err := os.WriteFile(patch, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "apply", "--check", patch)
}

func TestFix(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	appFile := filepath.Join(dir, "app", "app.go")

	r := dashvet(t, dir, "-fix", "-format=json", "./app")
	// The uncachedcall and rerunresource findings have no automatic fix,
	// so they remain and the exit status is 1.
	if r.code != 1 || !strings.Contains(r.stderr, "dashvet: applied 1 fix to 1 file\n") {
		t.Fatalf("-fix: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	for _, w := range jsonWants(t, r.stdout) {
		if w.analyzer == "stateinit" {
			t.Errorf("-fix still reports the fixed finding %s", w)
		}
	}
	after := readFile(t, appFile)
	if !strings.Contains(after, "\tui.State().SetDefault(\"count\", 0)") {
		t.Errorf("fix not applied:\n%s", after)
	}
	// The result is gofmt-clean and the finding is gone on a re-run.
	if r := run(t, dir, nil, "gofmt", "-l", "app"); r.stdout != "" {
		t.Errorf("fixed file is not gofmt-clean: %s", r.stdout)
	}
	r = dashvet(t, dir, "-stateinit", "./app")
	if r.code != 0 {
		t.Errorf("after -fix, stateinit still reports:\n%s", r.stdout)
	}
	// -diff after -fix: nothing left to fix.
	if r := dashvet(t, dir, "-diff", "-stateinit", "./app"); r.code != 0 || r.stdout != "" {
		t.Errorf("-diff after -fix: exit %d\n%s", r.code, r.stdout)
	}
}
