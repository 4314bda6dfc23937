package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// GitHub writes one GitHub Actions "error" workflow command per finding,
// which the Actions runner turns into an annotation on the pull request's
// diff. File names are relative to root, the repository root, as the
// runner expects.
func GitHub(w io.Writer, findings []report.Finding, root string) error {
	var b strings.Builder
	for _, f := range findings {
		msg := f.Message
		for _, r := range f.Related {
			msg += fmt.Sprintf("\n  ↳ %s:%d:%d: %s", Rel(root, r.Pos.File), r.Pos.Line, r.Pos.Column, r.Message)
		}
		if f.URL != "" {
			msg += "\nsee " + f.URL
		}
		end := f.End
		if end.Line < f.Pos.Line {
			end = f.Pos
		}
		fmt.Fprintf(&b, "::error file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			escapeProperty(Rel(root, f.Pos.File)), f.Pos.Line, f.Pos.Column, end.Line, end.Column,
			escapeProperty("dashvet "+f.Analyzer), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message the way the Actions
// toolkit does: '%', CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value, where ':' and
// ',' are also separators.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
