// Package markdown renders the subset of Markdown that dash's Markdown
// element supports to HTML that is safe to insert into the page.
//
// Safety comes from construction, not from filtering: every byte of the
// input reaches the output through html.EscapeString, and the only tags in
// the output are the ones this package writes. Raw HTML in the input is
// therefore shown as text. Link targets are limited to http, https, mailto
// and relative URLs, so a "javascript:" link renders as plain text.
//
// Supported: ATX headings (#..######), paragraphs, hard line breaks (two
// trailing spaces), *emphasis*/_emphasis_, **strong**, `code`, fenced code
// blocks (```), bullet lists (-, *, +), ordered lists (1.), block quotes
// (>), horizontal rules (---, ***), links [text](url) and autolinks
// <https://...>.
//
// Input is untrusted (an app may render what a user typed), so the renderer
// is built to stay cheap whatever it is given: nesting deeper than
// MaxNesting is shown as text instead of recursing further, every scan is
// linear in the input, and RenderContext stops when its context ends.
package markdown

import (
	"context"
	"html"
	"net/url"
	"strings"
)

// MaxNesting bounds nested block containers (block quotes, lists) and,
// separately, nested inline spans (links, emphasis). A container marker
// nested deeper is shown as text, as is the content of a span nested
// deeper. The bound keeps recursion shallow (one
// WebSocket message of a million '>' once overflowed the goroutine stack,
// a fatal error that takes the whole process down) and the work at most
// MaxNesting passes over the input.
const MaxNesting = 16

// checkEvery is how many steps pass between two looks at the context.
const checkEvery = 1024

// Render converts md to safe HTML.
func Render(md string) string {
	out, _ := RenderContext(context.Background(), md)
	return out
}

// RenderContext is Render that stops early, returning ctx's error and the
// HTML rendered so far, once ctx is done.
func RenderContext(ctx context.Context, md string) (string, error) {
	r := renderer{ctx: ctx}
	// lines is the renderer's own: containers strip their markers from it
	// in place, so nesting costs no copy of the input per level.
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	r.blocks(lines, 0)
	return r.b.String(), r.err
}

type renderer struct {
	ctx   context.Context
	b     strings.Builder
	err   error // the context's error, once seen
	steps int
}

// stopped counts a step and reports whether rendering must stop.
func (r *renderer) stopped() bool {
	if r.err != nil {
		return true
	}
	r.steps++
	if r.steps%checkEvery == 0 {
		r.err = r.ctx.Err()
	}
	return r.err != nil
}

// blocks renders lines as a sequence of blocks inside depth containers.
// At MaxNesting it opens no further container: their markers are text.
func (r *renderer) blocks(lines []string, depth int) {
	b := &r.b
	for i := 0; i < len(lines) && !r.stopped(); {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			i++
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence := trimmed[:3]
			lang := strings.TrimSpace(trimmed[3:])
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), fence) {
				j++
			}
			b.WriteString("<pre><code")
			if lang != "" {
				b.WriteString(` class="language-`)
				b.WriteString(html.EscapeString(strings.Fields(lang)[0]))
				b.WriteString(`"`)
			}
			b.WriteString(">")
			for k, l := range lines[i+1 : j] {
				if k > 0 {
					b.WriteString("\n")
				}
				b.WriteString(html.EscapeString(l))
			}
			b.WriteString("</code></pre>\n")
			i = j + 1
		case isRule(trimmed):
			b.WriteString("<hr>\n")
			i++
		case headingLevel(trimmed) > 0:
			n := headingLevel(trimmed)
			text := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(trimmed[n:]), "#"))
			tag := "h" + string(rune('0'+n))
			b.WriteString("<" + tag + ">")
			r.inline(text)
			b.WriteString("</" + tag + ">\n")
			i++
		case strings.HasPrefix(trimmed, ">") && depth < MaxNesting:
			start := i
			for ; i < len(lines); i++ {
				s, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), ">")
				if !ok {
					break
				}
				lines[i] = strings.TrimPrefix(s, " ")
			}
			b.WriteString("<blockquote>\n")
			r.blocks(lines[start:i], depth+1)
			b.WriteString("</blockquote>\n")
		case listMarker(trimmed) != "" && depth < MaxNesting:
			i = r.list(lines, i, depth)
		default:
			start := i
			for ; i < len(lines); i++ {
				t := strings.TrimSpace(lines[i])
				if t == "" || (i > start && startsBlock(t)) {
					break
				}
			}
			b.WriteString("<p>")
			for k := start; k < i; k++ {
				if k > start {
					if strings.HasSuffix(lines[k-1], "  ") {
						b.WriteString("<br>\n")
					} else {
						b.WriteString("\n")
					}
				}
				r.inline(strings.TrimSpace(lines[k]))
			}
			b.WriteString("</p>\n")
		}
	}
}

