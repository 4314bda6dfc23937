// Command noopvet is a vettool that runs one analyzer doing nothing. Timing
// `go vet -vettool=noopvet` measures the floor every vettool pays (go vet's
// build of export data plus type-checking each package from source), against
// which dashvet's own cost is compared in docs/performance.md.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"
)

var noop = &analysis.Analyzer{
	Name: "noop",
	Doc:  "noop: does nothing, to measure the type-checking floor of a vettool",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func main() { unitchecker.Main(noop) }
