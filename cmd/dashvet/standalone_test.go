package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

func TestText(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := dashvet(t, dir, "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	// Each finding: "  file:line:col: analyzer: message".
	var got []want
	lineRE := regexp.MustCompile(`^  (\S+\.go):(\d+):(\d+): ([a-z]+): \S`)
	for line := range strings.Lines(r.stdout) {
		if m := lineRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			got = append(got, want{m[1], n, m[4]})
		}
	}
	wants := allWants(t, dir)
	sameWants(t, "dashvet text", got, wants)

	// Grouped by file: a header line per file, before its findings.
	for _, file := range []string{"app/app.go", "suppressed/suppressed.go"} {
		if !strings.Contains(r.stdout, "\n"+file+"\n") && !strings.HasPrefix(r.stdout, file+"\n") {
			t.Errorf("no group header for %s in\n%s", file, r.stdout)
		}
	}
	// The rerun chain and the documentation URL.
	if !strings.Contains(r.stdout, "App → store.Sales → (*sql.DB).QueryContext") {
		t.Errorf("the uncachedcall finding does not show the rerun chain:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "see https://github.com/dashvet/dashvet/blob/main/docs/analyzers/uncachedcall.md") {
		t.Errorf("no documentation URL:\n%s", r.stdout)
	}
	// Summary: counts computed from the markers.
	counts := map[string]int{}
	pkgs := map[string]bool{}
	for _, w := range wants {
		counts[w.analyzer]++
		pkgs[filepath.Dir(w.file)] = true
	}
	summary := fmt.Sprintf("%d findings in %d packages (", len(wants), len(pkgs))
	if !strings.Contains(r.stdout, summary) {
		t.Errorf("want summary starting %q in\n%s", summary, r.stdout)
	}
	for a, n := range counts {
		if !strings.Contains(r.stdout, fmt.Sprintf("%s %d", a, n)) {
			t.Errorf("summary lacks %q:\n%s", fmt.Sprintf("%s %d", a, n), r.stdout)
		}
	}
	// Not a terminal: no color.
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("color escape codes in output to a pipe:\n%q", r.stdout)
	}
}

func TestColor(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	if r := dashvet(t, dir, "-color=always", "./app"); !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("-color=always: no escape codes in\n%q", r.stdout)
	}
	r := run(t, dir, []string{"NO_COLOR=1"}, dashvetBin, "-color=auto", "./app")
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("NO_COLOR: escape codes in\n%q", r.stdout)
	}
	if r := dashvet(t, dir, "-color=never", "./app"); strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("-color=never: escape codes in\n%q", r.stdout)
	}
	if r := dashvet(t, dir, "-color=sometimes", "./app"); r.code != 2 {
		t.Errorf("-color=sometimes: exit %d, want 2", r.code)
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := dashvet(t, dir, "-format=json", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	var rep report.Report
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields() // the documented type describes every field
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decoding into report.Report: %v\n%s", err, r.stdout)
	}
	if rep.Version != report.Version || rep.Tool.Name != "dashvet" || rep.Tool.Version == "" {
		t.Errorf("header: version %d tool %+v", rep.Version, rep.Tool)
	}
	if rep.Errors == nil || len(rep.Errors) != 0 {
		t.Errorf("errors: want [], got %#v", rep.Errors)
	}
	var got []want
	for _, f := range rep.Findings {
		got = append(got, want{f.Pos.File, f.Pos.Line, f.Analyzer})
		if f.Package == "" || f.Message == "" || f.URL == "" {
			t.Errorf("%s:%d: incomplete finding %+v", f.Pos.File, f.Pos.Line, f)
		}
		if f.End.Line < f.Pos.Line || f.End.Line == f.Pos.Line && f.End.Column <= f.Pos.Column {
			t.Errorf("%s:%d: end %d:%d is not after start %d:%d", f.Pos.File, f.Pos.Line, f.End.Line, f.End.Column, f.Pos.Line, f.Pos.Column)
		}
		// Offsets agree with line and column.
		src := readFile(t, filepath.Join(dir, f.Pos.File))
		lineStart := strings.LastIndexByte(src[:f.Pos.Offset], '\n') + 1
		if line := strings.Count(src[:f.Pos.Offset], "\n") + 1; line != f.Pos.Line || f.Pos.Offset-lineStart+1 != f.Pos.Column {
			t.Errorf("%s: offset %d is %d:%d, not %d:%d", f.Pos.File, f.Pos.Offset, line, f.Pos.Offset-lineStart+1, f.Pos.Line, f.Pos.Column)
		}
	}
	sameWants(t, "dashvet -format=json", got, allWants(t, dir))

	// Round trip: re-encoding the decoded report gives the same JSON.
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	if again.String() != r.stdout {
		t.Errorf("JSON does not round-trip through report.Report:\nprinted:\n%s\nre-encoded:\n%s", r.stdout, again.String())
	}

	// The stateinit finding carries its fix, in file offsets.
	for _, f := range rep.Findings {
		if f.Analyzer == "stateinit" && f.Pos.File == "app/app.go" {
			if len(f.Fixes) == 0 || len(f.Fixes[0].Edits) == 0 || f.Fixes[0].Edits[0].NewText != "SetDefault" {
				t.Errorf("stateinit finding: want a SetDefault fix, got %+v", f.Fixes)
			}
		}
	}
}

