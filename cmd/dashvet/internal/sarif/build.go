package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/source"
	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// Input is what a SARIF log is built from.
type Input struct {
	Analyzers []*analysis.Analyzer // the rules, in documentation order
	Findings  []report.Finding     // with absolute file names, sorted
	Errors    []report.Error       // with absolute file names
	Root      string               // absolute repository root
	Version   string               // dashvet's version
	Sources   *source.Files
}

// Build converts findings to a SARIF log.
func Build(in Input) *Log {
	run := Run{
		Tool: Tool{Driver: Driver{
			Name:           "dashvet",
			FullName:       "dashvet " + in.Version,
			Version:        numericVersion(in.Version),
			InformationURI: "https://github.com/dashvet/dashvet",
			Rules:          make([]Rule, 0, len(in.Analyzers)),
		}},
		OriginalURIBaseIDs: map[string]ArtifactLocation{
			SrcRoot: {URI: fileURI(in.Root) + "/"},
		},
		ColumnKind: "utf16CodeUnits",
		Results:    make([]Result, 0, len(in.Findings)),
	}
	ruleIndex := make(map[string]int)
	for _, a := range in.Analyzers {
		ruleIndex[a.Name] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule(a))
	}

	b := builder{root: in.Root, src: in.Sources}
	occurrences := make(map[string]int)
	for _, f := range in.Findings {
		idx, ok := ruleIndex[f.Analyzer]
		if !ok {
			// A finding from an analyzer not in the list (cannot happen
			// with dashvet's own driver) still gets a rule, so the log
			// stays valid.
			idx = len(run.Tool.Driver.Rules)
			ruleIndex[f.Analyzer] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, Rule{
				ID:                   f.Analyzer,
				ShortDescription:     Message{Text: f.Analyzer},
				FullDescription:      Message{Text: f.Analyzer},
				Help:                 Message{Text: f.Analyzer},
				DefaultConfiguration: Configuration{Level: "error"},
			})
		}
		res := Result{
			RuleID:    f.Analyzer,
			RuleIndex: idx,
			Level:     "error",
			Message:   Message{Text: f.Message},
			Locations: []Location{b.location(f.Pos, f.End)},
		}
		for i, r := range f.Related {
			loc := b.location(r.Pos, r.End)
			id := i + 1
			loc.ID = &id
			loc.Message = &Message{Text: r.Message}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		// The fingerprint identifies the finding by what it is about, not
		// where: the rule, the file and the trimmed text of the line, plus
		// how many identical lines with the same rule came before it in
		// the file. Edits elsewhere in the file leave it unchanged, so
		// code scanning tracks the alert instead of closing and reopening
		// it.
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		text := strings.TrimSpace(in.Sources.Line(f.Pos.File, f.Pos.Line))
		key := f.Analyzer + "\x00" + uri + "\x00" + text
		n := occurrences[key]
		occurrences[key] = n + 1
		res.PartialFingerprints = map[string]string{FingerprintKey: fingerprint(key, n)}
		run.Results = append(run.Results, res)
	}

	inv := Invocation{ExecutionSuccessful: len(in.Errors) == 0}
	for _, e := range in.Errors {
		n := Notification{Level: "error", Message: Message{Text: e.Kind + " error: " + e.Message}}
		if e.Pos != nil && e.Pos.File != "" {
			n.Locations = []Location{b.location(*e.Pos, *e.Pos)}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []Invocation{inv}
	return &Log{Schema: SchemaURI, Version: Version, Runs: []Run{run}}
}

func rule(a *analysis.Analyzer) Rule {
	title, _, _ := strings.Cut(a.Doc, "\n")
	// Analyzer titles conventionally start with "name: ".
	short := strings.TrimSpace(strings.TrimPrefix(title, a.Name+":"))
	help := a.Doc
	if a.URL != "" {
		help += "\n\nDocumentation: " + a.URL
	}
	return Rule{
		// No "name": SARIF wants it to differ from the id when present
		// (SARIF1001), and the analyzer's name is its id.
		ID:                   a.Name,
		ShortDescription:     Message{Text: short},
		FullDescription:      Message{Text: a.Doc},
		Help:                 Message{Text: help},
		HelpURI:              a.URL,
		DefaultConfiguration: Configuration{Level: "error"},
		Properties:           &RuleProps{Tags: []string{"dashvet", "correctness"}, Precision: "high"},
	}
}

func fingerprint(key string, occurrence int) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ":" + strconv.Itoa(occurrence+1)
}

type builder struct {
	root string
	src  *source.Files
}

func (b builder) location(pos, end report.Position) Location {
	art := ArtifactLocation{URI: fileURI(pos.File)}
	if rel, ok := b.rel(pos.File); ok {
		art = ArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: SrcRoot}
	}
	loc := Location{PhysicalLocation: PhysicalLocation{ArtifactLocation: art}}
	if pos.Line > 0 {
		if end.Line < pos.Line || end.Line == pos.Line && end.Column < pos.Column {
			end = pos
		}
		loc.PhysicalLocation.Region = &Region{
			StartLine:   pos.Line,
			StartColumn: b.src.UTF16Column(pos.File, pos.Line, max(pos.Column, 1)),
			EndLine:     end.Line,
			EndColumn:   b.src.UTF16Column(end.File, end.Line, max(end.Column, 1)),
		}
	}
	return loc
}

// rel returns name relative to the root, also when one of them is reached
// through a symbolic link and the other is not.
func (b builder) rel(name string) (string, bool) {
	if rel, err := filepath.Rel(b.root, name); err == nil && filepath.IsLocal(rel) {
		return rel, true
	}
	root, err1 := filepath.EvalSymlinks(b.root)
	real, err2 := filepath.EvalSymlinks(name)
	if err1 != nil || err2 != nil {
		return "", false
	}
	if rel, err := filepath.Rel(root, real); err == nil && filepath.IsLocal(rel) {
		return rel, true
	}
	return "", false
}

// fileURI returns the file: URI of an absolute path.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive letters: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// numericVersion returns the version SARIF consumers compare numerically
// (SARIF2005: it must start with a digit): "v1.2.3 go1.26" gives "1.2.3".
// A development build, which has no version, gives "0.0.0-devel", sorting
// before every release; FullName still says what it was.
func numericVersion(v string) string {
	n := ""
	if f := strings.Fields(v); len(f) > 0 {
		n = strings.TrimPrefix(f[0], "v")
	}
	if n == "" || n[0] < '0' || n[0] > '9' {
		return "0.0.0-devel"
	}
	return n
}
