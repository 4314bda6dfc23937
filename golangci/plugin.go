// Package golangci is dashvet's golangci-lint v2 module plugin. Importing
// it registers the "dashvet" linter; golangci-lint's `custom` command (or
// a build that blank-imports this package into cmd/golangci-lint) compiles
// it in. See docs/golangci-lint.md.
//
// The linter's settings (linters.settings.custom.dashvet.settings) are
// decoded strictly: an unknown key, analyzer or flag is an error, so a
// typo never silently disables a check.
package golangci

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/all"
)

func init() {
	register.Plugin("dashvet", New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Enable, when set, runs only the named analyzers.
	Enable []string `json:"enable"`
	// Disable names analyzers not to run.
	Disable []string `json:"disable"`
	// Sinks adds expensive calls for uncachedcall to report on the rerun
	// path: pkg/path.Func, pkg/path.(*T).Method or pkg/path.T.Method.
	Sinks []string `json:"sinks"`
	// Resources adds resource constructors for rerunresource, in the same
	// form.
	Resources []string `json:"resources"`
	// Flags sets any analyzer flag by its command-line name without the
	// dash, e.g. "uncachedcall.sinks": "example.com/store.Fetch".
	Flags map[string]string `json:"flags"`
}

// Plugin is the dashvet linter for golangci-lint.
type Plugin struct {
	analyzers []*analysis.Analyzer
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New decodes the settings and configures the analyzers.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("dashvet settings: %w", err)
	}
	analyzers, err := s.apply(all.Analyzers())
	if err != nil {
		return nil, fmt.Errorf("dashvet settings: %w", err)
	}
	for i, a := range analyzers {
		analyzers[i] = withoutRelated(a)
	}
	return &Plugin{analyzers: analyzers}, nil
}

// withoutRelated returns a copy of a whose findings carry no related
// information. golangci-lint turns every related location into an issue of
// its own ("uncachedcall(related information)"), which would double the
// findings and need nolint directives of their own; the chain is already in
// the message.
func withoutRelated(a *analysis.Analyzer) *analysis.Analyzer {
	c := *a
	run := a.Run
	c.Run = func(pass *analysis.Pass) (any, error) {
		report := pass.Report
		p := *pass
		p.Report = func(d analysis.Diagnostic) {
			d.Related = nil
			report(d)
		}
		return run(&p)
	}
	return &c
}

// BuildAnalyzers returns the configured analyzers.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

// GetLoadMode asks for type information: every dashvet analyzer
// recognises the dash API by type.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// apply selects the analyzers and sets their flags.
func (s Settings) apply(analyzers []*analysis.Analyzer) ([]*analysis.Analyzer, error) {
	byName := make(map[string]*analysis.Analyzer, len(analyzers))
	var names []string
	for _, a := range analyzers {
		byName[a.Name] = a
		names = append(names, a.Name)
	}
	for _, n := range slices.Concat(s.Enable, s.Disable) {
		if byName[n] == nil {
			return nil, fmt.Errorf("unknown analyzer %q (known: %s)", n, strings.Join(names, ", "))
		}
	}
	if len(s.Enable) > 0 && len(s.Disable) > 0 {
		return nil, fmt.Errorf("give enable or disable, not both")
	}

	flags := maps.Clone(s.Flags)
	if flags == nil {
		flags = make(map[string]string)
	}
	if len(s.Sinks) > 0 {
		flags["uncachedcall.sinks"] = joinFlag(flags["uncachedcall.sinks"], s.Sinks)
	}
	if len(s.Resources) > 0 {
		flags["rerunresource.resources"] = joinFlag(flags["rerunresource.resources"], s.Resources)
	}
	for _, k := range slices.Sorted(maps.Keys(flags)) {
		name, flagName, ok := strings.Cut(k, ".")
		a := byName[name]
		if !ok || a == nil {
			return nil, fmt.Errorf("flag %q: want analyzer.flag, with an analyzer among %s", k, strings.Join(names, ", "))
		}
		if a.Flags.Lookup(flagName) == nil {
			return nil, fmt.Errorf("flag %q: analyzer %s has no flag %q", k, name, flagName)
		}
		if err := a.Flags.Set(flagName, flags[k]); err != nil {
			return nil, fmt.Errorf("flag %q: %w", k, err)
		}
	}

	var keep []*analysis.Analyzer
	for _, a := range analyzers {
		if len(s.Enable) > 0 && !slices.Contains(s.Enable, a.Name) || slices.Contains(s.Disable, a.Name) {
			continue
		}
		keep = append(keep, a)
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("every analyzer is disabled")
	}
	return keep, nil
}

func joinFlag(existing string, items []string) string {
	if existing != "" {
		items = append([]string{existing}, items...)
	}
	return strings.Join(items, ",")
}
