package cli

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

// posPrefix matches the "file:line[:col]: " that starts a compiler or
// type-checker error.
var posPrefix = regexp.MustCompile(`^(\S.*?):(\d+)(?::\d+)?: `)

// goErrors turns what a failed `go vet` printed on stderr into report
// errors, so that the JSON and SARIF reports carry them too: one error a
// line, under the package named by the preceding "# importpath" header,
// with indented continuation lines kept with their error. Relative file
// names are relative to dir, go vet's working directory. Lines the vet
// tool itself logged (prefixed "tool: ") are analysis errors; everything
// else kept the packages from being loaded, built or type-checked.
func goErrors(stderr, dir, tool string) []report.Error {
	var errs []report.Error
	pkg := ""
	for line := range strings.Lines(stderr) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case strings.HasPrefix(line, "# "):
			pkg = strings.TrimPrefix(line, "# ")
			continue
		case strings.HasPrefix(line, "go: downloading "), strings.HasPrefix(line, "go: finding "):
			continue // progress, not a problem
		case (strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " ")) && len(errs) > 0:
			errs[len(errs)-1].Message += "\n" + line
			continue
		}
		e := report.Error{Kind: report.KindLoad, Package: pkg, Message: line}
		if strings.HasPrefix(line, tool+": ") {
			e.Kind = report.KindAnalysis
			e.Message = strings.TrimPrefix(line, tool+": ")
		}
		if m := posPrefix.FindStringSubmatch(line); m != nil {
			if p, ok := parsePos(strings.TrimSuffix(m[0], ": ")); ok {
				if !filepath.IsAbs(p.File) {
					p.File = filepath.Join(dir, p.File)
				}
				e.Pos = &p
				e.Message = line[len(m[0]):]
			}
		}
		errs = append(errs, e)
	}
	return errs
}
