package uncachedcall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

// TestExtraSinks declares in-house sinks with the -sinks flag. The flag
// only adds rows that no other test package uses, so setting it does not
// change the other tests.
func TestExtraSinks(t *testing.T) {
	dir := testenv.Dir(t)
	if err := uncachedcall.Analyzer.Flags.Set("sinks", "dashapp/extrasinks/slowapi.Fetch,dashapp/extrasinks/slowapi.(*Client).Quote"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, uncachedcall.Analyzer, "./extrasinks")
}
