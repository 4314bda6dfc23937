// Command dashvet reports the production failures of the rerun execution
// model in dash apps: uncached queries and per-rerun resources, session
// state reset on every rerun, uncopyable values in data caches, servers
// bound to loopback in containers.
//
// It runs three ways:
//
//	go vet -vettool=$(which dashvet) ./...   # as go vet's analysis tool
//	dashvet [flags] ./...                    # standalone, with text, JSON,
//	                                         # SARIF or GitHub output
//	dashvet -new-from-rev=origin/main ./...  # as a pull-request gate
//
// See docs/cli.md for the flags, output formats and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dashvet/dashvet/analyzers/all"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/cli"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/vetfast"
)

func main() {
	if invokedByGoVet(os.Args[1:]) {
		// A dependency vetted only for facts it cannot have is answered
		// without checking function bodies. If the fast path cannot tell
		// (err), unitchecker runs and reports whatever is wrong.
		if vetfast.Enabled() {
			if ok, err := vetfast.Try(os.Args[1:], vetfast.Relevance(all.Analyzers())); ok && err == nil {
				os.Exit(0)
			}
		}
		// unitchecker parses the flags itself (-json, -fix, -diff, -c,
		// the per-analyzer flags) and exits.
		unitchecker.Main(all.Analyzers()...)
		return // not reached
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], all.Analyzers(), &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// invokedByGoVet recognises the unitchecker protocol that `go vet
// -vettool` and `go fix -fixtool` speak: `-V=full` to identify the tool
// for the build cache, `-flags` to learn its flags, and finally flags
// followed by a single *.cfg file describing one package.
func invokedByGoVet(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		switch strings.TrimPrefix(a, "-") {
		case "V=full", "-V=full", "flags", "-flags":
			return true
		}
	}
	return strings.HasSuffix(args[len(args)-1], ".cfg")
}
