package main

// The tests in this package are end to end: TestMain builds the dashvet
// binary once, and each test runs it for real (directly, or as go vet's
// -vettool) on a copy of testdata/mistakes, a module whose intended
// findings are marked "// MISTAKE(analyzer): why" at the end of the
// reported line.

import (
	"bufio"
	"bytes"
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

var (
	dashvetBin string // the built binary
	repoRoot   string // the dashvet module root
	moduleTmpl string // testdata/mistakes, made buildable (replace, go.sum, tidy)
	sharedDir  string // a read-only copy of moduleTmpl, committed to git (sharedModule)
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dashvet tests: %v\n", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "dashvet-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	// Runs share a result cache of their own, not the user's.
	if err := os.Setenv("DASHVET_CACHE", filepath.Join(tmp, "cache")); err != nil {
		return 0, err
	}

	wd, err := os.Getwd()
	if err != nil {
		return 0, err
	}
	repoRoot = filepath.Dir(filepath.Dir(wd)) // cmd/dashvet -> root

	dashvetBin = filepath.Join(tmp, "bin", "dashvet")
	if out, err := goCmd(wd, "build", "-o", dashvetBin, ".").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building dashvet: %v\n%s", err, out)
	}
	moduleTmpl = filepath.Join(tmp, "mistakes")
	if err := prepareModule(filepath.Join(wd, "testdata", "mistakes"), moduleTmpl); err != nil {
		return 0, err
	}
	sharedDir = filepath.Join(tmp, "shared")
	if err := os.CopyFS(sharedDir, os.DirFS(moduleTmpl)); err != nil {
		return 0, err
	}
	if err := commitAll(sharedDir); err != nil {
		return 0, err
	}
	if err := setWritable(sharedDir, false); err != nil {
		return 0, err
	}
	defer setWritable(sharedDir, true) // for the RemoveAll above
	return m.Run(), nil
}

// setWritable makes the files and directories under dir read-only, or
// writable again.
func setWritable(dir string, writable bool) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o444)
		if d.IsDir() {
			mode = 0o555
		}
		if writable {
			mode |= 0o200
		}
		return os.Chmod(path, mode)
	})
}

// prepareModule copies a testdata module to dst and points it at this
// checkout of dashvet, so it builds offline from the module cache.
func prepareModule(src, dst string) error {
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return err
	}
	// The root go.sum covers every module dash depends on.
	sum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "go.sum"), sum, 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"mod", "edit", "-replace", "github.com/dashvet/dashvet=" + repoRoot},
		{"mod", "tidy"},
	} {
		if out, err := goCmd(dst, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), dst, err, out)
		}
	}
	return nil
}

func goCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	return cmd
}

// sharedModule returns the prepared testdata module that the tests which
// change no file share, committed to git. Each new directory costs go list
// a compile of its packages and dashvet an analysis of them: once per test
// process here, not once per test. Its files are read-only, so a test
// that writes by mistake fails instead of changing what the others see.
func sharedModule(t *testing.T) string {
	t.Helper()
	return sharedDir
}

// newModule returns a fresh, writable copy of the prepared testdata
// module.
func newModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(moduleTmpl)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// result is one run of a command.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the command in dir with extra environment variables and
// returns its output and exit code; it fails the test only when the
// command cannot be started.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s %v: %v", name, args, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

func dashvet(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return run(t, dir, nil, dashvetBin, args...)
}

// want is one expected finding: analyzer at file:line (file relative to
// the module root, '/'-separated).
type want struct {
	file     string
	line     int
	analyzer string
}

func (w want) String() string { return fmt.Sprintf("%s:%d: %s", w.file, w.line, w.analyzer) }

var markerRE = regexp.MustCompile(`// MISTAKE\(([a-z]+)\):`)

// markers returns the findings that the MISTAKE markers in the Go files
// under dir/sub ask for, with file names relative to dir. A marker counts
// only at the end of a line of code: a comment line that mentions the
// convention is not a marker.
func markers(t *testing.T, dir string, sub ...string) []want {
	t.Helper()
	var ws []want
	err := filepath.WalkDir(filepath.Join(append([]string{dir}, sub...)...), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		return eachLine(path, func(n int, line string) {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				return
			}
			for _, m := range markerRE.FindAllStringSubmatch(line, -1) {
				ws = append(ws, want{filepath.ToSlash(rel), n, m[1]})
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sortWants(ws)
	return ws
}

// directiveWants are the findings the suppression directives of
// suppressed/suppressed.go must produce: the one without a reason and the
// one that suppresses nothing are reported on their own line, by the
// analyzer they name. (They cannot carry a MISTAKE marker: it would become
// part of the directive's reason.)
func directiveWants(t *testing.T, dir string) []want {
	t.Helper()
	return []want{
		{"suppressed/suppressed.go", lineOf(t, dir, "suppressed/suppressed.go", "//dashvet:ignore stateinit"), "stateinit"},
		{"suppressed/suppressed.go", lineOf(t, dir, "suppressed/suppressed.go", "//dashvet:ignore rerunresource"), "rerunresource"},
	}
}

// allWants is every finding dashvet must report on the testdata module.
func allWants(t *testing.T, dir string) []want {
	ws := append(markers(t, dir), directiveWants(t, dir)...)
	sortWants(ws)
	return ws
}

// lineOf returns the 1-based line of the first line of file containing s.
func lineOf(t *testing.T, dir, file, s string) int {
	t.Helper()
	found := 0
	err := eachLine(filepath.Join(dir, file), func(n int, line string) {
		if found == 0 && strings.Contains(line, s) {
			found = n
		}
	})
	if err != nil || found == 0 {
		t.Fatalf("%s: no line contains %q (%v)", file, s, err)
	}
	return found
}

func eachLine(path string, f func(n int, line string)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		f(n, sc.Text())
	}
	return sc.Err()
}

func sortWants(ws []want) {
	slices.SortFunc(ws, func(a, b want) int { return strings.Compare(a.String(), b.String()) })
}

// sameWants reports a readable difference between two sets of findings.
func sameWants(t *testing.T, what string, got, want []want) {
	t.Helper()
	sortWants(got)
	sortWants(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: findings differ\ngot:\n  %s\nwant:\n  %s", what, joinWants(got), joinWants(want))
	}
}

func joinWants(ws []want) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.String()
	}
	return strings.Join(s, "\n  ")
}
