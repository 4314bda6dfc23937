package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// vetStream is output in the shape `go vet -json` prints (one object per
// package, `{}` for a package without findings); FILE stands for the
// absolute name of the source file below.
const vetStream = `{}
{
	"example.com/p [example.com/p.test]": {
		"stateinit": [
			{
				"posn": "FILE:4:2",
				"end": "FILE:4:2",
				"message": "State.Set runs on every rerun",
				"suggested_fixes": [
					{
						"message": "Use SetDefault",
						"edits": [ { "filename": "FILE", "start": OFFSET, "end": OFFSETEND, "new": "SetDefault" } ]
					}
				]
			},
			{
				"posn": "FILE:4:2",
				"end": "FILE:4:2",
				"message": "State.Set runs on every rerun"
			}
		],
		"uncachedcall": [
			{
				"category": "query",
				"posn": "FILE:5:2",
				"end": "FILE:5:15",
				"message": "query on every rerun",
				"related": [ { "posn": "FILE:3:6", "end": "FILE:3:6", "message": "App" } ]
			}
		],
		"bindaddr": { "error": "internal error: boom" }
	}
}
`

const vetSource = "package p\n\nfunc App(ui *UI) {\n\tui.State().Set(\"k\", 0)\n\tdb.Query(ctx)\n}\n"

func TestVetDecoder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.go")
	if err := os.WriteFile(file, []byte(vetSource), 0o644); err != nil {
		t.Fatal(err)
	}
	setOff := strings.Index(vetSource, "Set(")
	stream := strings.NewReplacer(
		"FILE", file,
		"OFFSETEND", strconv.Itoa(setOff+len("Set")),
		"OFFSET", strconv.Itoa(setOff),
	).Replace(vetStream)

	d := &vetDecoder{dir: dir, urls: map[string]string{"stateinit": "https://example.com/stateinit"}, src: new(source.Files)}
	if err := d.decode(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	if d.units != 2 {
		t.Errorf("units = %d, want 2", d.units)
	}
	fs := d.sorted()
	if len(fs) != 2 {
		t.Fatalf("want 2 findings (the repeated one once), got %d: %+v", len(fs), fs)
	}

	si := fs[0]
	if si.Analyzer != "stateinit" || si.Package != "example.com/p" || si.URL != "https://example.com/stateinit" {
		t.Errorf("stateinit finding: %+v", si)
	}
	uiOff := strings.Index(vetSource, "ui.State")
	if want := (report.Position{File: file, Line: 4, Column: 2, Offset: uiOff}); si.Pos != want {
		t.Errorf("pos = %+v, want %+v", si.Pos, want)
	}
	// No end given: the end of the token at the start ("ui").
	if want := (report.Position{File: file, Line: 4, Column: 4, Offset: uiOff + 2}); si.End != want {
		t.Errorf("end = %+v, want %+v", si.End, want)
	}
	if len(si.Fixes) != 1 || len(si.Fixes[0].Edits) != 1 {
		t.Fatalf("fixes: %+v", si.Fixes)
	}
	e := si.Fixes[0].Edits[0]
	if e.NewText != "SetDefault" || e.Pos.Offset != setOff || e.End.Offset != setOff+3 ||
		e.Pos.Line != 4 || e.Pos.Column != setOff-uiOff+2 || e.End.Column != setOff-uiOff+5 {
		t.Errorf("edit: %+v", e)
	}

	uc := fs[1]
	if uc.Analyzer != "uncachedcall" || uc.Category != "query" || uc.URL != "" {
		t.Errorf("uncachedcall finding: %+v", uc)
	}
	if uc.End.Line != 5 || uc.End.Column != 15 || uc.End.Offset != strings.Index(vetSource, "(ctx)")+len("(ctx)") {
		t.Errorf("given end = %+v", uc.End)
	}
	if len(uc.Related) != 1 || uc.Related[0].Message != "App" || uc.Related[0].Pos.Line != 3 || uc.Related[0].End.Column != 9 {
		t.Errorf("related: %+v", uc.Related)
	}

	if len(d.errors) != 1 || d.errors[0].Kind != report.KindAnalysis || d.errors[0].Package != "example.com/p" ||
		d.errors[0].Message != "bindaddr: internal error: boom" {
		t.Errorf("errors: %+v", d.errors)
	}
}

func TestVetDecoderBadOutput(t *testing.T) {
	for _, s := range []string{
		"{} not json",
		`{"p": {"a": 3}}`,
		`{"p": {"a": [{"posn": 1}]}}`,
	} {
		d := &vetDecoder{src: new(source.Files)}
		if err := d.decode(strings.NewReader(s)); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

func TestGoErrors(t *testing.T) {
	stderr := `go: downloading example.com/dep v1.0.0
# example.com/m/broken
broken/broken.go:3:23: cannot use "x" (untyped string constant) as int value in return statement
broken/other.go:7: undefined: y
	have (int)
	want (string)
# example.com/m/tool
dashvet: internal error: boom
stat /m/nosuch: directory not found
`
	got := goErrors(stderr, "/m", "dashvet")
	want := []report.Error{
		{Kind: report.KindLoad, Package: "example.com/m/broken", Pos: &report.Position{File: "/m/broken/broken.go", Line: 3, Column: 23},
			Message: `cannot use "x" (untyped string constant) as int value in return statement`},
		{Kind: report.KindLoad, Package: "example.com/m/broken", Pos: &report.Position{File: "/m/broken/other.go", Line: 7},
			Message: "undefined: y\n\thave (int)\n\twant (string)"},
		{Kind: report.KindAnalysis, Package: "example.com/m/tool", Message: "internal error: boom"},
		{Kind: report.KindLoad, Package: "example.com/m/tool", Message: "stat /m/nosuch: directory not found"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Package != w.Package || g.Message != w.Message || (g.Pos == nil) != (w.Pos == nil) || g.Pos != nil && *g.Pos != *w.Pos {
			t.Errorf("error %d:\n got %+v (pos %+v)\nwant %+v (pos %+v)", i, g, g.Pos, w, w.Pos)
		}
	}
}
