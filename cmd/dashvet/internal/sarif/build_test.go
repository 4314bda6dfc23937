package sarif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

func TestBuild(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "my app", "a.go")
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package a\n\nvar é = load() // x\nvar b = load() // x\n\tload()\n\tload()\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pos := func(file string, line, col int) report.Position {
		return report.Position{File: file, Line: line, Column: col}
	}
	a := &analysis.Analyzer{Name: "uncachedcall", Doc: "uncachedcall: report calls on the rerun path\n\nLonger text.", URL: "https://example.com/u"}
	findings := []report.Finding{
		{Analyzer: "uncachedcall", Message: "m1", Pos: pos(name, 3, 10), End: pos(name, 3, 16),
			Related: []report.Related{{Pos: pos(name, 4, 9), End: pos(name, 4, 13), Message: "called from here"}}},
		{Analyzer: "uncachedcall", Message: "m2", Pos: pos(name, 5, 2), End: pos(name, 5, 8)},
		{Analyzer: "uncachedcall", Message: "m3", Pos: pos(name, 6, 2), End: pos(name, 6, 8)},
		{Analyzer: "other", Message: "outside", Pos: pos("/elsewhere/b.go", 1, 1), End: pos("/elsewhere/b.go", 1, 1)},
	}
	log := Build(Input{
		Analyzers: []*analysis.Analyzer{a},
		Findings:  findings,
		Errors:    []report.Error{{Kind: report.KindLoad, Message: "undefined: x", Pos: &report.Position{File: name, Line: 2, Column: 1}}},
		Root:      root,
		Version:   "test",
		Sources:   new(source.Files),
	})
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != 2 || rules[0].ShortDescription.Text != "report calls on the rerun path" || rules[0].FullDescription.Text != a.Doc ||
		rules[0].HelpURI != a.URL || !strings.Contains(rules[0].Help.Text, a.URL) || rules[1].ID != "other" {
		t.Errorf("rules: %+v", rules)
	}
	r0 := run.Results[0]
	loc := r0.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "my%20app/a.go" || loc.ArtifactLocation.URIBaseID != SrcRoot {
		t.Errorf("artifact %+v", loc.ArtifactLocation)
	}
	// "é" is two bytes and one UTF-16 unit: byte column 10 is unit column 9.
	if *loc.Region != (Region{StartLine: 3, StartColumn: 9, EndLine: 3, EndColumn: 15}) {
		t.Errorf("region %+v", *loc.Region)
	}
	if len(r0.RelatedLocations) != 1 || *r0.RelatedLocations[0].ID != 1 || r0.RelatedLocations[0].Message.Text != "called from here" ||
		r0.RelatedLocations[0].PhysicalLocation.Region.StartLine != 4 {
		t.Errorf("related %+v", r0.RelatedLocations)
	}
	// Identical lines: same hash, different occurrence.
	f1, f2 := run.Results[1].PartialFingerprints[FingerprintKey], run.Results[2].PartialFingerprints[FingerprintKey]
	h1, n1, _ := strings.Cut(f1, ":")
	h2, n2, _ := strings.Cut(f2, ":")
	if h1 != h2 || n1 != "1" || n2 != "2" {
		t.Errorf("fingerprints of identical lines: %s, %s", f1, f2)
	}
	if run.Results[3].Locations[0].PhysicalLocation.ArtifactLocation != (ArtifactLocation{URI: "file:///elsewhere/b.go"}) {
		t.Errorf("outside the root: %+v", run.Results[3].Locations[0].PhysicalLocation.ArtifactLocation)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 || !strings.Contains(inv.ToolExecutionNotifications[0].Message.Text, "undefined: x") {
		t.Errorf("invocation %+v", inv)
	}
}

func TestNumericVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3 go1.26.8":   "1.2.3",
		"1.0.0":             "1.0.0",
		"(devel) go1.26.8":  "0.0.0-devel",
		"":                  "0.0.0-devel",
		"v":                 "0.0.0-devel",
		"vNext":             "0.0.0-devel",
		"v0.4.0-rc.1 linux": "0.4.0-rc.1",
	} {
		if got := numericVersion(in); got != want {
			t.Errorf("numericVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
