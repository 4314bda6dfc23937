package uncachedcall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

// TestSuppress checks //dashvet:ignore through a real analyzer: honoured on
// the line and the line below, file-wide, and reported when it gives no
// reason, names no or an unknown analyzer, or suppresses nothing.
func TestSuppress(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.Run(t, dir, uncachedcall.Analyzer, "./suppress")
}
