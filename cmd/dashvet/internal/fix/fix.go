// Package fix applies the suggested fixes of findings to source files, or
// shows them as a unified diff. Each fix is all-or-nothing: a fix whose
// edits overlap an edit already accepted from another fix is skipped (the
// user re-runs dashvet to get it), and identical edits reported twice (a
// file analysed as part of both a package and its test variant) apply once.
package fix

import (
	"bytes"
	"cmp"
	"fmt"
	"go/format"
	"maps"
	"os"
	"slices"
)

// Edit replaces the bytes [Start, End) of File (an absolute path) with New.
type Edit struct {
	File       string
	Start, End int
	New        string
}

// A Fix is the set of edits of one suggested fix.
type Fix struct {
	Name  string // for messages, e.g. "uncachedcall: wrap in dash.CacheData"
	Edits []Edit
}

// Result is the outcome of Plan.
type Result struct {
	// Files maps each changed file to its old and new content.
	Files map[string]Change
	// Applied counts the fixes accepted; Skipped holds the indices (in
	// the slice given to Plan) of those that conflicted with an accepted
	// fix.
	Applied int
	Skipped []int
	// Errors are files whose fixed content is not valid Go (left
	// unchanged) or that could not be read.
	Errors []error
}

// Change is the old and new content of one file.
type Change struct {
	Old, New []byte
}

// Plan merges fixes (in the order given, which should be deterministic)
// and computes the new content of every file they touch, formatted with
// gofmt. It does not write anything.
func Plan(fixes []Fix, readFile func(string) ([]byte, error)) *Result {
	res := &Result{Files: make(map[string]Change)}
	accepted := make(map[string][]Edit) // per file, unsorted
	for i, f := range fixes {
		var add []Edit
		conflict := false
		for _, e := range f.Edits {
			dup := false
			for _, a := range slices.Concat(accepted[e.File], add) {
				if a == e {
					dup = true
					break
				}
				if overlaps(a, e) {
					conflict = true
					break
				}
			}
			if conflict {
				break
			}
			if !dup {
				add = append(add, e)
			}
		}
		if conflict {
			res.Skipped = append(res.Skipped, i)
			continue
		}
		for _, e := range add {
			accepted[e.File] = append(accepted[e.File], e)
		}
		res.Applied++
	}

	files := make([]string, 0, len(accepted))
	for name := range accepted {
		files = append(files, name)
	}
	slices.Sort(files)
	for _, name := range files {
		old, err := readFile(name)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("reading %s to fix it: %w", name, err))
			continue
		}
		edits := accepted[name]
		slices.SortFunc(edits, func(a, b Edit) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		var buf bytes.Buffer
		last := 0
		bad := false
		for _, e := range edits {
			if e.Start < last || e.End < e.Start || e.End > len(old) {
				// The file changed since it was analysed.
				res.Errors = append(res.Errors, fmt.Errorf("fix for %s: edit [%d,%d) is outside the file (was it changed during analysis?)", name, e.Start, e.End))
				bad = true
				break
			}
			buf.Write(old[last:e.Start])
			buf.WriteString(e.New)
			last = e.End
		}
		if bad {
			continue
		}
		buf.Write(old[last:])
		formatted, err := format.Source(buf.Bytes())
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("fixed %s is not valid Go, left unchanged: %w", name, err))
			continue
		}
		if !bytes.Equal(formatted, old) {
			res.Files[name] = Change{Old: old, New: formatted}
		}
	}
	return res
}

// overlaps reports whether two edits of the same file touch common bytes,
// or insert different text at the same point (whose order would be
// arbitrary).
func overlaps(a, b Edit) bool {
	if a.File != b.File {
		return false
	}
	if a.Start == a.End && b.Start == b.End {
		return a.Start == b.Start
	}
	// This also catches an insertion strictly inside a replaced range; an
	// insertion at either end of one is fine.
	return a.Start < b.End && b.Start < a.End
}

// Write writes every changed file, keeping its permissions.
func (r *Result) Write() error {
	for _, name := range slices.Sorted(maps.Keys(r.Files)) {
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(name); err == nil {
			mode = fi.Mode().Perm()
		}
		if err := os.WriteFile(name, r.Files[name].New, mode); err != nil {
			return fmt.Errorf("writing fixed %s: %w", name, err)
		}
	}
	return nil
}
