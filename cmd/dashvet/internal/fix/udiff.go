package fix

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// context is the number of unchanged lines shown around each change, as
// in `diff -u` and `git diff`.
const context = 3

// Unified writes a unified diff from old to new, with the file named as
// a/name and b/name so that `git apply` and `patch -p1` accept it. It writes
// nothing when the contents are equal.
func Unified(w io.Writer, name string, old, new []byte) error {
	a, b := splitLines(old), splitLines(new)
	ops := diffLines(a, b)
	if len(ops) == 0 {
		return nil
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--- a/%s\n+++ b/%s\n", name, name)
	for _, h := range hunks(ops, len(a), len(b)) {
		fmt.Fprintf(&buf, "@@ -%s +%s @@\n", hunkRange(h.aStart, h.aEnd), hunkRange(h.bStart, h.bEnd))
		i, j := h.aStart, h.bStart
		for _, op := range h.ops {
			for ; i < op.aStart; i, j = i+1, j+1 {
				writeLine(&buf, ' ', a[i])
			}
			for ; i < op.aEnd; i++ {
				writeLine(&buf, '-', a[i])
			}
			for ; j < op.bEnd; j++ {
				writeLine(&buf, '+', b[j])
			}
		}
		for ; i < h.aEnd; i++ {
			writeLine(&buf, ' ', a[i])
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeLine(buf *bytes.Buffer, prefix byte, line string) {
	buf.WriteByte(prefix)
	buf.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		buf.WriteString("\n\\ No newline at end of file\n")
	}
}

// hunkRange formats a 0-based half-open line range the way unified diffs
// do: 1-based start, and the start of an empty range is the line before.
func hunkRange(start, end int) string {
	n := end - start
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// An op replaces lines a[aStart:aEnd] with b[bStart:bEnd].
type op struct {
	aStart, aEnd, bStart, bEnd int
}

type hunk struct {
	aStart, aEnd, bStart, bEnd int
	ops                        []op
}

// hunks groups ops whose context lines touch or overlap.
func hunks(ops []op, na, nb int) []hunk {
	var hs []hunk
	for _, o := range ops {
		start := max(o.aStart-context, 0)
		if n := len(hs); n > 0 && start <= hs[n-1].aEnd {
			h := &hs[n-1]
			h.ops = append(h.ops, o)
			h.aEnd = min(o.aEnd+context, na)
			h.bEnd = min(o.bEnd+context, nb)
			continue
		}
		lead := o.aStart - start
		hs = append(hs, hunk{
			aStart: start, aEnd: min(o.aEnd+context, na),
			bStart: o.bStart - lead, bEnd: min(o.bEnd+context, nb),
			ops: []op{o},
		})
	}
	return hs
}

// maxCells bounds the LCS table of diffLines. Fixes are local, so after
// removing the common prefix and suffix the changed region is small; a
// larger one is shown as a single replacement, still a correct diff.
const maxCells = 4 << 20

// diffLines returns the changes from a to b as replacement ops in order:
// the common prefix and suffix are trimmed, and the rest is aligned on a
// longest common subsequence of lines.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) == 0 && len(mb) == 0 {
		return nil
	}
	if len(ma)*len(mb) > maxCells {
		return []op{{pre, pre + len(ma), pre, pre + len(mb)}}
	}
	// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
	w := len(mb) + 1
	lcs := make([]int32, (len(ma)+1)*w)
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	var ops []op
	var cur *op
	flush := func() {
		if cur != nil {
			ops = append(ops, *cur)
			cur = nil
		}
	}
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
			flush()
			i, j = i+1, j+1
			continue
		case j < len(mb) && (i == len(ma) || lcs[i*w+j+1] >= lcs[(i+1)*w+j]):
			if cur == nil {
				cur = &op{pre + i, pre + i, pre + j, pre + j}
			}
			j++
		default:
			if cur == nil {
				cur = &op{pre + i, pre + i, pre + j, pre + j}
			}
			i++
		}
		cur.aEnd, cur.bEnd = pre+i, pre+j
	}
	flush()
	return ops
}
