package cli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// The types below mirror what `go vet -json` prints: for each package it
// analyses, the vet tool (unitchecker, golang.org/x/tools v0.52.0,
// internal/analysis/driverutil.JSONTree) writes one JSON object
//
//	{"<package ID>": {"<analyzer>": [<diagnostic>...] | {"error": "..."}}}
//
// and `{}` for a package without findings. Positions are token.Position
// strings ("file:line:col", adjusted by //line directives); the end of a
// diagnostic is its start when the analyzer gave none; edits are byte
// offsets into the file.

type vetDiagnostic struct {
	Category       string       `json:"category"`
	Posn           string       `json:"posn"`
	End            string       `json:"end"`
	Message        string       `json:"message"`
	SuggestedFixes []vetFix     `json:"suggested_fixes"`
	Related        []vetRelated `json:"related"`
}

type vetFix struct {
	Message string    `json:"message"`
	Edits   []vetEdit `json:"edits"`
}

type vetEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type vetRelated struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

type vetError struct {
	Err string `json:"error"`
}

// vetDecoder turns go vet's JSON into findings and errors.
type vetDecoder struct {
	dir  string            // go vet's working directory, for relative names
	urls map[string]string // analyzer name -> documentation URL
	src  *source.Files

	findings []report.Finding
	errors   []report.Error
	units    int // JSON objects read: one per package, one per test package
	seen     map[findingKey]bool
}

// findingKey identifies a finding reported twice, e.g. by a package and a
// test variant sharing the file.
type findingKey struct {
	analyzer, posn, end, message string
}

// decode reads the JSON objects go vet prints until r is exhausted.
func (d *vetDecoder) decode(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var tree map[string]map[string]json.RawMessage
		err := dec.Decode(&tree)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the output of go vet -json: %w", err)
		}
		d.units++
		for _, id := range slices.Sorted(maps.Keys(tree)) {
			for _, name := range slices.Sorted(maps.Keys(tree[id])) {
				if err := d.add(id, name, tree[id][name]); err != nil {
					return fmt.Errorf("reading the output of go vet -json for %s: %w", id, err)
				}
			}
		}
	}
}

// add records the result of analyzer name on package id: an error object
// or a list of diagnostics.
func (d *vetDecoder) add(id, name string, raw json.RawMessage) error {
	pkg := packagePath(id)
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var e vetError
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		d.errors = append(d.errors, report.Error{Kind: report.KindAnalysis, Package: pkg, Message: name + ": " + e.Err})
		return nil
	}
	var diags []vetDiagnostic
	if err := json.Unmarshal(raw, &diags); err != nil {
		return err
	}
	if d.seen == nil {
		d.seen = make(map[findingKey]bool)
	}
	for _, v := range diags {
		k := findingKey{name, v.Posn, v.End, v.Message}
		if d.seen[k] {
			continue
		}
		d.seen[k] = true
		d.findings = append(d.findings, d.finding(name, pkg, v))
	}
	return nil
}

// packagePath returns the import path of a package ID: go vet names a
// package compiled with its tests "p [p.test]".
func packagePath(id string) string {
	path, _, _ := strings.Cut(id, " [")
	return path
}

func (d *vetDecoder) finding(analyzer, pkg string, v vetDiagnostic) report.Finding {
	f := report.Finding{
		Analyzer: analyzer,
		Category: v.Category,
		Package:  pkg,
		Message:  v.Message,
		URL:      d.urls[analyzer],
	}
	f.Pos, f.End = d.span(v.Posn, v.End)
	for _, r := range v.Related {
		var rel report.Related
		rel.Pos, rel.End = d.span(r.Posn, r.End)
		rel.Message = r.Message
		f.Related = append(f.Related, rel)
	}
	for _, sf := range v.SuggestedFixes {
		fx := report.Fix{Message: sf.Message, Edits: []report.Edit{}}
		for _, e := range sf.Edits {
			file := d.abs(e.Filename)
			// An insertion whose end the analyzer left unset arrives as
			// offset 0.
			end := max(e.End, e.Start)
			fx.Edits = append(fx.Edits, report.Edit{Pos: d.offsetPosition(file, e.Start), End: d.offsetPosition(file, end), NewText: e.New})
		}
		f.Fixes = append(f.Fixes, fx)
	}
	return f
}

// span returns the positions of posn and end. When the analyzer gave no
// end (go vet then repeats the start), it is the end of the token at the
// start, so every finding has an extent to highlight.
func (d *vetDecoder) span(posn, end string) (report.Position, report.Position) {
	p := d.position(posn)
	if e := d.position(end); e.File == p.File && e.Offset > p.Offset {
		return p, e
	}
	if p.File == "" {
		return p, p
	}
	return p, d.offsetPosition(p.File, d.src.TokenEnd(p.File, p.Offset))
}

// position converts a "file:line:col" position to a report position with
// its byte offset, read from the file.
func (d *vetDecoder) position(s string) report.Position {
	p, ok := parsePos(s)
	if !ok {
		return report.Position{}
	}
	p.File = d.abs(p.File)
	if p.Column == 0 { // a position without a column is its line's start
		p.Column = 1
	}
	if off, ok := d.src.Offset(p.File, p.Line, p.Column); ok {
		p.Offset = off
	}
	return p
}

// offsetPosition converts a byte offset in file to a report position.
func (d *vetDecoder) offsetPosition(file string, offset int) report.Position {
	p := report.Position{File: file, Offset: offset}
	if line, col, ok := d.src.Position(file, offset); ok {
		p.Line, p.Column = line, col
	}
	return p
}

func (d *vetDecoder) abs(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(d.dir, name)
}

// sorted returns the findings sorted by position and analyzer.
func (d *vetDecoder) sorted() []report.Finding {
	slices.SortFunc(d.findings, compareFindings)
	return d.findings
}

func compareFindings(a, b report.Finding) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Column, b.Pos.Column),
		cmp.Compare(a.Analyzer, b.Analyzer),
		cmp.Compare(a.Message, b.Message),
	)
}

// parsePos parses "file:line:col" or "file:line" positions, the forms of
// token.Position.String and of the go command's error messages.
func parsePos(s string) (report.Position, bool) {
	if s == "" || s == "-" {
		return report.Position{}, false
	}
	rest, last, ok := cutLast(s)
	if !ok {
		return report.Position{}, false
	}
	n, err := strconv.Atoi(last)
	if err != nil {
		return report.Position{}, false
	}
	if file, mid, ok := cutLast(rest); ok {
		if line, err := strconv.Atoi(mid); err == nil {
			return report.Position{File: file, Line: line, Column: n}, true
		}
	}
	return report.Position{File: rest, Line: n}, true
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
