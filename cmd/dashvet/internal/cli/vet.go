package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/progress"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// The standalone command does not load packages itself: it runs
//
//	go vet -vettool=<this executable> -json [flags] packages
//
// and reads the findings from vet's JSON. The go command then does what it
// does for vet: it type-checks each package once from its dependencies'
// export data, passes facts between packages in files, runs packages in
// parallel, and caches both the facts and the results in the build cache,
// so a second run over unchanged code costs little. Loading everything
// from source in one process, the alternative, took five times as long and
// ten times the memory on every run (docs/cli.md, "Performance").

// result is what one analysis run produced. File names are absolute.
type result struct {
	findings []report.Finding
	errors   []report.Error
	units    int // packages go vet analysed, test packages counted apart
}

// vetRequest says what go vet is to analyse, and how.
type vetRequest struct {
	patterns     []string
	tags         string
	analyzerArgs []string // -NAME[=bool] and -NAME.flag=value, as the user gave them
}

// goVet runs go vet with this executable as its vet tool. go vet's stderr
// (progress, and the load, build and type errors that make it fail) goes
// through to the user; a failure is also returned among the result's
// errors, so that no output format can read as clean.
func goVet(ctx context.Context, env *Env, req vetRequest, analyzers []*analysis.Analyzer, src *source.Files) (*result, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("dashvet runs go vet to analyse packages, but the go command is not on PATH: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this executable to use as go vet's -vettool: %w", err)
	}
	args := []string{"vet", "-vettool=" + self, "-json"}
	if req.tags != "" {
		args = append(args, "-tags="+req.tags)
	}
	args = append(args, req.analyzerArgs...)
	args = append(args, req.patterns...)

	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = env.Dir
	// On interrupt, let the go command stop its vet processes itself
	// (where interrupts cannot be sent, as on Windows, kill it).
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	userStderr := env.Stderr
	if env.isTerminal(env.Stderr) {
		// A cold run takes minutes; say what it is doing. Not when stderr
		// is a file or pipe (CI logs, tests): nothing extra there.
		d, entry, err := progress.Start(env.Stderr, progressDelay)
		if err == nil {
			defer d.Stop()
			cmd.Env = append(os.Environ(), entry)
			userStderr = d.Writer()
			go func() {
				if n, err := countUnits(ctx, env, req); err == nil {
					d.SetTotal(n)
				}
			}()
		}
	}
	cmd.Stderr = io.MultiWriter(userStderr, &stderr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("running go vet: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running go vet: %w", err)
	}

	urls := make(map[string]string, len(analyzers))
	for _, a := range analyzers {
		urls[a.Name] = a.URL
	}
	dec := &vetDecoder{dir: env.Dir, urls: urls, src: src}
	decodeErr := dec.decode(stdout)
	if decodeErr != nil {
		// Let go vet finish rather than block on a full pipe.
		_, _ = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()

	res := &result{findings: dec.sorted(), units: dec.units}
	// Analyzer failures are in the JSON, not on stderr: show them.
	for _, e := range dec.errors {
		fmt.Fprintf(env.Stderr, "dashvet: %s\n", errorText(env.Dir, e))
	}
	res.errors = dec.errors

	var exit *exec.ExitError
	switch {
	case errors.As(waitErr, &exit):
		// With -json, go vet fails only when it could not analyse:
		// findings alone exit 0.
		errs := goErrors(stderr.String(), env.Dir, filepath.Base(self))
		for _, e := range errs {
			if e.Pos != nil && e.Pos.Line > 0 {
				e.Pos.Offset, _ = src.Offset(e.Pos.File, e.Pos.Line, max(e.Pos.Column, 1))
			}
		}
		if len(errs) == 0 {
			errs = []report.Error{{Kind: report.KindLoad, Message: fmt.Sprintf("go vet failed (%v) without saying why", waitErr)}}
		}
		res.errors = append(res.errors, errs...)
	case waitErr != nil:
		return nil, fmt.Errorf("running go vet: %w", waitErr)
	case decodeErr != nil:
		return nil, decodeErr
	case res.units == 0:
		res.errors = append(res.errors, report.Error{
			Kind:    report.KindLoad,
			Message: fmt.Sprintf("go vet analysed no packages for %s", strings.Join(req.patterns, " ")),
		})
	}
	return res, nil
}

// countPackages returns how many packages the patterns name, for the
// summary of a clean run ("no findings in 3 packages"): go vet's output
// does not name a package without findings. `go list -find` only resolves
// the patterns, without loading imports, so it is quick.
func countPackages(ctx context.Context, env *Env, req vetRequest) (int, error) {
	args := []string{"list", "-find", "-f", "{{.ImportPath}}"}
	if req.tags != "" {
		args = append(args, "-tags="+req.tags)
	}
	args = append(args, req.patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = env.Dir
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("go list: %w", err)
	}
	return strings.Count(string(out), "\n"), nil
}

// progressDelay is how long a run goes before it shows progress: a warm
// run is done by then and prints nothing extra.
const progressDelay = 2 * time.Second

// countUnits returns how many packages go vet may analyse for the
// patterns: every dependency (for its facts) and every package with its
// test variants, without the generated test mains. Packages whose analysis
// is cached are counted but not run, so it is an upper bound.
func countUnits(ctx context.Context, env *Env, req vetRequest) (int, error) {
	args := []string{"list", "-deps", "-test", "-f", "{{.ImportPath}}"}
	if req.tags != "" {
		args = append(args, "-tags="+req.tags)
	}
	args = append(args, req.patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = env.Dir
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("go list: %w", err)
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line != "unsafe" && !strings.HasSuffix(line, ".test") {
			n++
		}
	}
	return n, nil
}
