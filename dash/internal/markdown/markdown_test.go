package markdown

import (
	"html"
	"net/url"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct{ in, want string }{
		{"# Title", "<h1>Title</h1>\n"},
		{"### Three ###", "<h3>Three</h3>\n"},
		{"#nospace", "<p>#nospace</p>\n"},
		{"a **b** *c* `d<e>`", "<p>a <strong>b</strong> <em>c</em> <code>d&lt;e&gt;</code></p>\n"},
		{"line one  \nline two", "<p>line one<br>\nline two</p>\n"},
		{"- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"- a\n  - nested", "<ul>\n<li>a\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>\n"},
		{"> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"},
		{"---", "<hr>\n"},
		{"```go\nx := 1 < 2\n```", "<pre><code class=\"language-go\">x := 1 &lt; 2</code></pre>\n"},
		{"[docs](https://example.com/a?b=1&c=2)", `<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">docs</a></p>` + "\n"},
		{"[rel](/sales)", `<p><a href="/sales" rel="noopener noreferrer" target="_blank">rel</a></p>` + "\n"},
		{"<https://example.com>", `<p><a href="https://example.com" rel="noopener noreferrer" target="_blank">https://example.com</a></p>` + "\n"},
		{`\*not em\*`, "<p>*not em*</p>\n"},
		{"para\n# heading", "<p>para</p>\n<h1>heading</h1>\n"},
	}
	for _, tc := range cases {
		if got := Render(tc.in); got != tc.want {
			t.Errorf("Render(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// Every input must come out without markup the renderer did not write
// itself: only its own tags, and links only to http(s), mailto or relative
// targets.
func TestRenderEscapesRawHTMLAndUnsafeLinks(t *testing.T) {
	attacks := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`[x](javascript:alert(1))`,
		`[x](JaVaScRiPt:alert(1))`,
		`[x]( javascript:alert(1))`,
		`[x](data:text/html;base64,PHNjcmlwdD4=)`,
		`[x](vbscript:msgbox)`,
		`[x]("><script>alert(1)</script>)`,
		`[x](javascript&colon;alert(1))`,
		"```\n</code><script>alert(1)</script>\n```",
		"`<b>`",
		`**<iframe src=//evil>**`,
		`<javascript:alert(1)>`,
		`# <svg onload=alert(1)>`,
		"- <style>body{display:none}</style>",
	}
	for _, in := range attacks {
		checkSafe(t, in, Render(in))
	}
	if out := Render(`[x](javascript:alert(1))`); strings.Contains(out, "<a") {
		t.Errorf("a javascript: link became a link: %q", out)
	}
}

var allowedTags = map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "p": true,
	"br": true, "strong": true, "em": true, "code": true, "pre": true, "ul": true, "ol": true, "li": true,
	"blockquote": true, "hr": true, "a": true}

// checkSafe scans out for tags and attributes. Text between tags cannot
// contain '<' (the renderer escapes it), so every '<' starts a tag the
// renderer wrote.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	for i := 0; i < len(out); i++ {
		if out[i] != '<' {
			continue
		}
		end := strings.IndexByte(out[i:], '>')
		if end < 0 {
			t.Fatalf("Render(%q) = %q: unterminated tag", in, out)
		}
		tag := strings.TrimPrefix(out[i+1:i+end], "/")
		name, attrs, _ := strings.Cut(tag, " ")
		if !allowedTags[name] {
			t.Fatalf("Render(%q) = %q emits tag %q", in, out, name)
		}
		if attrs == "" {
			continue
		}
		switch name {
		case "a":
			href, ok := strings.CutPrefix(attrs, `href="`)
			if !ok {
				t.Fatalf("Render(%q) = %q: link attributes %q", in, out, attrs)
			}
			target := html.UnescapeString(href[:strings.IndexByte(href, '"')])
			u, err := url.Parse(target)
			if err != nil {
				t.Fatalf("Render(%q) = %q: unparsable href %q", in, out, target)
			}
			if s := strings.ToLower(u.Scheme); s != "" && s != "http" && s != "https" && s != "mailto" {
				t.Fatalf("Render(%q) = %q: href with scheme %q", in, out, s)
			}
		case "code":
			if !strings.HasPrefix(attrs, `class="language-`) || strings.ContainsAny(attrs[len(`class="language-`):len(attrs)-1], `"<>`) {
				t.Fatalf("Render(%q) = %q: code attributes %q", in, out, attrs)
			}
		default:
			t.Fatalf("Render(%q) = %q: %s has attributes %q", in, out, name, attrs)
		}
	}
}

func FuzzRenderIsSafe(f *testing.F) {
	for _, s := range []string{"# a", "<b>x</b>", "[a](b)", "- a\n  - b", "```x\n<x>\n```", "**a *b* c**", "[a](javascript:x)"} {
		f.Add(s)
	}
	// Large structured seeds, so the fuzzer mutates deep nesting and long
	// runs instead of having to grow them from short strings.
	for _, s := range hostileInputs() {
		if len(s) > 64<<10 {
			s = s[:64<<10]
		}
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { checkSafe(t, in, Render(in)) })
}
