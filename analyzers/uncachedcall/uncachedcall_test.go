package uncachedcall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

// TestUncachedCall runs the analyzer over its testdata, loaded once (each
// load type-checks package dash, pgx, go-redis and gRPC from source, the
// bulk of the test's time):
//   - uncachedcall: direct and interprocedural sinks, guards, function
//     values, interfaces (gRPC clients included), UI helpers;
//   - suppress: //dashvet:ignore honoured on the line and the line below,
//     file-wide, and reported when it gives no reason, names no or an
//     unknown analyzer, or suppresses nothing;
//   - layered: interface calls that the package making them cannot resolve
//     (no implementation visible there) are resolved by the package that
//     wires the implementations in, when it registers the page or calls the
//     helper; not when it also sees an implementation that does not query;
//   - extrasinks: in-house sinks declared with the -sinks flag. The flag
//     adds rows only for packages of extrasinks, which no other testdata
//     package imports, so it does not change the other findings.
func TestUncachedCall(t *testing.T) {
	dir := testenv.Dir(t)
	if err := uncachedcall.Analyzer.Flags.Set("sinks", "dashapp/extrasinks/slowapi.Fetch,dashapp/extrasinks/slowapi.(*Client).Quote"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, uncachedcall.Analyzer, "./uncachedcall", "./suppress", "./layered/...", "./extrasinks")
}
