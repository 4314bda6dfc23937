// Package cli is dashvet's standalone command: it loads the packages and
// runs the analyzers in this process (analyze.go), and reports the
// findings in the chosen format, optionally only those on lines changed
// since a revision, or applies their suggested fixes.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"golang.org/x/tools/go/analysis"
)

// Exit codes of the standalone command. They are part of its interface:
// CI gates depend on them.
const (
	ExitClean    = 0 // analysed everything, no findings
	ExitFindings = 1 // at least one finding (after -new-from filtering)
	ExitError    = 2 // usage, load, type or analysis error: never "clean"
)

// Env is what the command reads from and writes to, so that tests can run
// it in-process as well as through the built binary.
type Env struct {
	Stdout, Stderr io.Writer
	Dir            string              // working directory; "" for the process's
	Getenv         func(string) string // os.Getenv when nil
	IsTerminal     func(io.Writer) bool
}

func (e *Env) getenv(k string) string {
	if e.Getenv != nil {
		return e.Getenv(k)
	}
	return os.Getenv(k)
}

func (e *Env) isTerminal(w io.Writer) bool {
	if e.IsTerminal != nil {
		return e.IsTerminal(w)
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// options are the parsed command-line flags.
type options struct {
	format       string
	color        string
	newFromRev   string
	newFromPatch string
	fix, diff    bool
	list         bool
	version      bool
	tests        bool
	tags         string
}

// errUsage marks errors that are the user's invocation, already explained.
var errUsage = errors.New("usage error")

// Run runs the standalone command with the given arguments (without the
// program name) and returns its exit code.
func Run(ctx context.Context, args []string, analyzers []*analysis.Analyzer, env *Env) int {
	if env.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			fmt.Fprintf(env.Stderr, "dashvet: %v\n", err)
			return ExitError
		}
		env.Dir = wd
	}
	if len(args) > 0 && args[0] == "help" {
		return help(env, analyzers, args[1:])
	}

	fs := flag.NewFlagSet("dashvet", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var o options
	fs.StringVar(&o.format, "format", "text", "output format: text, json, sarif, github or rdjson (reviewdog)")
	fs.StringVar(&o.color, "color", "auto", "color the text output: auto (if a terminal and NO_COLOR is unset), always or never")
	fs.StringVar(&o.newFromRev, "new-from-rev", "", "report only findings on lines added or changed since this git revision")
	fs.StringVar(&o.newFromPatch, "new-from-patch", "", "report only findings on lines added by this unified diff file")
	fs.BoolVar(&o.fix, "fix", false, "apply the suggested fixes, then report the findings left")
	fs.BoolVar(&o.diff, "diff", false, "print the suggested fixes as a unified diff instead of applying them")
	fs.BoolVar(&o.list, "list", false, "list the analyzers and exit")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.tests, "test", true, "also analyze test files")
	fs.StringVar(&o.tags, "tags", "", "comma-separated build tags")
	af := registerAnalyzerFlags(fs, analyzers)
	fs.Usage = func() { usage(fs.Output(), fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean
		}
		return ExitError // flag has printed the error and the usage
	}

	switch {
	case o.version:
		fmt.Fprintf(env.Stdout, "dashvet %s\n", Version())
		return ExitClean
	case o.list:
		list(env.Stdout, analyzers)
		return ExitClean
	}
	if err := o.validate(); err != nil {
		fmt.Fprintf(env.Stderr, "dashvet: %v\n", err)
		return ExitError
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	selected := af.selected(analyzers)
	if len(selected) == 0 {
		fmt.Fprintln(env.Stderr, "dashvet: every analyzer is disabled; nothing to do")
		return ExitError
	}
	return run(ctx, env, o, patterns, af.args, selected)
}

func (o *options) validate() error {
	switch o.format {
	case "text", "json", "sarif", "github", "rdjson":
	default:
		return fmt.Errorf("-format=%s: want text, json, sarif, github or rdjson", o.format)
	}
	switch o.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("-color=%s: want auto, always or never", o.color)
	}
	if o.newFromRev != "" && o.newFromPatch != "" {
		return fmt.Errorf("-new-from-rev and -new-from-patch are mutually exclusive")
	}
	if o.diff && o.format != "text" {
		return fmt.Errorf("-diff prints a patch; it cannot be combined with -format=%s", o.format)
	}
	return nil
}

const usageText = `dashvet reports the rerun model's production failures in dash apps.

Usage:
  dashvet [flags] [packages]          analyze packages (default ".")
  dashvet -list                       list the analyzers
  dashvet help NAME                   describe an analyzer and its flags
  go vet -vettool=$(which dashvet) [packages]

Exit status: 0 no findings, 1 findings, 2 usage, load or analysis error.
`

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageText+"\nFlags:\n")
	fs.PrintDefaults()
}

// colorEnabled decides whether text output to w is colored.
func colorEnabled(env *Env, mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	// https://no-color.org: any non-empty NO_COLOR disables color.
	if env.getenv("NO_COLOR") != "" || env.getenv("TERM") == "dumb" {
		return false
	}
	return env.isTerminal(w)
}

func trimTitle(a *analysis.Analyzer) string {
	title, _, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimSpace(strings.TrimPrefix(title, a.Name+":"))
}
