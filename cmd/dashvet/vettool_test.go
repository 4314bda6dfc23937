package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// vetJSON is the JSON that `go vet -json` prints per package:
// package ID -> analyzer -> diagnostics.
type vetJSON map[string]map[string][]vetDiag

// vetDiag is one diagnostic of `go vet -json`.
type vetDiag struct {
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename   string `json:"filename"`
			Start, End int
			New        string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

// eachVetDiag calls f for every diagnostic in the output of `go vet -json`.
func eachVetDiag(t *testing.T, out string, f func(analyzer string, d vetDiag)) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var v vetJSON
		if err := dec.Decode(&v); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("decoding go vet -json output: %v\n%s", err, out)
		}
		for _, byAnalyzer := range v {
			for analyzer, diags := range byAnalyzer {
				for _, d := range diags {
					f(analyzer, d)
				}
			}
		}
	}
}

func TestVetToolJSON(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := goVet(t, dir, "-vettool="+dashvetBin, "-json", "./...")
	if r.code != 0 { // with -json, vet reports findings as data, not failure
		t.Fatalf("go vet -json: exit %d\n%s", r.code, r.stderr)
	}
	var got []want
	sawFix := false
	eachVetDiag(t, r.stdout, func(analyzer string, d vetDiag) {
		file, line := splitPosn(t, dir, d.Posn)
		got = append(got, want{file, line, analyzer})
		if d.Message == "" {
			t.Errorf("%s: empty message", d.Posn)
		}
		if analyzer == "stateinit" && strings.Contains(d.Message, "State.Set") {
			sawFix = sawFix || len(d.SuggestedFixes) > 0 && len(d.SuggestedFixes[0].Edits) > 0
		}
	})
	sameWants(t, "go vet -vettool -json", got, allWants(t, dir))
	if !sawFix {
		t.Errorf("go vet -json: the stateinit finding carries no suggested fix")
	}
}

func TestVetToolText(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := goVet(t, dir, "-vettool="+dashvetBin, "./...")
	if r.code != 1 {
		t.Fatalf("go vet with findings: exit %d, want 1\n%s", r.code, r.stderr)
	}
	// vet prints "file:line:col: message" without the analyzer name, so
	// compare positions.
	var got, wantPos []string
	for line := range strings.Lines(r.stderr) {
		if m := vetLineRE.FindStringSubmatch(line); m != nil {
			got = append(got, filepath.ToSlash(m[1])+":"+m[2])
		}
	}
	for _, w := range allWants(t, dir) {
		wantPos = append(wantPos, w.file+":"+strconv.Itoa(w.line))
	}
	// The chain through store.Sales comes with the helper's declaration as
	// related information.
	if !strings.Contains(r.stderr, "\tstep 1 of the chain: store.Sales") {
		t.Errorf("go vet -vettool: no related information for the chain through store.Sales\n%s", r.stderr)
	}
	if strings.Join(sorted(got), "\n") != strings.Join(sorted(wantPos), "\n") {
		t.Errorf("go vet -vettool: positions differ\ngot:\n%s\nwant:\n%s\nstderr:\n%s", strings.Join(sorted(got), "\n"), strings.Join(sorted(wantPos), "\n"), r.stderr)
	}
}

// vetLineRE matches a finding of go vet's text output; related information
// follows its finding as "file:line:col: \tmessage" and is not matched.
var vetLineRE = regexp.MustCompile(`^(?:\./)?([^#\s][^:]*\.go):(\d+):\d+: [^\t]`)

func TestVetToolAnalyzerFlags(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	// Like vet: naming analyzers runs only those.
	r := goVet(t, dir, "-vettool="+dashvetBin, "-stateinit", "-json", "./...")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, `"uncachedcall"`) || !strings.Contains(r.stdout, `"stateinit"`) {
		t.Errorf("go vet -stateinit: want only stateinit findings, got\n%s", r.stdout)
	}
}

func TestVetToolFixDiff(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	appFile := filepath.Join(dir, "app", "app.go")
	before := readFile(t, appFile)

	r := goVet(t, dir, "-vettool="+dashvetBin, "-fix", "-diff", "./app")
	if !strings.Contains(r.stdout, `-	ui.State().Set("count", 0)`) || !strings.Contains(r.stdout, `+	ui.State().SetDefault("count", 0)`) {
		t.Errorf("go vet -fix -diff: want the SetDefault fix as a diff, got exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := readFile(t, appFile); got != before {
		t.Errorf("go vet -fix -diff changed %s", appFile)
	}

	r = goVet(t, dir, "-vettool="+dashvetBin, "-fix", "./app")
	if r.code != 0 {
		t.Fatalf("go vet -fix: exit %d\n%s", r.code, r.stderr)
	}
	after := readFile(t, appFile)
	if !strings.Contains(after, `ui.State().SetDefault("count", 0)`) || strings.Contains(after, `ui.State().Set("count", 0)`) {
		t.Errorf("go vet -fix did not apply the SetDefault fix:\n%s", after)
	}
}

// vetMu lets one go vet run at a time. Run side by side, each would
// compile and vet the same dependencies, which the build cache shares
// only once one of them has finished: on a fresh machine, four times the
// work of one.
var vetMu sync.Mutex

// goVet runs go vet in dir with the given arguments (dashvet as its
// vettool among them), built like the test binary (with -race or not).
func goVet(t *testing.T, dir string, args ...string) result {
	t.Helper()
	vetMu.Lock()
	defer vetMu.Unlock()
	pre := []string{"vet"}
	if raceBuild {
		pre = append(pre, "-race")
	}
	return run(t, dir, nil, "go", append(pre, args...)...)
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// splitPosn splits "file:line:col" into a module-relative file and line.
func splitPosn(t *testing.T, dir, posn string) (string, int) {
	t.Helper()
	m := regexp.MustCompile(`^(.*):(\d+):(\d+)$`).FindStringSubmatch(posn)
	if m == nil {
		t.Fatalf("bad position %q", posn)
	}
	line, _ := strconv.Atoi(m[2])
	file := m[1]
	if rel, err := filepath.Rel(dir, file); err == nil && filepath.IsLocal(rel) {
		file = rel
	}
	return filepath.ToSlash(file), line
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	slices.Sort(s)
	return s
}
