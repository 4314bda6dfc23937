package golangci

import (
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

func names(t *testing.T, p register.LinterPlugin) []string {
	t.Helper()
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, a := range as {
		ns = append(ns, a.Name)
	}
	return ns
}

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin("dashvet")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(nil) // no settings: every analyzer
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range all.Analyzers() {
		want = append(want, a.Name)
	}
	if got := names(t, p); !slices.Equal(got, want) {
		t.Errorf("analyzers %v, want %v", got, want)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q", p.GetLoadMode())
	}
}

func TestEnableDisable(t *testing.T) {
	p, err := New(map[string]any{"enable": []any{"stateinit", "uncachedcall"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, p); !slices.Equal(got, []string{"uncachedcall", "stateinit"}) {
		t.Errorf("enable: %v", got)
	}
	p, err = New(map[string]any{"disable": []any{"bindaddr"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, p); slices.Contains(got, "bindaddr") || len(got) != len(all.Analyzers())-1 {
		t.Errorf("disable: %v", got)
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"unknown key", map[string]any{"enabled": []any{"stateinit"}}, "unknown field"},
		{"unknown analyzer", map[string]any{"disable": []any{"nosuch"}}, `unknown analyzer "nosuch"`},
		{"both lists", map[string]any{"enable": []any{"stateinit"}, "disable": []any{"bindaddr"}}, "not both"},
		{"all disabled", map[string]any{"disable": []any{"uncachedcall", "rerunresource", "stateinit", "cacheserial", "bindaddr"}}, "every analyzer is disabled"},
		{"wrong type", map[string]any{"sinks": "example.com/a.F"}, "cannot unmarshal"},
		{"bad flag name", map[string]any{"flags": map[string]any{"sinks": "x"}}, "want analyzer.flag"},
		{"unknown flag", map[string]any{"flags": map[string]any{"stateinit.nosuch": "x"}}, `no flag "nosuch"`},
		{"bad sink", map[string]any{"sinks": []any{"not a function"}}, "uncachedcall.sinks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.settings)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%v): error %v, want one containing %q", tc.settings, err, tc.want)
			}
		})
	}
}

func TestSinks(t *testing.T) {
	if _, err := New(map[string]any{"sinks": []any{"example.com/billing.(*Client).Invoice", "example.com/billing.Charge"}}); err != nil {
		t.Fatal(err)
	}
	got := uncachedcall.Analyzer.Flags.Lookup("sinks").Value.String()
	for _, s := range []string{"example.com/billing.(*Client).Invoice", "example.com/billing.Charge"} {
		if !strings.Contains(got, s) {
			t.Errorf("uncachedcall.sinks = %q, lacks %s", got, s)
		}
	}
}