func startsBlock(t string) bool {
	return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || isRule(t) ||
		headingLevel(t) > 0 || strings.HasPrefix(t, ">") || listMarker(t) != ""
}

func isRule(t string) bool {
	if len(t) < 3 {
		return false
	}
	c := t[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ':
		default:
			return false
		}
	}
	return n >= 3
}

func headingLevel(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ') {
		return 0
	}
	return n
}

// listMarker returns "ul" or "ol" when t starts a list item.
func listMarker(t string) string {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return "ul"
	}
	d := 0
	for d < len(t) && d < 9 && t[d] >= '0' && t[d] <= '9' {
		d++
	}
	if d > 0 && d+1 < len(t) && (t[d] == '.' || t[d] == ')') && t[d+1] == ' ' {
		return "ol"
	}
	return ""
}

func itemText(t string) string {
	if listMarker(t) == "ul" {
		return strings.TrimSpace(t[2:])
	}
	i := strings.IndexAny(t, ".)")
	return strings.TrimSpace(t[i+1:])
}

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " \t")) }

// list renders consecutive items of one list starting at lines[i] and
// returns the index after it; indented lines below an item (two or more
// spaces) form a nested block of that item.
func (r *renderer) list(lines []string, i, depth int) int {
	b := &r.b
	kind := listMarker(strings.TrimSpace(lines[i]))
	indent := indentOf(lines[i])
	b.WriteString("<" + kind + ">\n")
	for i < len(lines) && !r.stopped() {
		t := strings.TrimSpace(lines[i])
		if t == "" || indentOf(lines[i]) != indent || listMarker(t) != kind {
			break
		}
		b.WriteString("<li>")
		r.inline(itemText(t))
		i++
		start := i
		for ; i < len(lines); i++ {
			l := lines[i]
			li := indentOf(l)
			if li == len(l) || li <= indent {
				break // blank, or not indented below the item
			}
			lines[i] = l[min(li, indent+2):]
		}
		if i > start {
			b.WriteString("\n")
			r.blocks(lines[start:i], depth+1)
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</" + kind + ">\n")
	return i
}

// escapable are the characters a backslash makes literal.
const escapable = "\\`*_[]()<>#+-.!"

// span is one line of inline text with what the link parser needs,
// computed once in linear time so that no '[' triggers a scan of the rest
// of the line (150 KB of '[' once took 7.6 s, quadratic).
type span struct {
	s string
	// closer[k], for a '[' at k, is the index of its matching ']', -1 if
	// none. Escaped brackets do not count.
	closer []int32
	// paren[k] is the index of the first ')' at or after k, -1 if none.
	paren []int32
}

func newSpan(s string) *span {
	sp := &span{s: s}
	if strings.IndexByte(s, '[') < 0 {
		return sp
	}
	sp.closer = make([]int32, len(s))
	sp.paren = make([]int32, len(s)+1)
	var open []int32
	for k := 0; k < len(s); k++ {
		sp.closer[k] = -1
		switch s[k] {
		case '\\':
			if k+1 < len(s) && strings.IndexByte(escapable, s[k+1]) >= 0 {
				k++
				sp.closer[k] = -1
			}
		case '[':
			open = append(open, int32(k))
		case ']':
			if n := len(open); n > 0 {
				sp.closer[open[n-1]] = int32(k)
				open = open[:n-1]
			}
		}
	}
	next := int32(-1)
	sp.paren[len(s)] = -1
	for k := len(s) - 1; k >= 0; k-- {
		if s[k] == ')' {
			next = int32(k)
		}
		sp.paren[k] = next
	}
	return sp
}

// link reports the link starting with the '[' at k and ending before hi:
// its text is s[k+1:textEnd], its target s[textEnd+2:end].
func (sp *span) link(k, hi int) (textEnd, end int, ok bool) {
	if sp.closer == nil {
		return 0, 0, false
	}
	j := int(sp.closer[k])
	if j < 0 || j+2 >= hi || sp.s[j+1] != '(' {
		return 0, 0, false
	}
	e := int(sp.paren[j+2])
	if e < 0 || e >= hi {
		return 0, 0, false
	}
	return j, e, true
}

// inline renders emphasis, code spans and links within one line.
func (r *renderer) inline(s string) {
	r.spans(newSpan(s), 0, len(s), 0)
}

// spans renders sp.s[lo:hi] inside depth inline spans.
func (r *renderer) spans(sp *span, lo, hi, depth int) {
	b := &r.b
	s := sp.s
	if depth >= MaxNesting {
		b.WriteString(html.EscapeString(s[lo:hi]))
		return
	}
	for i := lo; i < hi && !r.stopped(); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < hi && strings.IndexByte(escapable, s[i+1]) >= 0:
			b.WriteString(html.EscapeString(s[i+1 : i+2]))
			i += 2
			continue
		case c == '`':
			if end := strings.IndexByte(s[i+1:hi], '`'); end >= 0 {
				b.WriteString("<code>")
				b.WriteString(html.EscapeString(s[i+1 : i+1+end]))
				b.WriteString("</code>")
				i += end + 2
				continue
			}
		case i+1 < hi && (s[i:i+2] == "**" || s[i:i+2] == "__"):
			// A failed search scans only what has no closing marker, so
			// at most twice per line.
			if end := strings.Index(s[i+2:hi], s[i:i+2]); end > 0 {
				b.WriteString("<strong>")
				r.spans(sp, i+2, i+2+end, depth+1)
				b.WriteString("</strong>")
				i += end + 4
				continue
			}
		case c == '*' || c == '_':
			// The search stops at the next marker of the same kind, so
			// the scans of one line add up to its length.
			if i+1 < hi && s[i+1] != ' ' {
				if end := strings.IndexByte(s[i+1:hi], c); end > 0 {
					b.WriteString("<em>")
					r.spans(sp, i+1, i+1+end, depth+1)
					b.WriteString("</em>")
					i += end + 2
					continue
				}
			}
		case c == '[':
			if textEnd, end, ok := sp.link(i, hi); ok {
				target := strings.TrimSpace(s[textEnd+2 : end])
				if href, safe := safeURL(target); safe {
					b.WriteString(`<a href="`)
					b.WriteString(html.EscapeString(href))
					b.WriteString(`" rel="noopener noreferrer" target="_blank">`)
					r.spans(sp, i+1, textEnd, depth+1)
					b.WriteString("</a>")
				} else {
					r.spans(sp, i+1, textEnd, depth+1)
				}
				i = end + 1
				continue
			}
		case c == '<':
			// An autolink target has no space or '<', so the scan stops
			// at the next '<' and the scans of one line add up to its
			// length.
			end := i + 1
			for end < hi && s[end] != '>' && s[end] != '<' && s[end] != ' ' {
				end++
			}
			if end < hi && s[end] == '>' {
				target := s[i+1 : end]
				if u, err := url.Parse(target); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
					b.WriteString(`<a href="`)
					b.WriteString(html.EscapeString(target))
					b.WriteString(`" rel="noopener noreferrer" target="_blank">`)
					b.WriteString(html.EscapeString(target))
					b.WriteString("</a>")
					i = end + 1
					continue
				}
			}
		}
		// Plain text up to the next special character.
		n := i + 1
		for n < hi && strings.IndexByte("\\`*_[<", s[n]) < 0 {
			n++
		}
		b.WriteString(html.EscapeString(s[i:n]))
		i = n
	}
}

// safeURL allows http, https, mailto and scheme-less (relative) targets.
func safeURL(target string) (string, bool) {
	u, err := url.Parse(target)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
	default:
		return "", false
	}
	// A scheme-less target that still contains a colon before any slash
	// would be read by some browsers as a scheme ("javascript&colon;...").
	if u.Scheme == "" {
		if c := strings.IndexByte(target, ':'); c >= 0 {
			if s := strings.IndexByte(target, '/'); s < 0 || c < s {
				return "", false
			}
		}
	}
	return target, true
}
