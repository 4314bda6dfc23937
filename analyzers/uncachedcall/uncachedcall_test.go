package uncachedcall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

func TestUncachedCall(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.Run(t, dir, uncachedcall.Analyzer, "./uncachedcall")
}

// TestLayered: interface calls that the package making them cannot
// resolve (no implementation visible there) are resolved by the package
// that wires the implementations in, when it registers the page or calls
// the helper; not when it also sees an implementation that does not query.
func TestLayered(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.Run(t, dir, uncachedcall.Analyzer, "./layered/...")
}
