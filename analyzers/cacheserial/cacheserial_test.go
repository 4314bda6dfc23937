package cacheserial_test

import (
	"testing"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/cacheserial"
)

func TestCacheSerial(t *testing.T) {
	dir := testenv.Dir(t)
	analysistest.RunWithSuggestedFixes(t, dir, cacheserial.Analyzer, "./cacheserial")
}
