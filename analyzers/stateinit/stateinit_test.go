package stateinit_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/stateinit"
)

func TestStateInit(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.RunWithSuggestedFixes(t, dir, stateinit.Analyzer, "./stateinit")
}
