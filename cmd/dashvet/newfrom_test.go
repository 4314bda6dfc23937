package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// initGit makes dir a git repository with everything committed.
func initGit(t *testing.T, dir string) {
	t.Helper()
	if err := commitAll(dir); err != nil {
		t.Fatal(err)
	}
}

// commitAll makes dir a git repository with everything committed.
func commitAll(dir string) error {
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "-m", "base"},
	} {
		if out, err := gitCmd(dir, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("git %v in %s: %v\n%s", args, dir, err, out)
		}
	}
	return nil
}

// gitCmd is git in dir, isolated from the user's configuration.
func gitCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	return cmd
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := gitCmd(dir, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// newFinding adds a function with one new stateinit finding to the app
// package and returns its file and line.
func addNewFinding(t *testing.T, dir string) want {
	t.Helper()
	name := filepath.Join(dir, "app", "settings.go")
	src := `package app

import "github.com/dashvet/dashvet/dash"

// Settings is a page added by the change under review.
func Settings(ui *dash.UI) {
	ui.State().Set("theme", "dark") // MISTAKE(stateinit): new in this change
}
`
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return want{"app/settings.go", lineOf(t, dir, "app/settings.go", "MISTAKE(stateinit)"), "stateinit"}
}

// TestNewFromRev: the old findings are committed; the change adds one
// finding in a new, committed file, and -new-from-rev reports only it.
func TestNewFromRev(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	initGit(t, dir)
	base := strings.TrimSpace(gitIn(t, dir, "rev-parse", "HEAD"))
	if r := dashvet(t, dir, "-new-from-rev="+base, "./..."); r.code != 0 {
		t.Fatalf("no change since base: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}

	nw := addNewFinding(t, dir)
	// Also change an old line's neighbour: a finding on an unchanged line
	// next to a changed one stays old.
	appFile := filepath.Join(dir, "app", "app.go")
	src := strings.Replace(readFile(t, appFile), "\tui.Table(sales)\n", "\tui.Table(sales) // shown as a table\n", 1)
	if err := os.WriteFile(appFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "change")

	for _, args := range [][]string{
		{"-new-from-rev=" + base},
		{"-new-from-rev=HEAD~1"},
	} {
		r := dashvet(t, dir, append(append(args, "-format=json"), "./...")...)
		if r.code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, r.code, r.stderr)
		}
		sameWants(t, strings.Join(args, " "), jsonWants(t, r.stdout), []want{nw})
	}
	// The whole run still sees the old findings.
	if r := dashvet(t, dir, "-format=json", "./..."); len(jsonWants(t, r.stdout)) != len(allWants(t, dir)) {
		t.Errorf("without -new-from-rev: %d findings, want %d", len(jsonWants(t, r.stdout)), len(allWants(t, dir)))
	}
}

// TestNewFromRevUntracked: a file not yet added to git is new in whole.
func TestNewFromRevUntracked(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	initGit(t, dir)
	nw := addNewFinding(t, dir)
	r := dashvet(t, dir, "-new-from-rev=HEAD", "-format=json", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	sameWants(t, "untracked file", jsonWants(t, r.stdout), []want{nw})
	// The findings filtered out are counted, so that a gate with no new
	// finding does not read as clean code.
	hid := fmt.Sprintf("dashvet: -new-from-rev hid %d older findings", len(allWants(t, dir))-1)
	if !strings.Contains(r.stderr, hid) {
		t.Errorf("stderr does not say %q:\n%s", hid, r.stderr)
	}

	r = dashvet(t, dir, "-new-from-rev=nosuchrev", "./...")
	if want := `dashvet: -new-from-rev: "nosuchrev" is not a commit`; r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("bad revision: exit %d, want 2 and %q\n%s", r.code, want, r.stderr)
	}
}

func TestNewFromPatch(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	initGit(t, dir)
	nw := addNewFinding(t, dir)
	gitIn(t, dir, "add", "-A")
	patch := filepath.Join(t.TempDir(), "change.patch")
	if err := os.WriteFile(patch, []byte(gitIn(t, dir, "diff", "--cached")), 0o644); err != nil {
		t.Fatal(err)
	}
	r := dashvet(t, dir, "-new-from-patch="+patch, "-format=json", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	sameWants(t, "-new-from-patch", jsonWants(t, r.stdout), []want{nw})

	if r := dashvet(t, dir, "-new-from-patch="+patch, "-new-from-rev=HEAD", "./..."); r.code != 2 {
		t.Errorf("both -new-from flags: exit %d, want 2", r.code)
	}
}

func jsonWants(t *testing.T, out string) []want {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var ws []want
	for _, f := range rep.Findings {
		ws = append(ws, want{f.Pos.File, f.Pos.Line, f.Analyzer})
	}
	return ws
}
