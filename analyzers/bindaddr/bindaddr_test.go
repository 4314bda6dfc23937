package bindaddr_test

import (
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/bindaddr"
	"github.com/dashvet/dashvet/analyzers/internal/testenv"
)

func TestBindAddr(t *testing.T) {
	analysistest.Run(t, testenv.Dir(t), bindaddr.Analyzer,
		"./bindaddr/code", "./bindaddr/docker", "./bindaddr/dockerok", "./bindaddr/compose", "./bindaddr/local")
}

// TestWithoutFileAccess runs the analyzer as Bazel nogo does, without
// Pass.ReadFile or Pass.Module: the Dockerfile next to the package is not
// read, so there is no container evidence and the explicit loopback address
// in it is not reported.
func TestWithoutFileAccess(t *testing.T) {
	a := *bindaddr.Analyzer
	run := a.Run
	a.Run = func(pass *analysis.Pass) (any, error) {
		pass.ReadFile = nil
		pass.Module = nil
		return run(pass)
	}
	analysistest.Run(t, testenv.Dir(t), &a, "./bindaddr/nogo")
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
