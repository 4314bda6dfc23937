package stateinit

import (
	_ "embed"
	"go/ast"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/analyzerdoc"
	"github.com/dashvet/dashvet/analyzers/internal/rerun"
	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports unguarded State.Set of constant values on the rerun path.
var Analyzer = &analysis.Analyzer{
	Name:     "stateinit",
	Doc:      analyzerdoc.Extract(doc, "stateinit"),
	URL:      "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/stateinit.md",
	Requires: []*analysis.Analyzer{rerun.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[rerun.Analyzer].(*rerun.Result)
	rep := suppress.New(pass)
	for _, e := range res.Entries {
		if e.Trigger || e.Callback {
			continue
		}
		for _, r := range e.Resets {
			rep.Report(diagnostic(res, e, r))
		}
	}
	rep.Finish()
	return nil, nil
}

const resets = " runs on every rerun and resets the value the user changed; "

func diagnostic(res *rerun.Result, e *rerun.Entry, r *rerun.Reset) analysis.Diagnostic {
	d := analysis.Diagnostic{Pos: r.Pos, End: r.End}
	if len(r.Via) > 0 {
		// A helper sets the state: the fix belongs in the helper.
		chain := &rerun.Chain{Steps: r.Via}
		helper := r.Via[len(r.Via)-1].Format(res.Pkg)
		d.Message = e.Name + " → " + chain.Format(res.Pkg) + ": State.Set(" + r.Key + ", ...)" + resets +
			"initialise it with SetDefault in " + helper + " (or guard the call with Has)"
		return d
	}
	if r.Consumes {
		// A value read, then cleared whichever way the test went:
		// SetDefault would never clear it.
		d.Message = "State.Set(" + r.Key + ", ...)" + resets + "it clears a value read above, so set it only in the branch that uses that value"
		return d
	}
	d.Message = "State.Set(" + r.Key + ", ...)" + resets + "initialise it with SetDefault (or guard it with Has)"
	if r.Call != nil {
		if sel, ok := r.Call.Fun.(*ast.SelectorExpr); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{{
				Message: "Use SetDefault",
				TextEdits: []analysis.TextEdit{{
					Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte("SetDefault"),
				}},
			}}
		}
	}
	return d
}
