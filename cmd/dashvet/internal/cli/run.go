package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/diffscope"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/fix"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/output"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/sarif"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

func run(ctx context.Context, env *Env, o options, patterns, analyzerArgs []string, analyzers []*analysis.Analyzer) int {
	// Work out the scope before the (slow) analysis, so a bad revision or
	// patch fails fast.
	var scope *diffscope.Scope
	switch {
	case o.newFromRev != "":
		s, err := diffscope.FromRev(ctx, env.Dir, o.newFromRev)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dashvet: -new-from-rev: %v\n", err)
			return ExitError
		}
		scope = s
	case o.newFromPatch != "":
		s, err := patchScope(ctx, env.Dir, o.newFromPatch)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dashvet: -new-from-patch: %v\n", err)
			return ExitError
		}
		scope = s
	}

	src := new(source.Files)
	req := request{patterns: patterns, tags: o.tags, tests: o.tests, analyzerArgs: analyzerArgs}
	res, err := analyze(ctx, env, req, analyzers, src)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dashvet: %v\n", err)
		return ExitError
	}
	findings := res.findings
	hidden := 0
	if scope != nil {
		before := len(findings)
		findings = slices.DeleteFunc(findings, func(f report.Finding) bool {
			return !scope.Contains(f.Pos.File, f.Pos.Line)
		})
		hidden = before - len(findings)
	}

	code := ExitClean
	if o.fix || o.diff {
		left, changed, ok := applyFixes(env, o.diff, findings)
		if !ok {
			code = ExitError
		}
		if o.diff {
			// Like `go vet -diff`: the patch is the whole output, and a
			// non-empty one fails, so CI can check that fixes are applied.
			switch {
			case code == ExitError || len(res.errors) > 0:
				return ExitError
			case changed:
				return ExitFindings
			}
			return ExitClean
		}
		findings = left
	}

	if err := write(ctx, env, o, analyzers, findings, res, src); err != nil {
		fmt.Fprintf(env.Stderr, "dashvet: writing output: %v\n", err)
		return ExitError
	}
	if hidden > 0 {
		// Without this, a gate that filtered out every old finding reads
		// "no findings", as if the code were clean. On stderr, so that
		// the machine-readable formats stay as they are.
		fmt.Fprintf(env.Stderr, "dashvet: %s hid %s on lines not changed; run without it to see them\n",
			scopeFlag(o), plural(hidden, "older finding"))
	}
	switch {
	case len(res.errors) > 0 || code == ExitError:
		return ExitError
	case len(findings) > 0:
		return ExitFindings
	}
	return ExitClean
}

func errorText(dir string, e report.Error) string {
	msg := e.Kind + " error: " + e.Message
	if e.Pos != nil {
		p := output.Rel(dir, e.Pos.File)
		if e.Pos.Line > 0 {
			p = fmt.Sprintf("%s:%d", p, e.Pos.Line)
			if e.Pos.Column > 0 {
				p = fmt.Sprintf("%s:%d", p, e.Pos.Column)
			}
		}
		msg = p + ": " + msg
	} else if e.Package != "" {
		msg += " (package " + e.Package + ")"
	}
	return msg
}

func patchScope(ctx context.Context, dir, name string) (*diffscope.Scope, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Patches made by git name files relative to the repository root;
	// outside a repository, relative to the working directory.
	root, err := diffscope.RepoRoot(ctx, dir)
	if err != nil {
		root = dir
	}
	return diffscope.Parse(f, root)
}

// repoRoot is the root that SARIF and GitHub annotations are relative to.
func repoRoot(ctx context.Context, dir string) string {
	if root, err := diffscope.RepoRoot(ctx, dir); err == nil {
		return root
	}
	return dir
}

