package bindaddr

import "golang.org/x/tools/go/analysis"

// Analyzer is a placeholder replaced by the real analyzer (issue 4).
var Analyzer = &analysis.Analyzer{
	Name: "bindaddr",
	Doc:  "bindaddr: placeholder",
	URL:  "https://github.com/dashvet/dashvet/blob/main/docs/analyzers/bindaddr.md",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}
