package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/sarif"
)

func TestSARIF(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	r := dashvet(t, dir, "-format=sarif", "./...")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	log := decodeSARIF(t, r.stdout)
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("log header: version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]

	// One rule per analyzer, each fully described.
	drv := run.Tool.Driver
	// SARIF2005 wants a version that starts with a digit (a pseudo-version
	// or "0.0.0-devel" for the test binary); FullName says what it was.
	if drv.Name != "dashvet" || drv.Version == "" || drv.Version[0] < '0' || drv.Version[0] > '9' ||
		!strings.HasPrefix(drv.FullName, "dashvet ") {
		t.Errorf("driver: %+v", drv)
	}
	analyzers := all.Analyzers()
	if len(drv.Rules) != len(analyzers) {
		t.Fatalf("%d rules, want %d", len(drv.Rules), len(analyzers))
	}
	for i, a := range analyzers {
		rule := drv.Rules[i]
		if rule.ID != a.Name || rule.ShortDescription.Text == "" || rule.FullDescription.Text != a.Doc ||
			!strings.Contains(rule.Help.Text, a.Doc) || rule.HelpURI != a.URL || a.URL == "" {
			t.Errorf("rule %d: %+v", i, rule)
		}
		if strings.Contains(rule.ShortDescription.Text, "\n") {
			t.Errorf("rule %s: short description is not one line: %q", a.Name, rule.ShortDescription.Text)
		}
	}
	if base := run.OriginalURIBaseIDs[sarif.SrcRoot].URI; !strings.HasPrefix(base, "file:///") || !strings.HasSuffix(base, "/") {
		t.Errorf("originalUriBaseIds.SRCROOT = %q", base)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations: %+v", run.Invocations)
	}

	var got []want
	fingerprints := map[string]bool{}
	for _, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(drv.Rules) || drv.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s: ruleIndex %d does not name its rule", res.RuleID, res.RuleIndex)
		}
		if res.Level != "error" || res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result %+v", res)
			continue
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != sarif.SrcRoot || filepath.IsAbs(loc.ArtifactLocation.URI) || strings.Contains(loc.ArtifactLocation.URI, "..") {
			t.Errorf("artifact location %+v is not relative to SRCROOT", loc.ArtifactLocation)
		}
		reg := loc.Region
		if reg == nil || reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine < reg.StartLine ||
			reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn {
			t.Errorf("%s: bad region %+v", loc.ArtifactLocation.URI, reg)
			continue
		}
		got = append(got, want{loc.ArtifactLocation.URI, reg.StartLine, res.RuleID})
		fp := res.PartialFingerprints[sarif.FingerprintKey]
		if !regexp.MustCompile(`^[0-9a-f]{32}:\d+$`).MatchString(fp) || fingerprints[fp] {
			t.Errorf("%s:%d: fingerprint %q missing, malformed or repeated", loc.ArtifactLocation.URI, reg.StartLine, fp)
		}
		fingerprints[fp] = true
		for _, rel := range res.RelatedLocations {
			if rel.Message == nil || rel.Message.Text == "" || rel.PhysicalLocation.Region == nil || rel.ID == nil {
				t.Errorf("related location %+v lacks a message, region or id", rel)
			}
		}
		// A chain through a helper (entry → helper → sink) has the helper's
		// declaration as a related location, here in another package.
		if strings.Count(res.Message.Text, "→") >= 2 {
			if len(res.RelatedLocations) == 0 {
				t.Errorf("%s: chain %q has no related location", res.RuleID, res.Message.Text)
			} else if uri := res.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI; uri != "store/store.go" {
				t.Errorf("%s: first related location in %s, want store/store.go (the helper's declaration)", res.RuleID, uri)
			}
		}
	}
	sameWants(t, "dashvet -format=sarif", got, allWants(t, dir))

	// The region spans the reported expression: for the stateinit
	// finding, from "ui" to the end of the call.
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID != "stateinit" || loc.ArtifactLocation.URI != "app/app.go" {
			continue
		}
		line := strings.Split(readFile(t, filepath.Join(dir, "app", "app.go")), "\n")[loc.Region.StartLine-1]
		if span := line[loc.Region.StartColumn-1 : loc.Region.EndColumn-1]; span != `ui.State().Set("count", 0)` {
			t.Errorf("stateinit region covers %q", span)
		}
	}
}

// TestSARIFFingerprintsStable checks that inserting lines above the
// findings moves their regions but keeps their fingerprints, so code
// scanning keeps tracking the same alerts.
func TestSARIFFingerprintsStable(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	initGit(t, dir)
	before := fingerprintsByRule(t, decodeSARIF(t, dashvet(t, dir, "-format=sarif", "./app").stdout))

	appFile := filepath.Join(dir, "app", "app.go")
	src := readFile(t, appFile)
	src = strings.Replace(src, "var db *sql.DB\n", "var db *sql.DB\n\n// Unrelated lines shift the findings down.\nvar _ = 1\nvar _ = 2\n", 1)
	if err := os.WriteFile(appFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	after := fingerprintsByRule(t, decodeSARIF(t, dashvet(t, dir, "-format=sarif", "./app").stdout))
	if len(before) == 0 {
		t.Fatal("no results")
	}
	for rule, fp := range before {
		if after[rule] != fp {
			t.Errorf("%s: fingerprint changed from %s to %s after an unrelated edit", rule, fp, after[rule])
		}
	}
}

func fingerprintsByRule(t *testing.T, log *sarif.Log) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, res := range log.Runs[0].Results {
		m[res.RuleID+"@"+res.Locations[0].PhysicalLocation.ArtifactLocation.URI] = res.PartialFingerprints[sarif.FingerprintKey]
	}
	return m
}

func decodeSARIF(t *testing.T, s string) *sarif.Log {
	t.Helper()
	var log sarif.Log
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decoding SARIF: %v\n%s", err, s)
	}
	// The raw JSON too: required SARIF properties must be present even
	// when empty.
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"$schema", "version", "runs"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("SARIF lacks %q", k)
		}
	}
	return &log
}
