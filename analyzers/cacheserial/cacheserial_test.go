package cacheserial_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/cacheserial"
	"github.com/dashvet/dashvet/analyzers/internal/testenv"
)

func TestCacheSerial(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.RunWithSuggestedFixes(t, dir, cacheserial.Analyzer, "./cacheserial")
}
