package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCache: a second run over unchanged code answers from the cache with
// the same output, and every change its result depends on is seen: a
// package's own file, and a container manifest at the module root (read
// by bindaddr, not a Go file).
func TestCache(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	cacheDir := t.TempDir()
	env := []string{"DASHVET_CACHE=" + cacheDir}
	serve := filepath.Join(dir, "serve")
	if err := os.MkdirAll(serve, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package main\n\nimport \"github.com/dashvet/dashvet/dash\"\n\n" +
		"func main() { _ = dash.Run(func(*dash.UI) {}, dash.Address(\"127.0.0.1\")) }\n"
	if err := os.WriteFile(filepath.Join(serve, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}

	first := run(t, dir, env, dashvetBin, "-format=json", "./clean", "./serve")
	if first.code != 0 {
		t.Fatalf("first run: exit %d\n%s%s", first.code, first.stdout, first.stderr)
	}
	entries, _ := filepath.Glob(filepath.Join(cacheDir, "*", "*"))
	if len(entries) == 0 {
		t.Fatal("the first run cached nothing")
	}
	second := run(t, dir, env, dashvetBin, "-format=json", "./clean", "./serve")
	if second != first {
		t.Errorf("cached run differs:\nfirst:  %+v\nsecond: %+v", first, second)
	}

	// The package's own code changed: the state is now reset every rerun.
	clean := filepath.Join(dir, "clean", "clean.go")
	code, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(code), `SetDefault("count", 0)`, `Set("count", 0)`, 1)
	if changed == string(code) {
		t.Fatal("testdata changed: clean.go has no SetDefault to break")
	}
	if err := os.WriteFile(clean, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, env, dashvetBin, "./clean", "./serve"); r.code != 1 || !strings.Contains(r.stdout, "stateinit") {
		t.Errorf("after the edit: exit %d, want 1 and a stateinit finding\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A Dockerfile appears at the module root: the loopback address is now
	// a finding.
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, env, dashvetBin, "./serve"); r.code != 1 || !strings.Contains(r.stdout, "bindaddr") {
		t.Errorf("after adding a Dockerfile: exit %d, want 1 and a bindaddr finding\n%s%s", r.code, r.stdout, r.stderr)
	}

	// With the cache off, the same findings.
	r := run(t, dir, []string{"DASHVET_CACHE=off"}, dashvetBin, "./serve")
	if r.code != 1 || !strings.Contains(r.stdout, "bindaddr") {
		t.Errorf("cache off: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
