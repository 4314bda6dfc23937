package bindaddr_test

import (
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/bindaddr"
	"github.com/dashvet/dashvet/analyzers/internal/testenv"
)

// TestBindAddr runs the analyzer over its testdata in one load (each load
// type-checks package dash from source, the bulk of the test's time).
//
// Package bindaddr/nogo is analysed as Bazel nogo runs an analyzer: without
// Pass.ReadFile or Pass.Module. The Dockerfile next to it is then not read,
// so there is no container evidence and the explicit loopback address in it
// is not reported.
func TestBindAddr(t *testing.T) {
	a := *bindaddr.Analyzer
	run := a.Run
	a.Run = func(pass *analysis.Pass) (any, error) {
		if pass.Pkg.Path() == "dashapp/bindaddr/nogo" {
			p := *pass
			p.ReadFile = nil
			p.Module = nil
			pass = &p
		}
		return run(pass)
	}
	analysistest.Run(t, testenv.Dir(t), &a,
		"./bindaddr/code", "./bindaddr/docker", "./bindaddr/dockerok", "./bindaddr/compose", "./bindaddr/local", "./bindaddr/nogo", "./bindaddr/config")
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.1.2.3:80": true,
		"::1": true, "[::1]:8501": true, "localhost:": true, "app.localhost": true,
		"0.0.0.0": false, ":8501": false, "": false, "10.0.0.1": false, "example.com:80": false, "[::]:80": false,
	} {
		if got := bindaddr.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
