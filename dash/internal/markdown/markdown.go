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
package markdown

import (
	"html"
	"net/url"
	"strings"
)

// Render converts md to safe HTML.
func Render(md string) string {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var b strings.Builder
	renderBlocks(&b, lines)
	return b.String()
}

func renderBlocks(b *strings.Builder, lines []string) {
	for i := 0; i < len(lines); {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			i++
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence := trimmed[:3]
			lang := strings.TrimSpace(trimmed[3:])
			j := i + 1
			var code []string
			for ; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), fence); j++ {
				code = append(code, lines[j])
			}
			b.WriteString("<pre><code")
			if lang != "" {
				b.WriteString(` class="language-`)
				b.WriteString(html.EscapeString(strings.Fields(lang)[0]))
				b.WriteString(`"`)
			}
			b.WriteString(">")
			b.WriteString(html.EscapeString(strings.Join(code, "\n")))
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
			inline(b, text)
			b.WriteString("</" + tag + ">\n")
			i++
		case strings.HasPrefix(trimmed, ">"):
			var inner []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				s := strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")
				inner = append(inner, strings.TrimPrefix(s, " "))
			}
			b.WriteString("<blockquote>\n")
			renderBlocks(b, inner)
			b.WriteString("</blockquote>\n")
		case listMarker(trimmed) != "":
			i = renderList(b, lines, i)
		default:
			var para []string
			for ; i < len(lines); i++ {
				t := strings.TrimSpace(lines[i])
				if t == "" || (len(para) > 0 && startsBlock(t)) {
					break
				}
				para = append(para, lines[i])
			}
			b.WriteString("<p>")
			for k, l := range para {
				if k > 0 {
					if strings.HasSuffix(para[k-1], "  ") {
						b.WriteString("<br>\n")
					} else {
						b.WriteString("\n")
					}
				}
				inline(b, strings.TrimSpace(l))
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

// renderList renders consecutive items of one list; indented lines below an
// item (two or more spaces) form a nested block of that item.
func renderList(b *strings.Builder, lines []string, i int) int {
	kind := listMarker(strings.TrimSpace(lines[i]))
	indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " \t"))
	b.WriteString("<" + kind + ">\n")
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		ind := len(lines[i]) - len(strings.TrimLeft(lines[i], " \t"))
		if t == "" || ind != indent || listMarker(t) != kind {
			break
		}
		b.WriteString("<li>")
		inline(b, itemText(t))
		i++
		var nested []string
		for i < len(lines) {
			l := lines[i]
			lt := strings.TrimSpace(l)
			li := len(l) - len(strings.TrimLeft(l, " \t"))
			if lt == "" || li <= indent {
				break
			}
			nested = append(nested, l[min(li, indent+2):])
			i++
		}
		if len(nested) > 0 {
			b.WriteString("\n")
			renderBlocks(b, nested)
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</" + kind + ">\n")
	return i
}

// inline renders emphasis, code spans and links within one block.
func inline(b *strings.Builder, s string) {
	for len(s) > 0 {
		switch {
		case s[0] == '\\' && len(s) > 1 && strings.ContainsRune("\\`*_[]()<>#+-.!", rune(s[1])):
			b.WriteString(html.EscapeString(s[1:2]))
			s = s[2:]
			continue
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>")
				b.WriteString(html.EscapeString(s[1 : 1+end]))
				b.WriteString("</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**") || strings.HasPrefix(s, "__"):
			if end := strings.Index(s[2:], s[:2]); end > 0 {
				b.WriteString("<strong>")
				inline(b, s[2:2+end])
				b.WriteString("</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '*' || s[0] == '_':
			if end := strings.IndexByte(s[1:], s[0]); end > 0 && s[1] != ' ' {
				b.WriteString("<em>")
				inline(b, s[1:1+end])
				b.WriteString("</em>")
				s = s[end+2:]
				continue
			}
		case s[0] == '[':
			if text, target, rest, ok := parseLink(s); ok {
				if href, safe := safeURL(target); safe {
					b.WriteString(`<a href="`)
					b.WriteString(html.EscapeString(href))
					b.WriteString(`" rel="noopener noreferrer" target="_blank">`)
					inline(b, text)
					b.WriteString("</a>")
				} else {
					inline(b, text)
				}
				s = rest
				continue
			}
		case s[0] == '<':
			if end := strings.IndexByte(s, '>'); end > 0 {
				target := s[1:end]
				if u, err := url.Parse(target); err == nil && (u.Scheme == "http" || u.Scheme == "https") && !strings.ContainsAny(target, " <") {
					b.WriteString(`<a href="`)
					b.WriteString(html.EscapeString(target))
					b.WriteString(`" rel="noopener noreferrer" target="_blank">`)
					b.WriteString(html.EscapeString(target))
					b.WriteString("</a>")
					s = s[end+1:]
					continue
				}
			}
		}
		// Plain text up to the next special character.
		n := 1
		for n < len(s) && !strings.ContainsRune("\\`*_[<", rune(s[n])) {
			n++
		}
		b.WriteString(html.EscapeString(s[:n]))
		s = s[n:]
	}
}

// parseLink parses "[text](target)" at the start of s.
func parseLink(s string) (text, target, rest string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", "", false
				}
				end := strings.IndexByte(s[i+2:], ')')
				if end < 0 {
					return "", "", "", false
				}
				return s[1:i], strings.TrimSpace(s[i+2 : i+2+end]), s[i+2+end+1:], true
			}
		}
	}
	return "", "", "", false
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
