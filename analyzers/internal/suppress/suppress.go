// Package suppress implements dashvet's suppression directives inside the
// analyzers' own reporting, so that they hold wherever the analyzers run:
// go vet, the standalone CLI, golangci-lint and Bazel nogo alike.
//
// A directive names one or more analyzers and must give a reason:
//
//	//dashvet:ignore uncachedcall,stateinit the table is tiny and local
//	rows := db.Query(...)
//
// It applies to findings on its own line or on the line below it. A
// nested "//" ends the reason: what follows is an ordinary comment
// (//dashvet:ignore stateinit reset on purpose // see #12). The
// file-level form applies to the whole file:
//
//	//dashvet:file-ignore bindaddr served behind a sidecar proxy
//
// A directive without a reason, one naming an unknown analyzer, or one that
// suppresses nothing is itself reported, so suppressions cannot rot.
package suppress

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

const (
	linePrefix = "//dashvet:ignore"
	filePrefix = "//dashvet:file-ignore"
)

// Known lists the analyzers a directive may name. It is a constant table,
// not registration state, so that passes running in parallel share nothing
// mutable.
var Known = []string{"uncachedcall", "rerunresource", "stateinit", "cacheserial", "bindaddr"}

type directive struct {
	pos      token.Pos
	file     string
	line     int // the directive's own line; it covers line and line+1
	fileWide bool
	names    []string
	reason   string
	used     bool
}

// Reporter filters one analyzer's diagnostics through the directives of a
// pass. Create one per pass with New, report through it, and call Finish
// once at the end of the pass.
type Reporter struct {
	pass       *analysis.Pass
	name       string
	directives []*directive
}

// New parses the directives of pass's files that concern pass.Analyzer.
func New(pass *analysis.Pass) *Reporter {
	r := &Reporter{pass: pass, name: pass.Analyzer.Name}
	for _, f := range pass.Files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if d := parse(pass.Fset, c); d != nil {
					r.directives = append(r.directives, d)
				}
			}
		}
	}
	return r
}

func parse(fset *token.FileSet, c *ast.Comment) *directive {
	var rest string
	var fileWide bool
	switch {
	case strings.HasPrefix(c.Text, filePrefix):
		rest, fileWide = c.Text[len(filePrefix):], true
	case strings.HasPrefix(c.Text, linePrefix):
		rest = c.Text[len(linePrefix):]
	default:
		return nil
	}
	// "//dashvet:ignorefoo" is not a directive.
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return nil
	}
	// A nested comment is not part of the directive.
	if i := strings.Index(rest, "//"); i >= 0 {
		rest = rest[:i]
	}
	fields := strings.Fields(rest)
	pos := fset.Position(c.Slash)
	d := &directive{pos: c.Slash, file: pos.Filename, line: pos.Line, fileWide: fileWide}
	if len(fields) > 0 {
		for n := range strings.SplitSeq(fields[0], ",") {
			if n = strings.TrimSpace(n); n != "" {
				d.names = append(d.names, n)
			}
		}
		d.reason = strings.Join(fields[1:], " ")
	}
	return d
}

func (d *directive) has(name string) bool { return slices.Contains(d.names, name) }

// Report reports diag unless a directive naming this analyzer covers it.
func (r *Reporter) Report(diag analysis.Diagnostic) {
	pos := r.pass.Fset.Position(diag.Pos)
	suppressed := false
	for _, d := range r.directives {
		if !d.has(r.name) || d.file != pos.Filename {
			continue
		}
		if d.fileWide || pos.Line == d.line || pos.Line == d.line+1 {
			d.used = true
			suppressed = true
		}
	}
	if !suppressed {
		r.pass.Report(diag)
	}
}

// Reportf is Report with a formatted message.
func (r *Reporter) Reportf(pos token.Pos, format string, args ...any) {
	r.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Finish reports the directives that are malformed or unused. Problems that
// concern the directive as a whole (no analyzer, unknown analyzer, missing
// reason) are reported by the first analyzer it names that is known, or by
// uncachedcall when it names none, so each problem is reported once.
func (r *Reporter) Finish() {
	for _, d := range r.directives {
		if r.isOwner(d) {
			switch {
			case len(d.names) == 0:
				r.pass.Reportf(d.pos, "dashvet directive names no analyzer: write //dashvet:ignore NAME reason")
				continue
			case d.reason == "":
				r.pass.Reportf(d.pos, "dashvet directive for %s gives no reason: say why the finding does not apply", strings.Join(d.names, ","))
			}
			for _, n := range d.names {
				if !slices.Contains(Known, n) {
					r.pass.Reportf(d.pos, "dashvet directive names unknown analyzer %q (known: %s)", n, strings.Join(Known, ", "))
				}
			}
		}
		if d.has(r.name) && !d.used {
			r.pass.Reportf(d.pos, "dashvet directive suppresses no %s finding: remove it", r.name)
		}
	}
}

// isOwner reports whether this analyzer is the one that reports problems of
// the directive as a whole.
func (r *Reporter) isOwner(d *directive) bool {
	for _, n := range d.names {
		if slices.Contains(Known, n) {
			return n == r.name
		}
	}
	return r.name == Known[0]
}
