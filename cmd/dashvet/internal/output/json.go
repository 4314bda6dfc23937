package output

import (
	"encoding/json"
	"io"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// JSON writes r, indented, with file names relative to dir when below it.
func JSON(w io.Writer, r report.Report, dir string) error {
	out := r
	out.Findings = make([]report.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Pos.File, f.End.File = Rel(dir, f.Pos.File), Rel(dir, f.End.File)
		f.Related = append([]report.Related(nil), f.Related...)
		for j := range f.Related {
			rel := &f.Related[j]
			rel.Pos.File, rel.End.File = Rel(dir, rel.Pos.File), Rel(dir, rel.End.File)
		}
		f.Fixes = append([]report.Fix(nil), f.Fixes...)
		for j := range f.Fixes {
			fix := &f.Fixes[j]
			fix.Edits = append([]report.Edit(nil), fix.Edits...)
			for k := range fix.Edits {
				e := &fix.Edits[k]
				e.Pos.File, e.End.File = Rel(dir, e.Pos.File), Rel(dir, e.End.File)
			}
		}
		out.Findings[i] = f
	}
	out.Errors = make([]report.Error, len(r.Errors))
	for i, e := range r.Errors {
		if e.Pos != nil {
			p := *e.Pos
			p.File = Rel(dir, p.File)
			e.Pos = &p
		}
		out.Errors[i] = e
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
