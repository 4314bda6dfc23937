package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

func finding(file string, line int, analyzer, pkg, msg string) report.Finding {
	return report.Finding{
		Analyzer: analyzer, Package: pkg, Message: msg,
		Pos: report.Position{File: file, Line: line, Column: 2},
		End: report.Position{File: file, Line: line, Column: 9},
	}
}

func TestSummary(t *testing.T) {
	fs := []report.Finding{
		finding("/r/a.go", 1, "uncachedcall", "p", "m"),
		finding("/r/a.go", 2, "stateinit", "p", "m"),
		finding("/r/b/b.go", 3, "uncachedcall", "p/b", "m"),
	}
	if got, want := Summary(fs, 4, 0), "3 findings in 2 packages (uncachedcall 2, stateinit 1)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := Summary(fs[:1], 1, 0), "1 finding in 1 package (uncachedcall 1)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := Summary(nil, 3, 0), "no findings in 3 packages"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got := Summary(nil, 3, 2); strings.Contains(got, "no findings") || !strings.Contains(got, "2 errors") {
		t.Errorf("Summary with errors = %q", got)
	}
}

func TestTextGroupsByFile(t *testing.T) {
	f := finding("/r/a.go", 1, "uncachedcall", "p", "first line\nsecond line")
	f.URL = "https://example.com/doc"
	f.Related = []report.Related{{Pos: report.Position{File: "/r/b.go", Line: 7, Column: 3}, Message: "called from here"}}
	fs := []report.Finding{f, finding("/r/a.go", 5, "stateinit", "p", "m2"), finding("/r/c.go", 2, "bindaddr", "p", "m3")}
	var buf bytes.Buffer
	if err := Text(&buf, fs, "/r", 1, 0, false); err != nil {
		t.Fatal(err)
	}
	want := `a.go
  a.go:1:2: uncachedcall: first line
    second line
    ↳ b.go:7:3: called from here
    see https://example.com/doc
  a.go:5:2: stateinit: m2

c.go
  c.go:2:2: bindaddr: m3

3 findings in 1 package (bindaddr 1, stateinit 1, uncachedcall 1)
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := Text(&buf, fs, "/r", 1, 0, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[") {
		t.Error("color requested, none written")
	}
}

func TestGitHubEscaping(t *testing.T) {
	f := finding("/repo/dir,x/a:b.go", 3, "stateinit", "p", "100% wrong\r\nreally")
	var buf bytes.Buffer
	if err := GitHub(&buf, []report.Finding{f}, "/repo"); err != nil {
		t.Fatal(err)
	}
	want := "::error file=dir%2Cx/a%3Ab.go,line=3,col=2,endLine=3,endColumn=9,title=dashvet stateinit::100%25 wrong%0D%0Areally\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestRel(t *testing.T) {
	for _, tc := range []struct{ dir, name, want string }{
		{"/r", "/r/a/b.go", "a/b.go"},
		{"/r", "/other/b.go", "/other/b.go"},
		{"/r", "/r", "."},
	} {
		if got := Rel(tc.dir, tc.name); got != tc.want {
			t.Errorf("Rel(%q, %q) = %q, want %q", tc.dir, tc.name, got, tc.want)
		}
	}
}
