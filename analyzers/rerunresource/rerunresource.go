package rerunresource

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/analyzerdoc"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports resources constructed on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "rerunresource",
	Doc:      analyzerdoc.Extract(doc, "rerunresource"),
	URL:      "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/rerunresource.md",
	Requires: []*analysis.Analyzer{rerun.Analyzer},
	Run:      run,
}

func init() {
	// Shared with the engine, which computes the facts that use it.
	Analyzer.Flags.Var(rerun.ExtraResources, "resources", "extra resource constructors: comma-separated pkg/path.Func, pkg/path.(*T).Method or pkg/path.T.Method")
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[rerun.Analyzer].(*rerun.Result)
	rep := suppress.New(pass)
	for e, s := range res.EveryRerun() {
		if s.Resource != nil {
			rep.Report(res.Finding(e, s, s.Resource, fix(res, s.Resource)))
		}
	}
	rep.Finish()
	return nil, nil
}

// fix says how to create the resource once: the function to cache (see
// Chain.Cacheable), or the constructor call to move.
func fix(res *rerun.Result, c *rerun.Chain) string {
	i := c.Cacheable()
	switch {
	case c.Kind == rerun.KindCache:
		return "declare the cache once, at package level"
	case c.Direct():
		return "create it once with dash.CacheSingleton (or dash.CacheResource, per key)"
	case i == len(c.Steps)-1:
		return "move it out of " + c.Steps[i-1].Format(res.Pkg) + " into dash.CacheSingleton (or dash.CacheResource, per key)"
	case c.Steps[i].Anon && i > 0 && c.Steps[i-1].Makes:
		return "create it once with dash.CacheSingleton (or dash.CacheResource, per key) instead of in the function literal " + c.Steps[i-1].Format(res.Pkg) + " returns"
	case c.Steps[i].Anon && i > 0 && c.Steps[i-1].Runs:
		return "create it once with dash.CacheSingleton (or dash.CacheResource, per key) instead of in the function literal given to " + c.Steps[i-1].Format(res.Pkg)
	}
	return "cache the result of " + c.Steps[i].Format(res.Pkg) + " with dash.CacheSingleton (or dash.CacheResource, per key)"
}
