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
// The values are checked here, so a bad one is a usage error before any
// work, and recorded as given, to be handed on to go vet, which passes
// them to the vet tool.
type analyzerFlags struct {
	enabled map[*analysis.Analyzer]*triState
	args    []string // "-name=value" for each flag set, in order
}

func registerAnalyzerFlags(fs *flag.FlagSet, analyzers []*analysis.Analyzer) *analyzerFlags {
	af := &analyzerFlags{enabled: make(map[*analysis.Analyzer]*triState)}
	for _, a := range analyzers {
		t := new(triState)
		af.enabled[a] = t
		fs.Var(&forwarded{t, a.Name, &af.args}, a.Name, fmt.Sprintf("enable the %s analyzer (-%s=false disables it)", a.Name, a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			name := a.Name + "." + f.Name
			fs.Var(&forwarded{f.Value, name, &af.args}, name, f.Usage)
		})
	}
	return af
}

// forwarded is a flag value that also records each value set, as
// "-name=value", in args.
type forwarded struct {
	flag.Value
	name string
	args *[]string
}

func (f *forwarded) Set(s string) error {
	if err := f.Value.Set(s); err != nil {
		return err
	}
	*f.args = append(*f.args, "-"+f.name+"="+s)
	return nil
}

// String is called by the flag package on a zero forwarded too, to tell
// whether a default is worth printing.
func (f *forwarded) String() string {
	if f == nil || f.Value == nil {
		return ""
	}
	return f.Value.String()
}

func (f *forwarded) IsBoolFlag() bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
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
