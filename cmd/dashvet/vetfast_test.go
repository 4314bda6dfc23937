package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/vetfast"
)

// TestSameVetx checks the fast path against unitchecker, whose private
// vetx format it writes: go vet runs with the fast path off and keeps its
// work directory; for every dependency vetted only for facts that the fast
// path would answer, its vetx file must be byte for byte the one
// unitchecker wrote.
func TestSameVetx(t *testing.T) {
	t.Parallel()
	if !vetfast.Enabled() {
		t.Fatal("the vet fast path is off in this build: golang.org/x/tools is not the version its vetx format was checked against; " +
			"check unitchecker's writeVetxFile and update vetfast.checkedTools")
	}
	relevance := vetfast.Relevance(all.Analyzers())
	if relevance == nil {
		t.Fatal("no analyzer's fact type offers MayExportFacts (analyzers/internal/rerun/relevance.go): the fast path can never run")
	}
	// An extra sink in a package that does not exist changes nothing but
	// the vet action's cache key, so that go vet runs every package now
	// rather than replay cached results without writing their configs.
	nonce := fmt.Sprintf("-uncachedcall.sinks=example.com/nonce%d.F", time.Now().UnixNano())
	// The target is a third-party package with a small graph (70
	// packages, std and one package of its own module, none with facts):
	// every vetx the fast path writes has the same shape, and a dash app's
	// 300 dependencies would take a minute of unitchecker runs to say the
	// same.
	args := []string{"vet", "-work", "-json", "-vettool=" + dashvetBin, nonce, "github.com/BurntSushi/toml"}
	if raceBuild {
		args = slices.Insert(args, 1, "-race")
	}
	vetMu.Lock()
	cmd := exec.Command("go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "DASHVET_VETFAST=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	vetMu.Unlock()
	if err != nil {
		t.Fatalf("go vet: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`(?m)^WORK=(.+)$`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("go vet -work printed no WORK=:\n%s", stderr.String())
	}
	work := m[1]
	t.Cleanup(func() { os.RemoveAll(work) })

	cfgs, err := filepath.Glob(filepath.Join(work, "*", "vet.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	fast, full := 0, 0
	for _, name := range cfgs {
		var cfg struct {
			ImportPath, VetxOutput, Stdout string
			VetxOnly                       bool
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !cfg.VetxOnly {
			continue
		}
		want, err := os.ReadFile(cfg.VetxOutput)
		if err != nil {
			t.Fatalf("%s: unitchecker's vetx: %v", cfg.ImportPath, err)
		}
		// The same config, writing elsewhere.
		dir := t.TempDir()
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		raw["VetxOutput"] = filepath.Join(dir, "vet.out")
		raw["Stdout"] = filepath.Join(dir, "vet.stdout")
		data, err = json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		cfgFile := filepath.Join(dir, "vet.cfg")
		if err := os.WriteFile(cfgFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ok, err := vetfast.Try([]string{"-json", cfgFile}, relevance)
		if err != nil {
			t.Errorf("%s: %v", cfg.ImportPath, err)
			continue
		}
		if !ok {
			full++
			t.Logf("%s: left to unitchecker", cfg.ImportPath)
			continue
		}
		fast++
		got, err := os.ReadFile(filepath.Join(dir, "vet.out"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the fast path's vetx (%d bytes) differs from unitchecker's (%d bytes)", cfg.ImportPath, len(got), len(want))
		}
	}
	t.Logf("%d dependencies answered by the fast path, %d left to unitchecker", fast, full)
	// Nothing in this graph has facts: all but the packages using cgo (net,
	// runtime/cgo), whose declarations do not check without cgo's
	// generated files and which the fast path so leaves to unitchecker,
	// take it.
	if fast < 50 || full > fast/10 {
		t.Errorf("%d dependencies took the fast path and %d did not; want nearly all of them, at least 50", fast, full)
	}
}
