// Package output writes dashvet findings in the human and machine formats
// of the standalone command: text (optionally colored), JSON and GitHub
// Actions workflow commands. SARIF lives in its own package.
package output

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fatih/color"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// Text writes findings grouped by file, then a summary line. Each finding
// shows file:line:col (so terminals and editors can jump to it), the
// analyzer, the message, the related locations (the rerun chain) and the
// documentation URL. File names are shown relative to dir when below it.
// packages is the number of packages analysed and errors the number of
// errors, for the summary.
func Text(w io.Writer, findings []report.Finding, dir string, packages, errors int, useColor bool) error {
	st := newStyles(useColor)
	var b strings.Builder
	lastFile := ""
	for _, f := range findings {
		name := Rel(dir, f.Pos.File)
		if f.Pos.File != lastFile {
			if lastFile != "" {
				b.WriteByte('\n')
			}
			b.WriteString(st.file.Sprint(name))
			b.WriteByte('\n')
			lastFile = f.Pos.File
		}
		fmt.Fprintf(&b, "  %s: %s: %s\n",
			st.pos.Sprintf("%s:%d:%d", name, f.Pos.Line, f.Pos.Column),
			st.analyzer.Sprint(f.Analyzer),
			indentRest(f.Message, "    "))
		for _, r := range f.Related {
			fmt.Fprintf(&b, "    %s %s: %s\n", st.faint.Sprint("↳"),
				st.pos.Sprintf("%s:%d:%d", Rel(dir, r.Pos.File), r.Pos.Line, r.Pos.Column),
				indentRest(r.Message, "      "))
		}
		if f.URL != "" {
			fmt.Fprintf(&b, "    %s\n", st.faint.Sprint("see "+f.URL))
		}
	}
	if len(findings) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(st.summary(findings, packages, errors))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary returns the one-line summary of a run, such as
// "3 findings in 2 packages (uncachedcall 2, stateinit 1)". A run with
// errors says that its analysis is incomplete, so it never reads as clean.
func Summary(findings []report.Finding, packages, errors int) string {
	return newStyles(false).summary(findings, packages, errors)
}

func (st styles) summary(findings []report.Finding, packages, errors int) string {
	if errors > 0 {
		s := st.bad.Sprintf("analysis incomplete: %s (see above)", plural(errors, "error"))
		if len(findings) > 0 {
			s += "; " + st.summary(findings, packages, 0)
		}
		return s
	}
	if len(findings) == 0 {
		return st.clean.Sprintf("no findings in %s", plural(packages, "package"))
	}
	pkgs := make(map[string]bool)
	counts := make(map[string]int)
	for _, f := range findings {
		pkgs[f.Package] = true
		counts[f.Analyzer]++
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, counts[n])
	}
	return st.bad.Sprintf("%s in %s", plural(len(findings), "finding"), plural(len(pkgs), "package")) +
		" (" + strings.Join(parts, ", ") + ")"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// indentRest indents every line of a multi-line message after the first,
// so the message stays visually under its finding.
func indentRest(msg, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(msg, "\n"), "\n", "\n"+indent)
}

// Rel returns name relative to dir when name is below dir, else name;
// always '/'-separated. Symbolic links are resolved when the plain paths
// do not nest, so a checkout under a linked directory still gets relative
// names.
func Rel(dir, name string) string {
	if rel, err := filepath.Rel(dir, name); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	realDir, err1 := filepath.EvalSymlinks(dir)
	realName, err2 := filepath.EvalSymlinks(name)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(realDir, realName); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(name)
}

type styles struct {
	file, pos, analyzer, faint, bad, clean *color.Color
}

func newStyles(enabled bool) styles {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		// Decide per writer, not through color's global NoColor, which
		// looks only at os.Stdout.
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return styles{
		file:     mk(color.Bold, color.Underline),
		pos:      mk(color.Bold),
		analyzer: mk(color.FgYellow),
		faint:    mk(color.Faint),
		bad:      mk(color.FgRed, color.Bold),
		clean:    mk(color.FgGreen),
	}
}