func write(ctx context.Context, env *Env, o options, analyzers []*analysis.Analyzer, findings []report.Finding, res *result, src *source.Files) error {
	if findings == nil {
		findings = []report.Finding{}
	}
	errs := res.errors
	if errs == nil {
		errs = []report.Error{}
	}
	switch o.format {
	case "json":
		return output.JSON(env.Stdout, report.Report{
			Version:  report.Version,
			Tool:     report.Tool{Name: "dashvet", Version: Version()},
			Findings: findings,
			Errors:   errs,
		}, env.Dir)
	case "sarif":
		log := sarif.Build(sarif.Input{
			Analyzers: analyzers,
			Findings:  findings,
			Errors:    errs,
			Root:      repoRoot(ctx, env.Dir),
			Version:   Version(),
			Sources:   src,
		})
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(log); err != nil {
			return err
		}
		_, err := env.Stdout.Write(buf.Bytes())
		return err
	case "github":
		return output.GitHub(env.Stdout, findings, repoRoot(ctx, env.Dir))
	case "rdjson":
		return output.RDJSON(env.Stdout, findings, repoRoot(ctx, env.Dir))
	}
	packages := 0
	if len(findings) == 0 && len(errs) == 0 {
		packages = res.packages // only a clean summary names them
	}
	return output.Text(env.Stdout, findings, env.Dir, packages, len(errs), colorEnabled(env, o.color, env.Stdout))
}

// applyFixes applies (or, with diffOnly, prints as a patch) the first
// suggested fix of every finding. It returns the findings left (those
// without a fix or whose fix conflicted with another), whether any file
// changes, and ok false when a file could not be fixed.
func applyFixes(env *Env, diffOnly bool, findings []report.Finding) (left []report.Finding, changed, ok bool) {
	var fixes []fix.Fix
	var owner []int // fixes[i] belongs to findings[owner[i]]
	fixed := make([]bool, len(findings))
	for i, f := range findings {
		if len(f.Fixes) == 0 {
			continue
		}
		fx := fix.Fix{Name: fmt.Sprintf("%s at %s:%d", f.Analyzer, output.Rel(env.Dir, f.Pos.File), f.Pos.Line)}
		for _, e := range f.Fixes[0].Edits {
			fx.Edits = append(fx.Edits, fix.Edit{File: e.Pos.File, Start: e.Pos.Offset, End: e.End.Offset, New: e.NewText})
		}
		fixes = append(fixes, fx)
		owner = append(owner, i)
		fixed[i] = true
	}
	plan := fix.Plan(fixes, os.ReadFile)
	for _, i := range plan.Skipped {
		fixed[owner[i]] = false
		fmt.Fprintf(env.Stderr, "dashvet: fix for %s conflicts with another fix; run dashvet -fix again to apply it\n", fixes[i].Name)
	}
	ok = len(plan.Errors) == 0
	for _, err := range plan.Errors {
		fmt.Fprintf(env.Stderr, "dashvet: %v\n", err)
	}
	for i, f := range findings {
		if !fixed[i] {
			left = append(left, f)
		}
	}
	changed = len(plan.Files) > 0
	if diffOnly {
		for _, name := range sortedKeys(plan.Files) {
			c := plan.Files[name]
			if err := fix.Unified(env.Stdout, output.Rel(env.Dir, name), c.Old, c.New); err != nil {
				fmt.Fprintf(env.Stderr, "dashvet: writing diff: %v\n", err)
				ok = false
			}
		}
		return left, changed, ok
	}
	if err := plan.Write(); err != nil {
		fmt.Fprintf(env.Stderr, "dashvet: %v\n", err)
		return findings, changed, false
	}
	if plan.Applied > 0 {
		fmt.Fprintf(env.Stderr, "dashvet: applied %s to %s\n", plural(plan.Applied, "fix"), plural(len(plan.Files), "file"))
	}
	return left, changed, ok
}

func sortedKeys(m map[string]fix.Change) []string {
	return slices.Sorted(maps.Keys(m))
}

// scopeFlag names the flag that restricted the findings to new lines.
func scopeFlag(o options) string {
	if o.newFromPatch != "" {
		return "-new-from-patch"
	}
	return "-new-from-rev"
}

// plural returns "1 fix", "2 fixes", "3 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") || strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
