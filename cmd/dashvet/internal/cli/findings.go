package cli

import (
	"cmp"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// converter turns analyzer diagnostics into report findings.
type converter struct {
	src *source.Files // for the end of a token when a diagnostic gives none
}

func (c *converter) finding(p *packages.Package, a *analysis.Analyzer, d analysis.Diagnostic) report.Finding {
	f := report.Finding{
		Analyzer: a.Name,
		Category: d.Category,
		Package:  p.PkgPath,
		Message:  d.Message,
		URL:      cmp.Or(d.URL, a.URL),
	}
	f.Pos, f.End = c.span(p.Fset, d.Pos, d.End)
	for _, r := range d.Related {
		var rel report.Related
		rel.Pos, rel.End = c.span(p.Fset, r.Pos, r.End)
		rel.Message = r.Message
		f.Related = append(f.Related, rel)
	}
	for _, sf := range d.SuggestedFixes {
		fx := report.Fix{Message: sf.Message, Edits: []report.Edit{}}
		for _, e := range sf.TextEdits {
			// Edits apply to the file as it is: positions not adjusted by
			// //line directives. An insertion may leave End unset.
			start := p.Fset.PositionFor(e.Pos, false)
			end := start
			if e.End.IsValid() && e.End > e.Pos {
				end = p.Fset.PositionFor(e.End, false)
			}
			fx.Edits = append(fx.Edits, report.Edit{Pos: position(start), End: position(end), NewText: string(e.NewText)})
		}
		f.Fixes = append(f.Fixes, fx)
	}
	return f
}

// span returns the positions of pos and end, as go vet shows them
// (adjusted by //line directives). When the analyzer gave no end, it is the
// end of the token at pos, so every finding has an extent to highlight.
func (c *converter) span(fset *token.FileSet, pos, end token.Pos) (report.Position, report.Position) {
	if !pos.IsValid() {
		return report.Position{}, report.Position{}
	}
	p := position(fset.Position(pos))
	if end.IsValid() && end > pos {
		if e := position(fset.Position(end)); e.File == p.File {
			return p, e
		}
	}
	raw := fset.PositionFor(pos, false)
	endOff := c.src.TokenEnd(raw.Filename, raw.Offset)
	if e := position(fset.Position(pos + token.Pos(endOff-raw.Offset))); endOff > raw.Offset && e.File == p.File {
		return p, e
	}
	return p, p
}

func position(p token.Position) report.Position {
	return report.Position{File: p.Filename, Line: p.Line, Column: p.Column, Offset: p.Offset}
}

// findingKey identifies a finding reported twice, by a package and its
// test variant sharing the file.
type findingKey struct {
	analyzer, message string
	pos, end          report.Position
}

func dedupe(findings []report.Finding) []report.Finding {
	seen := make(map[findingKey]bool, len(findings))
	return slices.DeleteFunc(findings, func(f report.Finding) bool {
		k := findingKey{f.Analyzer, f.Message, f.Pos, f.End}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
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

// parsePos parses "file:line:col" or "file:line" positions, the forms of
// token.Position.String and of the go command's error messages.
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
