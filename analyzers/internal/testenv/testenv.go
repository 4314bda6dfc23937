// Package testenv prepares the analysistest workspace under
// analyzers/testdata for a test run.
//
// analysistest loads the testdata packages with the module proxy turned
// off (it sets GOPROXY to off), so on a fresh machine (an empty module
// cache) the load fails on whichever module the test binary's own build did
// not happen to download: which test fails then depends on the order the
// tests run in. Dir fetches what the
// workspace needs through the configured module proxy first, the way a
// user's "go build" would, once per test process.
package testenv

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var prepare = sync.OnceValues(func() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata")
	cmd := exec.Command("go", "list", "-e", "-deps", "-test", "-f", "{{.ImportPath}}", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, &prepError{err: err, out: out}
	}
	return dir, nil
})

type prepError struct {
	err error
	out []byte
}

func (e *prepError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// Dir returns the absolute path of analyzers/testdata, with every module
// its packages and their tests import in the module cache.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := prepare()
	if err != nil {
		tb.Fatalf("preparing %s (go list -deps -test ./... there): %v", dir, err)
	}
	return dir
}
