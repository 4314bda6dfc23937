package stateinit

import "golang.org/x/tools/go/analysis"

// Analyzer is a placeholder replaced by the real analyzer (issue 4).
var Analyzer = &analysis.Analyzer{
	Name: "stateinit",
	Doc:  "stateinit: placeholder",
	URL:  "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/stateinit.md",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}
