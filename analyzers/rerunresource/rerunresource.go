package rerunresource

import (
	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

const doc = `rerunresource: report pools, clients and caches created on the rerun path

A connection pool (sql.Open, pgxpool.New, redis.NewClient, mongo.Connect...),
a client (http.Client, http.Transport, grpc.NewClient) or a dash cache
constructed in a dash app, page, form or fragment body is constructed again on
every rerun of every session. Create it once with dash.CacheSingleton or
dash.CacheResource, or declare it at package level.`

// Analyzer reports resources constructed on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "rerunresource",
	Doc:      doc,
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

func fix(res *rerun.Result, c *rerun.Chain) string {
	switch {
	case c.Kind == rerun.KindCache:
		return "declare the cache once, at package level"
	case c.Direct():
		return "create it once with dash.CacheSingleton (or dash.CacheResource, per key)"
	}
	return "cache the result of " + c.First().Format(res.Pkg) + " with dash.CacheSingleton (or dash.CacheResource, per key)"
}
