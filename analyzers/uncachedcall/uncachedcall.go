package uncachedcall

import (
	_ "embed"
	"regexp"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/analyzerdoc"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports uncached sink calls on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "uncachedcall",
	Doc:      analyzerdoc.Extract(doc, "uncachedcall"),
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

// fix names the function to cache (see Chain.Cacheable), or says to move
// the call into a loading function; a write goes behind a trigger.
func fix(res *rerun.Result, c *rerun.Chain) string {
	if c.Kind.Writes() {
		return writeFix(res, c)
	}
	for _, st := range c.Steps {
		if st.PerValue {
			// Its Once is fine; the value holding it is new each time.
			return st.Format(res.Pkg) + " loads once per value of its receiver, and the value is made on every rerun: make it once (in main, or with dash.CacheSingleton)"
		}
	}
	i := c.Cacheable()
	switch {
	case c.Direct():
		return "move it into a loading function wrapped in dash.CacheData"
	case i == len(c.Steps)-1:
		return "move the " + c.Noun() + " out of " + c.Steps[i-1].Format(res.Pkg) + " into a loading function wrapped in dash.CacheData"
	case c.Steps[i].Anon && i > 0 && c.Steps[i-1].Makes:
		// An iterator or a loader another package's function returns.
		return "move the " + c.Noun() + " out of the function literal " + c.Steps[i-1].Format(res.Pkg) + " returns into a loading function wrapped in dash.CacheData"
	case c.Steps[i].Anon && i > 0 && c.Steps[i-1].Runs:
		// A function literal handed to a helper that runs it, perhaps
		// through other runners (RetryValue passing it on to Retry): the
		// first of them is the one it was given to.
		j := i - 1
		for j > 0 && c.Steps[j-1].Runs {
			j--
		}
		return "wrap the function literal given to " + c.Steps[j].Format(res.Pkg) + " in dash.CacheData"
	case c.Steps[i].Anon:
		// A function literal a factory or an iterator made (names(ctx)
		// returns it): it has no name to wrap.
		return "move the " + c.Noun() + " out of the function literal in " + enclosing(c.Steps[i].Format(res.Pkg)) + " into a loading function wrapped in dash.CacheData"
	case !c.Steps[i].Nameable(res.Pkg):
		// An unexported function of another package: the first function
		// after it that can be named, if any, else the call itself.
		for j := i + 1; j < len(c.Steps)-1; j++ {
			if c.Steps[j].Nameable(res.Pkg) {
				return "wrap " + c.Steps[j].Format(res.Pkg) + " in dash.CacheData"
			}
		}
		// An unexported implementation behind an interface (a generated
		// gRPC client): the call is what can be wrapped.
		return "move the call into a loading function wrapped in dash.CacheData"
	}
	return "wrap " + c.Steps[i].Format(res.Pkg) + " in dash.CacheData"
}

// litSuffix is how the engine names a function literal after its
// enclosing function: regions.func1, (*Repo).All.func2.func1.
var litSuffix = regexp.MustCompile(`(\.func\d+)+$`)

// enclosing returns the function a literal named name is declared in.
func enclosing(name string) string { return litSuffix.ReplaceAllString(name, "") }

// writeFix puts a write behind a trigger. A cache would run it once per
// key and period and skip it for every other user action: advice to
// cache it would turn one bug into another.
func writeFix(res *rerun.Result, c *rerun.Chain) string {
	const trigger = " only behind a trigger (a Button, or a form's SubmitButton), not in a cache, which would skip it"
	// The trigger goes around the first call that does not draw, on this
	// side of any goroutine the work is sent to.
	last := len(c.Steps) - 1
	i := 0
	for j, s := range c.Steps[:last] {
		if s.Serves {
			break
		}
		if s.UI {
			i = j + 1
		}
	}
	switch {
	case c.Direct():
		return "run it" + trigger
	case c.Steps[i].Serves:
		return "send the work to " + c.Steps[i].Format(res.Pkg) + trigger
	case i == last:
		// The function before the write draws: the write moves, not it.
		return "move the " + c.Noun() + " in " + c.Steps[i-1].Format(res.Pkg) + " behind a trigger (a Button, or a form's SubmitButton); a cache would skip it"
	case c.Steps[i].Anon || !c.Steps[i].Nameable(res.Pkg):
		return "run the " + c.Noun() + trigger
	}
	return "call " + c.Steps[i].Format(res.Pkg) + trigger
}
