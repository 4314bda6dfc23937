package main

import (
	"encoding/json"
	"testing"
)

// TestRDJSON: -format=rdjson reports the marked findings, as reviewdog
// reads them (a DiagnosticResult, paths relative to the repository root,
// here the module, which is not in git), with the first fix as a
// suggestion.
func TestRDJSON(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := dashvet(t, dir, "-format=rdjson", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (findings)\n%s", r.code, r.stderr)
	}
	var res struct {
		Source      struct{ Name string }
		Diagnostics []struct {
			Message  string
			Severity string
			Location struct {
				Path  string
				Range struct{ Start struct{ Line, Column int } }
			}
			Code        struct{ Value string }
			Suggestions []struct{ Text string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("decoding rdjson: %v\n%s", err, r.stdout)
	}
	if res.Source.Name != "dashvet" {
		t.Errorf("source name %q, want dashvet", res.Source.Name)
	}
	var got []want
	suggestions := 0
	for _, d := range res.Diagnostics {
		got = append(got, want{d.Location.Path, d.Location.Range.Start.Line, d.Code.Value})
		if d.Severity != "ERROR" || d.Message == "" || d.Location.Range.Start.Column < 1 {
			t.Errorf("diagnostic %+v: want severity ERROR, a message and a column", d)
		}
		suggestions += len(d.Suggestions)
	}
	sameWants(t, "rdjson", got, allWants(t, dir))
	if suggestions == 0 {
		t.Error("no diagnostic carries a suggestion, though stateinit's findings have fixes")
	}
}
