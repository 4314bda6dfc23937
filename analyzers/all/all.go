// Package all lists every dashvet analyzer, in the order they are documented.
package all

import (
	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/bindaddr"
	"github.com/dashvet/dashvet/analyzers/cacheserial"
	"github.com/dashvet/dashvet/analyzers/rerunresource"
	"github.com/dashvet/dashvet/analyzers/stateinit"
	"github.com/dashvet/dashvet/analyzers/uncachedcall"
)

// Analyzers returns the dashvet analyzers. It returns a new slice on every
// call so a caller may filter it without affecting others.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		uncachedcall.Analyzer,
		rerunresource.Analyzer,
		stateinit.Analyzer,
		cacheserial.Analyzer,
		bindaddr.Analyzer,
	}
}
