package uncachedcall

import (
	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

const doc = `uncachedcall: report database, HTTP and RPC calls on the rerun path

A call that reaches a database, HTTP, RPC or file sink from a dash app, page,
form or fragment body, outside dash.CacheData and not behind a trigger
widget such as Button, runs again on every interaction of every user.
Wrap the loading function in dash.CacheData and call Get instead.`

// Analyzer reports uncached sink calls on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "uncachedcall",
	Doc:      doc,
	URL:      "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/uncachedcall.md",
	Requires: []*analysis.Analyzer{rerun.Analyzer},
	Run:      run,
}

func init() {
	// Shared with the engine, which computes the facts that use it.
	Analyzer.Flags.Var(rerun.ExtraSinks, "sinks", "extra sinks: comma-separated pkg/path.Func, pkg/path.(*T).Method or pkg/path.T.Method")
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[rerun.Analyzer].(*rerun.Result)
	rep := suppress.New(pass)
	for e, s := range res.EveryRerun() {
		if s.Query != nil {
			rep.Report(res.Finding(e, s, s.Query, fix(res, s.Query)))
		}
	}
	rep.Finish()
	return nil, nil
}

// fix names the function to cache: the first function of the chain after
// the last one that draws UI (caching a function that draws would cache
// the drawing), or, when the sink is called in the entry itself or in a
// function that draws, says to move the call out into a loading function.
func fix(res *rerun.Result, c *rerun.Chain) string {
	last := len(c.Steps) - 1 // the catalogued call
	first := 0
	for i, s := range c.Steps[:last] {
		if s.UI {
			first = i + 1
		}
	}
	switch {
	case c.Direct():
		return "move it into a loading function wrapped in dash.CacheData"
	case first == last:
		return "move the " + c.Kind.Noun() + " out of " + c.Steps[last-1].Format(res.Pkg) + " into a loading function wrapped in dash.CacheData"
	}
	return "wrap " + c.Steps[first].Format(res.Pkg) + " in dash.CacheData"
}
