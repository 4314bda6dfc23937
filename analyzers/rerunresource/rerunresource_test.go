package rerunresource_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/rerunresource"
)

func TestRerunResource(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.Run(t, dir, rerunresource.Analyzer, "./rerunresource")
}
