// Package diffscope decides which findings are new in a change: those on
// lines that a unified diff adds or changes. It backs -new-from-rev and
// -new-from-patch, which let a team adopt dashvet on existing code and gate
// pull requests on new findings only.
package diffscope

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Scope is the set of added or changed lines per file, keyed by absolute,
// cleaned file name. Files listed in whole (untracked files) have every
// line in scope.
type Scope struct {
	lines map[string]map[int]bool
	whole map[string]bool
}

// Contains reports whether the 1-based line of the file (an absolute path)
// was added or changed. A file reached through a symbolic link (a checkout
// under a linked directory, as /tmp on macOS) matches its real path, which
// is what git reports.
func (s *Scope) Contains(file string, line int) bool {
	file = filepath.Clean(file)
	if s.whole[file] || s.lines[file][line] {
		return true
	}
	if _, ok := s.lines[file]; ok {
		return false
	}
	real, err := filepath.EvalSymlinks(file)
	if err != nil || real == file {
		return false
	}
	return s.whole[real] || s.lines[real][line]
}

// Parse reads a unified diff (as printed by `git diff` or `diff -u`, any
// amount of context) and returns the lines it adds in the new version of
// each file. File names in the diff are resolved against root; the "b/"
// prefix git adds is removed. Deleted files contribute nothing.
func Parse(r io.Reader, root string) (*Scope, error) {
	s := &Scope{lines: make(map[string]map[int]bool), whole: make(map[string]bool)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024) // minified files have long lines
	var (
		cur     map[int]bool // lines of the current file; nil outside a file or for /dev/null
		newLine int          // next line number in the new version
		remain  int          // lines of the new version left in the current hunk
		oldLeft int          // lines of the old version left in the current hunk
		lineNo  int
	)
	for sc.Scan() {
		lineNo++
		text := sc.Text()
		if remain > 0 || oldLeft > 0 {
			switch {
			case strings.HasPrefix(text, "+"):
				if cur != nil {
					cur[newLine] = true
				}
				newLine++
				remain--
				continue
			case strings.HasPrefix(text, "-"):
				oldLeft--
				continue
			case strings.HasPrefix(text, " ") || text == "":
				newLine++
				remain--
				oldLeft--
				continue
			case strings.HasPrefix(text, `\`): // "\ No newline at end of file"
				continue
			}
			// Anything else ends the hunk early (a truncated hunk count);
			// fall through and treat it as a header line.
			remain, oldLeft = 0, 0
		}
		switch {
		case strings.HasPrefix(text, "+++ "):
			name, err := diffFileName(strings.TrimPrefix(text, "+++ "))
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", lineNo, err)
			}
			if name == "" {
				cur = nil
				continue
			}
			abs := resolve(root, name)
			if s.lines[abs] == nil {
				s.lines[abs] = make(map[int]bool)
			}
			cur = s.lines[abs]
		case strings.HasPrefix(text, "@@ "):
			oldCount, start, count, err := parseHunk(text)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", lineNo, err)
			}
			newLine, remain, oldLeft = start, count, oldCount
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading diff: %w", err)
	}
	return s, nil
}

// AddWhole puts every line of the named files (absolute paths) in scope.
func (s *Scope) AddWhole(files ...string) {
	for _, f := range files {
		s.whole[filepath.Clean(f)] = true
	}
}

// diffFileName extracts the file name from the rest of a "+++ " line. It
// returns "" for /dev/null (a deleted file).
func diffFileName(rest string) (string, error) {
	// `diff -u` appends a tab and a timestamp.
	if i := strings.IndexByte(rest, '\t'); i >= 0 && !strings.HasPrefix(rest, `"`) {
		rest = rest[:i]
	}
	rest = strings.TrimRight(rest, " ")
	if strings.HasPrefix(rest, `"`) {
		// git quotes names with unusual bytes C-style, which Go's
		// string literal syntax covers (octal escapes included).
		unq, err := strconv.Unquote(rest)
		if err != nil {
			return "", fmt.Errorf("bad quoted file name %s: %w", rest, err)
		}
		rest = unq
	}
	if rest == "/dev/null" {
		return "", nil
	}
	if after, ok := strings.CutPrefix(rest, "b/"); ok {
		rest = after
	}
	return rest, nil
}

func resolve(root, name string) string {
	name = filepath.FromSlash(name)
	if !filepath.IsAbs(name) {
		name = filepath.Join(root, name)
	}
	return filepath.Clean(name)
}

// parseHunk parses "@@ -a[,b] +c[,d] @@ ...".
// Only the old version's line count matters: it tells where the hunk ends.
func parseHunk(text string) (oldCount, newStart, newCount int, err error) {
	fields := strings.Fields(text)
	if len(fields) < 4 || fields[0] != "@@" || fields[3] != "@@" ||
		!strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", text)
	}
	if _, oldCount, err = parseRange(fields[1][1:]); err != nil {
		return 0, 0, 0, fmt.Errorf("hunk header %q: %w", text, err)
	}
	if newStart, newCount, err = parseRange(fields[2][1:]); err != nil {
		return 0, 0, 0, fmt.Errorf("hunk header %q: %w", text, err)
	}
	return oldCount, newStart, newCount, nil
}

func parseRange(s string) (start, count int, err error) {
	count = 1
	startStr, countStr, hasCount := strings.Cut(s, ",")
	if start, err = strconv.Atoi(startStr); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad line number %q", startStr)
	}
	if hasCount {
		if count, err = strconv.Atoi(countStr); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad line count %q", countStr)
		}
	}
	return start, count, nil
}
