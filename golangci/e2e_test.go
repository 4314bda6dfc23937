package golangci_test

// TestGolangciLint builds a real golangci-lint v2 with the dashvet plugin
// compiled in and runs it with .golangci.example.yml. `golangci-lint
// custom` would git-clone golangci-lint; this test does the same build
// from the Go module proxy instead, so it runs wherever `go build` can
// fetch modules: the golangci-lint source comes from the module cache,
// cmd/golangci-lint gets a file that blank-imports the plugin (what
// `custom` generates), and go.mod gets a replace pointing at this
// checkout. The binary is cached under the user cache directory, keyed by
// the golangci-lint version and a hash of the dashvet sources.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// golangciLintVersion is the golangci-lint release the plugin is tested
// with (and the one .custom-gcl.example.yml names).
const golangciLintVersion = "v2.15.0"

func TestGolangciLint(t *testing.T) {
	// Building golangci-lint takes minutes on a cold cache, which would
	// more than double the README's test command for a newcomer; .ci/run
	// sets DASHVET_E2E=1.
	if os.Getenv("DASHVET_E2E") != "1" {
		t.Skip("builds golangci-lint " + golangciLintVersion + " from source (about 3 minutes on a cold cache); set DASHVET_E2E=1 to run it, as .ci/run does")
	}
	if testing.Short() {
		t.Skip("builds golangci-lint from source (minutes on a cold cache); run without -short, as CI does")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := buildGolangciLint(t, root)

	dir, patterns, wants := target(t, root)
	cmd := exec.Command(bin, append([]string{"run",
		"--config=" + filepath.Join(root, ".golangci.example.yml"),
		"--output.json.path=stdout", "--output.text.path=stderr",
		"--show-stats=false"}, patterns...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("golangci-lint run: %v (want exit status 1: issues found)\nstderr:\n%s", err, stderr.String())
	}

	var out struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename     string
				Line, Column int
			}
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("decoding golangci-lint JSON: %v\n%s", err, stdout.String())
	}
	var got []string
	for _, is := range out.Issues {
		if is.FromLinter != "dashvet" {
			t.Errorf("issue from linter %q: %s", is.FromLinter, is.Text)
			continue
		}
		// Paths are relative to the configuration file's directory
		// (run.relative-path-mode: cfg); make them relative to dir.
		name := is.Pos.Filename
		if !filepath.IsAbs(name) {
			name = filepath.Join(root, name)
		}
		if rel, err := filepath.Rel(dir, name); err == nil {
			name = rel
		}
		// The plugin is one linter; the analyzer shows as the message's
		// prefix.
		analyzer, _, _ := strings.Cut(is.Text, ":")
		got = append(got, fmt.Sprintf("%s:%d: %s", filepath.ToSlash(name), is.Pos.Line, analyzer))
	}
	var want []string
	for _, w := range wants {
		want = append(want, fmt.Sprintf("%s:%d: %s", w.file, w.line, w.analyzer))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("golangci-lint findings differ\ngot:\n  %s\nwant:\n  %s\nstderr:\n%s",
			strings.Join(got, "\n  "), strings.Join(want, "\n  "), stderr.String())
	}
}

// TestExampleVersion keeps .custom-gcl.example.yml on the tested
// golangci-lint release.
func TestExampleVersion(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", ".custom-gcl.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version:\s*(\S+)`).FindSubmatch(data)
	if m == nil || string(m[1]) != golangciLintVersion {
		t.Errorf(".custom-gcl.example.yml: version %q, want %s (golangciLintVersion)", m, golangciLintVersion)
	}
}

type want struct {
	file     string
	line     int
	analyzer string
}

// target returns where to run golangci-lint, the package patterns, and
// the expected findings: examples/antipatterns when the repository has
// it, else the CLI's testdata module.
func target(t *testing.T, root string) (dir string, patterns []string, wants []want) {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(root, "examples", "antipatterns")); err == nil && fi.IsDir() {
		return root, []string{"./examples/antipatterns/..."}, markers(t, root, "examples/antipatterns")
	}
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "cmd", "dashvet", "testdata", "mistakes"))); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	goRun(t, dir, "mod", "edit", "-replace", "github.com/dashvet/dashvet="+root)
	goRun(t, dir, "mod", "tidy")
	// The suppression package's findings are on directive lines, which
	// cannot carry markers; the CLI tests cover it.
	return dir, []string{"./app/...", "./store/...", "./clean/..."}, markers(t, dir, ".")
}

var markerRE = regexp.MustCompile(`// MISTAKE\(([a-z]+)\):`)

// markers returns the findings marked "// MISTAKE(analyzer): why" in the
// Go files under root/sub, with file names relative to root.
func markers(t *testing.T, root, sub string) []want {
	t.Helper()
	var ws []want
	err := filepath.WalkDir(filepath.Join(root, sub), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			// Only end-of-line markers on code lines count; a comment
			// line may mention the convention itself.
			if strings.HasPrefix(strings.TrimSpace(sc.Text()), "//") {
				continue
			}
			for _, m := range markerRE.FindAllStringSubmatch(sc.Text(), -1) {
				ws = append(ws, want{filepath.ToSlash(rel), n, m[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) == 0 {
		t.Fatalf("no MISTAKE markers under %s", filepath.Join(root, sub))
	}
	return ws
}

// buildGolangciLint returns a golangci-lint binary with the plugin, from
// the cache or freshly built.
func buildGolangciLint(t *testing.T, root string) string {
	t.Helper()
	hash, err := sourceHash(root)
	if err != nil {
		t.Fatal(err)
	}
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		cacheDir = os.TempDir()
	}
	dir := filepath.Join(cacheDir, "dashvet-test", "golangci-lint-"+golangciLintVersion+"-"+hash[:16])
	bin := filepath.Join(dir, "golangci-lint")
	if _, err := os.Stat(bin); err == nil {
		t.Logf("using cached %s", bin)
		return bin
	}

	var mod struct{ Dir, Error string }
	out := goRun(t, root, "mod", "download", "-json", "github.com/golangci/golangci-lint/v2@"+golangciLintVersion)
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download golangci-lint: %v %s\n%s", err, mod.Error, out)
	}
	src := filepath.Join(t.TempDir(), "golangci-lint")
	if err := os.CopyFS(src, os.DirFS(mod.Dir)); err != nil {
		t.Fatal(err)
	}
	plugins := "package main\n\n// Added by dashvet's plugin test, as `golangci-lint custom` would.\nimport _ \"github.com/dashvet/dashvet/golangci\"\n"
	if err := os.WriteFile(filepath.Join(src, "cmd", "golangci-lint", "plugins.go"), []byte(plugins), 0o644); err != nil {
		t.Fatal(err)
	}
	goRun(t, src, "mod", "edit",
		"-require=github.com/dashvet/dashvet@v0.0.0-00010101000000-000000000000",
		"-replace=github.com/dashvet/dashvet="+root)
	goRun(t, src, "mod", "tidy")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Build next to the final name and rename, so a concurrent or
	// interrupted run never sees a partial binary.
	tmp := filepath.Join(dir, fmt.Sprintf("golangci-lint.tmp%d", os.Getpid()))
	goRun(t, src, "build", "-trimpath", "-o", tmp,
		"-ldflags=-X main.version="+strings.TrimPrefix(golangciLintVersion, "v")+"-dashvet-test",
		"./cmd/golangci-lint")
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// sourceHash hashes what the plugin is built from: the module files and
// every Go file outside testdata, examples and docs.
func sourceHash(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "examples", "docs", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && rel != "go.mod" && rel != "go.sum" || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func goRun(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return out
}
