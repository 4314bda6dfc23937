package cli

import (
	"cmp"
	"context"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// result is what one analysis run produced. File names are absolute.
type result struct {
	findings []report.Finding
	errors   []report.Error
	packages int // distinct packages analysed, for the summary
}

// loadConfig says which packages to load.
type loadConfig struct {
	dir      string
	patterns []string
	tests    bool
	tags     string
}

// analyze loads the packages and runs the analyzers on them. Load errors
// (listing, parse or type errors anywhere in the import graph) stop it
// before analysis: an analysis of ill-typed code would be incomplete, and
// a run that could not see all the code must not look clean.
func analyze(ctx context.Context, lc loadConfig, analyzers []*analysis.Analyzer, src *source.Files) (*result, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.LoadAllSyntax | packages.NeedModule,
		Dir:     lc.dir,
		Tests:   lc.tests,
	}
	if lc.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + lc.tags}
	}
	pkgs, err := packages.Load(cfg, lc.patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %w", err)
	}
	res := &result{}
	if len(pkgs) == 0 {
		res.errors = append(res.errors, report.Error{
			Kind:    report.KindLoad,
			Message: fmt.Sprintf("no packages match %s", strings.Join(lc.patterns, " ")),
		})
		return res, nil
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			res.errors = append(res.errors, loadError(p, e))
		}
	})
	res.packages = countPackages(pkgs)
	if len(res.errors) > 0 {
		return res, nil
	}

	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("running analyzers: %w", err)
	}
	res.findings, res.errors = collect(graph, src)
	return res, nil
}

// countPackages counts the distinct packages among the roots: a package
// and its test variant count once, the generated test main not at all.
func countPackages(pkgs []*packages.Package) int {
	seen := make(map[string]bool)
	for _, p := range pkgs {
		if p.Name == "main" && strings.HasSuffix(p.ID, ".test") {
			continue
		}
		seen[p.PkgPath] = true
	}
	return len(seen)
}

func loadError(p *packages.Package, e packages.Error) report.Error {
	re := report.Error{Kind: report.KindLoad, Package: p.ID, Message: e.Msg}
	if pos, ok := parsePos(e.Pos); ok {
		re.Pos = &pos
	} else if e.Pos != "" && e.Pos != "-" {
		re.Message = e.Pos + ": " + e.Msg
	}
	return re
}

// parsePos parses go/packages' "file:line:col" or "file:line" positions.
func parsePos(s string) (report.Position, bool) {
	if s == "" || s == "-" {
		return report.Position{}, false
	}
	rest, last, ok := cutLast(s)
	if !ok {
		return report.Position{}, false
	}
	n, err := strconv.Atoi(last)
	if err != nil {
		return report.Position{}, false
	}
	if file, mid, ok := cutLast(rest); ok {
		if line, err := strconv.Atoi(mid); err == nil {
			return report.Position{File: file, Line: line, Column: n}, true
		}
	}
	return report.Position{File: rest, Line: n}, true
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// collect turns the action graph into sorted, de-duplicated findings and
// errors. A file that belongs to a package and its test variant is
// analysed twice; its findings are reported once.
func collect(graph *checker.Graph, src *source.Files) ([]report.Finding, []report.Error) {
	type key struct {
		analyzer string
		pos, end token.Position
		message  string
	}
	seen := make(map[key]bool)
	seenErr := make(map[string]bool)
	var findings []report.Finding
	var errs []report.Error
	for act := range graph.All() {
		if act.Err != nil {
			msg := act.Analyzer.Name + ": " + act.Err.Error()
			if !seenErr[msg] {
				seenErr[msg] = true
				errs = append(errs, report.Error{Kind: report.KindAnalysis, Package: act.Package.PkgPath, Message: msg})
			}
			continue
		}
		if !act.IsRoot {
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			k := key{act.Analyzer.Name, fset.PositionFor(d.Pos, false), fset.PositionFor(d.End, false), d.Message}
			if seen[k] {
				continue
			}
			seen[k] = true
			findings = append(findings, finding(fset, act.Analyzer, act.Package.PkgPath, d, src))
		}
	}
	slices.SortFunc(findings, compareFindings)
	return findings, errs
}

func compareFindings(a, b report.Finding) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Column, b.Pos.Column),
		cmp.Compare(a.Analyzer, b.Analyzer),
		cmp.Compare(a.Message, b.Message),
	)
}

func finding(fset *token.FileSet, a *analysis.Analyzer, pkgPath string, d analysis.Diagnostic, src *source.Files) report.Finding {
	f := report.Finding{
		Analyzer: a.Name,
		Category: d.Category,
		Package:  pkgPath,
		Message:  d.Message,
		URL:      cmp.Or(d.URL, a.URL), // the checker has resolved d.URL against a.URL
	}
	f.Pos, f.End = span(fset, d.Pos, d.End, src)
	for _, r := range d.Related {
		var rel report.Related
		rel.Pos, rel.End = span(fset, r.Pos, r.End, src)
		rel.Message = r.Message
		f.Related = append(f.Related, rel)
	}
	for _, sf := range d.SuggestedFixes {
		fx := report.Fix{Message: sf.Message, Edits: []report.Edit{}}
		for _, e := range sf.TextEdits {
			end := e.End
			if !end.IsValid() {
				end = e.Pos // a pure insertion
			}
			fx.Edits = append(fx.Edits, report.Edit{Pos: position(fset, e.Pos), End: position(fset, end), NewText: string(e.NewText)})
		}
		f.Fixes = append(f.Fixes, fx)
	}
	return f
}

// span returns the positions of pos and end; when end is missing it is the
// end of the token at pos, so every finding has an extent to highlight.
func span(fset *token.FileSet, pos, end token.Pos, src *source.Files) (report.Position, report.Position) {
	p := position(fset, pos)
	if end.IsValid() && end >= pos {
		return p, position(fset, end)
	}
	tf := fset.File(pos)
	if tf == nil {
		return p, p
	}
	off := src.TokenEnd(p.File, p.Offset)
	if off < p.Offset || off > tf.Size() {
		return p, p
	}
	return p, position(fset, tf.Pos(off))
}

// position converts pos to a report position in the file as it is on disk
// (ignoring //line directives, so that fixes and diff filtering line up
// with the real file).
func position(fset *token.FileSet, pos token.Pos) report.Position {
	if !pos.IsValid() {
		return report.Position{}
	}
	p := fset.PositionFor(pos, false)
	return report.Position{File: p.Filename, Line: p.Line, Column: p.Column, Offset: p.Offset}
}
