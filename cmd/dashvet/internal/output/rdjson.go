package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// RDJSON writes findings in reviewdog's Diagnostic Format as a single
// DiagnosticResult (`reviewdog -f=rdjson`), so that teams running
// reviewdog get dashvet's findings as review comments, with the first
// suggested fix as a suggested change. File names are relative to root, the
// repository root, which is how reviewdog matches them against the diff.
// Columns are UTF-8 byte counts and ends are exclusive, as in Go and as
// the format defines them.
func RDJSON(w io.Writer, findings []report.Finding, root string) error {
	res := rdResult{
		Source:      rdSource{Name: "dashvet", URL: "https://github.com/dashvet/dashvet"},
		Severity:    "ERROR",
		Diagnostics: make([]rdDiagnostic, 0, len(findings)),
	}
	for _, f := range findings {
		// The format has no related locations: the rerun chain goes into
		// the message, as in the GitHub annotations.
		msg := f.Message
		for _, r := range f.Related {
			msg += fmt.Sprintf("\n  ↳ %s:%d:%d: %s", Rel(root, r.Pos.File), r.Pos.Line, r.Pos.Column, r.Message)
		}
		d := rdDiagnostic{
			Message:  msg,
			Location: rdLocation{Path: Rel(root, f.Pos.File), Range: rdRangeOf(f.Pos, f.End)},
			Severity: "ERROR",
			Code:     &rdCode{Value: f.Analyzer, URL: f.URL},
		}
		// A suggestion has no file of its own: it edits the diagnostic's
		// file. A fix that edits other files is left to dashvet -fix.
		if len(f.Fixes) > 0 && sameFile(f.Pos.File, f.Fixes[0].Edits) {
			for _, e := range f.Fixes[0].Edits {
				d.Suggestions = append(d.Suggestions, rdSuggestion{Range: rdRangeOf(e.Pos, e.End), Text: e.NewText})
			}
		}
		res.Diagnostics = append(res.Diagnostics, d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}

func sameFile(file string, edits []report.Edit) bool {
	for _, e := range edits {
		if e.Pos.File != file {
			return false
		}
	}
	return len(edits) > 0
}

func rdRangeOf(pos, end report.Position) rdRange {
	r := rdRange{Start: rdPosition{Line: pos.Line, Column: pos.Column}}
	if end.Line >= pos.Line && end.Line > 0 {
		r.End = &rdPosition{Line: end.Line, Column: end.Column}
	}
	return r
}

// The rdjson wire types, from reviewdog's proto/rdf/reviewdog.proto.
type (
	rdResult struct {
		Source      rdSource       `json:"source"`
		Severity    string         `json:"severity"`
		Diagnostics []rdDiagnostic `json:"diagnostics"`
	}
	rdSource struct {
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	rdDiagnostic struct {
		Message     string         `json:"message"`
		Location    rdLocation     `json:"location"`
		Severity    string         `json:"severity"`
		Code        *rdCode        `json:"code,omitempty"`
		Suggestions []rdSuggestion `json:"suggestions,omitempty"`
	}
	rdCode struct {
		Value string `json:"value"`
		URL   string `json:"url,omitempty"`
	}
	rdLocation struct {
		Path  string  `json:"path"`
		Range rdRange `json:"range"`
	}
	rdRange struct {
		Start rdPosition  `json:"start"`
		End   *rdPosition `json:"end,omitempty"`
	}
	rdPosition struct {
		Line   int `json:"line"`
		Column int `json:"column,omitempty"`
	}
	rdSuggestion struct {
		Range rdRange `json:"range"`
		Text  string  `json:"text"`
	}
)
