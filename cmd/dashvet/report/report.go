// Package report defines the JSON report that `dashvet -format=json`
// prints. The format is versioned: Version changes only when a field is
// removed or changes meaning; fields may be added within a version, so a
// consumer should ignore fields it does not know.
//
// A consumer written in Go can decode the output directly:
//
//	var r report.Report
//	err := json.NewDecoder(stdout).Decode(&r)
package report

// Version is the schema version written in Report.Version.
const Version = 1

// Report is the whole output of one dashvet run.
type Report struct {
	// Version is the schema version, Version for this package.
	Version int `json:"version"`
	// Tool names the program that wrote the report.
	Tool Tool `json:"tool"`
	// Findings are the diagnostics, sorted by file, line, column and
	// analyzer. Never null: an empty run has an empty list.
	Findings []Finding `json:"findings"`
	// Errors are the problems that kept dashvet from analysing some code:
	// package loading, parse and type errors, analyzer failures. A report
	// with errors is not a clean result even when Findings is empty.
	Errors []Error `json:"errors"`
}

// Tool identifies the program and version that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Finding is one diagnostic of one analyzer.
type Finding struct {
	// Analyzer is the name of the analyzer that reported the finding.
	Analyzer string `json:"analyzer"`
	// Category is the analyzer's optional sub-classification.
	Category string `json:"category,omitempty"`
	// Package is the import path of the package the finding is in.
	Package string `json:"package"`
	// Pos and End delimit the code the finding is about. End is never
	// empty: when the analyzer gives no end, it is the end of the token at
	// Pos.
	Pos Position `json:"pos"`
	End Position `json:"end"`
	// Message says what is wrong and why it matters.
	Message string `json:"message"`
	// URL documents the analyzer (or the finding's category).
	URL string `json:"url,omitempty"`
	// Related are other places that explain the finding, such as the steps
	// of the rerun chain from the app function to the reported call.
	Related []Related `json:"related,omitempty"`
	// Fixes are the suggested fixes; -fix applies the first one.
	Fixes []Fix `json:"fixes,omitempty"`
}

// Position is a place in a source file.
type Position struct {
	// File is the path of the file, relative to the directory dashvet ran
	// in when the file is below it, else absolute; '/'-separated.
	File string `json:"file"`
	// Line and Column are 1-based; Column counts bytes, like go/token.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Offset is the 0-based byte offset in the file.
	Offset int `json:"offset"`
}

// Related is a secondary location of a finding.
type Related struct {
	Pos     Position `json:"pos"`
	End     Position `json:"end"`
	Message string   `json:"message"`
}

// Fix is a suggested fix: a set of edits to apply together.
type Fix struct {
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
}

// Edit replaces the bytes from Pos to End (both in the same file) with
// NewText. Pos equal to End is an insertion.
type Edit struct {
	Pos     Position `json:"pos"`
	End     Position `json:"end"`
	NewText string   `json:"newText"`
}

// Error is a problem that kept dashvet from analysing some code.
type Error struct {
	// Kind is "load" (package listing, parse or type errors) or
	// "analysis" (an analyzer failed).
	Kind string `json:"kind"`
	// Package is the import path or ID of the package concerned, if known.
	Package string `json:"package,omitempty"`
	// Pos is where the error is, when it has a position.
	Pos *Position `json:"pos,omitempty"`
	// Message describes the error.
	Message string `json:"message"`
}

// Error kinds.
const (
	KindLoad     = "load"
	KindAnalysis = "analysis"
)
