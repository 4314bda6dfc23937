package cli

import (
	"flag"
	"fmt"
	"strconv"

	"golang.org/x/tools/go/analysis"
)

// triState is an analyzer's enable flag: like vet, naming any analyzer
// with -NAME (or -NAME=true) runs only the named ones, and -NAME=false
// runs all but those; so the flag must know whether it was set at all.
type triState int

const (
	unset triState = iota
	setTrue
	setFalse
)

func (t *triState) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	if b {
		*t = setTrue
	} else {
		*t = setFalse
	}
	return nil
}

func (t *triState) String() string {
	if t != nil && *t == setFalse {
		return "false"
	}
	return "true"
}

func (t *triState) IsBoolFlag() bool { return true }

// analyzerFlags registers -NAME and -NAME.flag for every analyzer on fs.
type analyzerFlags struct {
	enabled map[*analysis.Analyzer]*triState
}

func registerAnalyzerFlags(fs *flag.FlagSet, analyzers []*analysis.Analyzer) *analyzerFlags {
	af := &analyzerFlags{enabled: make(map[*analysis.Analyzer]*triState)}
	for _, a := range analyzers {
		t := new(triState)
		af.enabled[a] = t
		fs.Var(t, a.Name, fmt.Sprintf("enable the %s analyzer (-%s=false disables it)", a.Name, a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	return af
}

// selected returns the analyzers to run, in their documented order.
func (af *analyzerFlags) selected(analyzers []*analysis.Analyzer) []*analysis.Analyzer {
	anyTrue := false
	for _, t := range af.enabled {
		anyTrue = anyTrue || *t == setTrue
	}
	var keep []*analysis.Analyzer
	for _, a := range analyzers {
		switch t := *af.enabled[a]; {
		case anyTrue && t == setTrue, !anyTrue && t != setFalse:
			keep = append(keep, a)
		}
	}
	return keep
}
