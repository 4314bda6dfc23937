// Package analyzerdoc extracts an analyzer's Doc from its package
// documentation, so that each analyzer has one source for it, as the
// golang.org/x/tools/go/analysis/passes analyzers do: doc.go holds the
// package comment, embedded into the analyzer's package, and the text after
// its "# Analyzer NAME" heading is the Doc ("NAME: title", a blank line,
// the details).
package analyzerdoc

import (
	"fmt"
	"go/parser"
	"go/token"
	"strings"
)

// Extract returns the Doc of analyzer name from the source of its doc.go.
// It panics when the heading is missing: a programming error, which the
// analyzer's tests catch at package initialisation.
func Extract(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic(fmt.Sprintf("analyzerdoc: doc.go of %s has no package comment: %v", name, err))
	}
	text := f.Doc.Text()
	heading := "# Analyzer " + name + "\n"
	_, rest, ok := strings.Cut(text, heading)
	if !ok {
		panic(fmt.Sprintf("analyzerdoc: doc.go of %s has no %q heading", name, strings.TrimSpace(heading)))
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, name+": ") {
		panic(fmt.Sprintf("analyzerdoc: the Doc of %s must start with %q", name, name+": "))
	}
	return rest
}
