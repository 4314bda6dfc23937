package cli

import (
	"flag"
	"io"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
)

func TestSelected(t *testing.T) {
	mk := func(name string) *analysis.Analyzer {
		return &analysis.Analyzer{Name: name, Doc: name, Run: func(*analysis.Pass) (any, error) { return nil, nil }}
	}
	as := []*analysis.Analyzer{mk("a"), mk("b"), mk("c")}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"a", "b", "c"}},
		{[]string{"-b"}, []string{"b"}},
		{[]string{"-c", "-a=true"}, []string{"a", "c"}},
		{[]string{"-b=false"}, []string{"a", "c"}},
		{[]string{"-a", "-b=false"}, []string{"a"}}, // any true wins, as in vet
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		af := registerAnalyzerFlags(fs, as)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range af.selected(as) {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: selected %v, want %v", tc.args, got, tc.want)
		}
	}
}
