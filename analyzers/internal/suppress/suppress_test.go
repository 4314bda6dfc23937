package suppress

import (
	"go/ast"
	"go/token"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	fset := token.NewFileSet()
	fset.AddFile("a.go", -1, 1000).SetLinesForContent(make([]byte, 1000))
	for _, c := range []struct {
		text     string
		want     bool
		fileWide bool
		names    []string
		reason   string
	}{
		{"//dashvet:ignore uncachedcall the table is tiny", true, false, []string{"uncachedcall"}, "the table is tiny"},
		{"//dashvet:ignore uncachedcall,stateinit  two  spaces", true, false, []string{"uncachedcall", "stateinit"}, "two spaces"},
		{"//dashvet:file-ignore bindaddr behind a proxy", true, true, []string{"bindaddr"}, "behind a proxy"},
		{"//dashvet:ignore stateinit on purpose // see #12", true, false, []string{"stateinit"}, "on purpose"},
		{"//dashvet:ignore uncachedcall // a note is no reason", true, false, []string{"uncachedcall"}, ""},
		{"//dashvet:ignore", true, false, nil, ""},
		{"//dashvet:ignorefoo x y", false, false, nil, ""},
		{"// dashvet:ignore uncachedcall spaced out", false, false, nil, ""},
	} {
		d := parse(fset, &ast.Comment{Slash: 1, Text: c.text})
		if (d != nil) != c.want {
			t.Errorf("parse(%q) = %v, want a directive: %v", c.text, d, c.want)
			continue
		}
		if d == nil {
			continue
		}
		if d.fileWide != c.fileWide || !slices.Equal(d.names, c.names) || d.reason != c.reason {
			t.Errorf("parse(%q) = file %v names %q reason %q; want file %v names %q reason %q",
				c.text, d.fileWide, d.names, d.reason, c.fileWide, c.names, c.reason)
		}
	}
}