func TestGitHubAnnotations(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t) // committed: annotations are relative to the repository root
	r := dashvet(t, dir, "-format=github", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	re := regexp.MustCompile(`^::error file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=dashvet ([a-z]+)::(.*)$`)
	var got []want
	for line := range strings.Lines(r.stdout) {
		line = strings.TrimSuffix(line, "\n")
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a workflow command: %q", line)
			continue
		}
		n, _ := strconv.Atoi(m[2])
		got = append(got, want{m[1], n, m[6]})
		if strings.ContainsAny(m[7], "\r\n") {
			t.Errorf("unescaped newline in %q", m[7])
		}
		if m[6] == "uncachedcall" && !strings.Contains(m[7], "%0Asee https%3A//") && !strings.Contains(m[7], "%0Asee https://") {
			t.Errorf("uncachedcall annotation lacks the escaped doc URL line: %q", m[7])
		}
	}
	sameWants(t, "dashvet -format=github", got, allWants(t, dir))
}

func TestListHelpVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := dashvet(t, dir, "-list")
	for _, name := range []string{"uncachedcall", "rerunresource", "stateinit", "cacheserial", "bindaddr"} {
		if !regexp.MustCompile(`(?m)^` + name + `\s+\S`).MatchString(r.stdout) {
			t.Errorf("-list: no line with %s and its title in\n%s", name, r.stdout)
		}
	}
	r = dashvet(t, dir, "help", "stateinit")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "stateinit: ") || !strings.Contains(r.stdout, "docs/analyzers/stateinit.md") {
		t.Errorf("help stateinit: exit %d\n%s", r.code, r.stdout)
	}
	if r := dashvet(t, dir, "help", "nosuch"); r.code != 2 {
		t.Errorf("help nosuch: exit %d, want 2", r.code)
	}
	if r := dashvet(t, dir, "-version"); r.code != 0 || !strings.HasPrefix(r.stdout, "dashvet ") {
		t.Errorf("-version: exit %d %q", r.code, r.stdout)
	}
}

func TestAnalyzerFlags(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := dashvet(t, dir, "-format=json", "-uncachedcall=false", "-stateinit=false", "./...")
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stderr)
	}
	for _, f := range rep.Findings {
		if f.Analyzer == "uncachedcall" || f.Analyzer == "stateinit" {
			t.Errorf("disabled analyzer reported %s:%d: %s", f.Pos.File, f.Pos.Line, f.Message)
		}
	}
	if len(rep.Findings) == 0 {
		t.Errorf("the other analyzers reported nothing")
	}
	// Each analyzer's own flags are exposed as -NAME.flag.
	if r := dashvet(t, dir, "-h"); !strings.Contains(r.stderr, "-uncachedcall.sinks") {
		t.Errorf("-h does not list -uncachedcall.sinks:\n%s", r.stderr)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	if r := dashvet(t, dir, "./clean"); r.code != 0 || !strings.Contains(r.stdout, "no findings in 1 package") {
		t.Errorf("clean package: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := dashvet(t, dir, "./app"); r.code != 1 {
		t.Errorf("findings: exit %d, want 1", r.code)
	}
	if r := dashvet(t, dir, "-format=yaml", "./app"); r.code != 2 {
		t.Errorf("bad flag value: exit %d, want 2", r.code)
	}
	if r := dashvet(t, dir, "-nosuchflag", "./app"); r.code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", r.code)
	}
	if r := dashvet(t, dir, "./nosuchpkg"); r.code != 2 {
		t.Errorf("missing package: exit %d, want 2\n%s", r.code, r.stderr)
	}

	// A type error is a load error: exit 2 in every format, never clean.
	dir = newModule(t)
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package broken\n\nfunc f() int { return \"not an int\" }\n"
	if err := os.WriteFile(filepath.Join(broken, "broken.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "github", "rdjson"} {
		r := dashvet(t, dir, "-format="+format, "./broken")
		if r.code != 2 || !strings.Contains(r.stderr, "broken.go:3") {
			t.Errorf("-format=%s on a type error: exit %d, want 2, stderr:\n%s", format, r.code, r.stderr)
		}
		if format == "json" {
			var rep report.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Errors) == 0 || rep.Errors[0].Kind != report.KindLoad {
				t.Errorf("-format=json on a type error: want a load error in the report, got %v %+v", err, rep.Errors)
			}
		}
	}
	if r := dashvet(t, dir, "./broken"); strings.Contains(r.stdout, "no findings") {
		t.Errorf("a run with a load error reads as clean:\n%s", r.stdout)
	}
}
