package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"golang.org/x/tools/go/analysis"
)

// list prints the analyzers, one a line, with their titles.
func list(w io.Writer, analyzers []*analysis.Analyzer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, a := range analyzers {
		fmt.Fprintf(tw, "%s\t%s\n", a.Name, trimTitle(a))
	}
	tw.Flush()
}

// help prints the documentation of the named analyzers, or the usage.
func help(env *Env, analyzers []*analysis.Analyzer, names []string) int {
	if len(names) == 0 {
		fmt.Fprint(env.Stdout, usageText+"\nAnalyzers:\n")
		list(env.Stdout, analyzers)
		fmt.Fprintln(env.Stdout, "\nRun 'dashvet -h' for the flags, 'dashvet help NAME' for an analyzer.")
		return ExitClean
	}
	code := ExitClean
	for i, name := range names {
		a := find(analyzers, name)
		if a == nil {
			fmt.Fprintf(env.Stderr, "dashvet: no analyzer %q (run dashvet -list)\n", name)
			code = ExitError
			continue
		}
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		fmt.Fprintln(env.Stdout, strings.TrimSpace(a.Doc))
		if a.URL != "" {
			fmt.Fprintf(env.Stdout, "\nDocumentation: %s\n", a.URL)
		}
		var flags []string
		a.Flags.VisitAll(func(f *flag.Flag) {
			flags = append(flags, fmt.Sprintf("  -%s.%s\n    \t%s (default %q)", a.Name, f.Name, f.Usage, f.DefValue))
		})
		if len(flags) > 0 {
			fmt.Fprintf(env.Stdout, "\nFlags:\n%s\n", strings.Join(flags, "\n"))
		}
	}
	return code
}

func find(analyzers []*analysis.Analyzer, name string) *analysis.Analyzer {
	for _, a := range analyzers {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Version returns dashvet's version: the module version it was built at
// (for `go install ...@vX`), else "(devel)", plus the VCS revision when
// the build recorded one.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if rev != "" && v == "(devel)" {
		v += " " + rev[:min(12, len(rev))] + modified
	}
	return v + " " + bi.GoVersion
}
