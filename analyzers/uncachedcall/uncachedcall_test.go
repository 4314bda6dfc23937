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
