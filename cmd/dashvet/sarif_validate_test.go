package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSARIFMultitoolValidates checks dashvet's SARIF with Microsoft's SARIF
// Multitool (`validate`: the JSON schema plus the SARIF rules GitHub code
// scanning relies on), and requires no error and no warning. The Multitool
// is a .NET program shipped in the npm package
// @microsoft/sarif-multitool-linux; .ci/run installs it and sets
// DASHVET_SARIF_MULTITOOL to its executable.
func TestSARIFMultitoolValidates(t *testing.T) {
	tool := os.Getenv("DASHVET_SARIF_MULTITOOL")
	if tool == "" {
		t.Skip("DASHVET_SARIF_MULTITOOL is not set: `npm install @microsoft/sarif-multitool-linux` and point it at node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
	}
	dir := sharedModule(t)
	r := dashvet(t, dir, "-format=sarif", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	in := filepath.Join(t.TempDir(), "dashvet.sarif")
	if err := os.WriteFile(in, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "validation.sarif")
	cmd := exec.Command(tool, "validate", in, "-o", out)
	// The Multitool needs ICU unless told to use the invariant culture.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, b)
	}
	// The validator's verdict is itself a SARIF log: one result per
	// problem found in ours.
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var verdict struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &verdict); err != nil || len(verdict.Runs) != 1 {
		t.Fatalf("reading the validator's log: %v (%d runs)", err, len(verdict.Runs))
	}
	for _, res := range verdict.Runs[0].Results {
		t.Errorf("%s (%s): %s", res.RuleID, res.Level, res.Message.Text)
	}
}
