package markdown

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// hostileInputs are inputs an attacker would send to an app that renders
// what its users type. Each once crashed the process (stack overflow) or
// took seconds to quadratic scans; all must now render in one linear pass.
func hostileInputs() map[string]string {
	const n = 300 << 10
	return map[string]string{
		"deep quote":         strings.Repeat(">", 1_000_000),
		"deep quote lines":   strings.Repeat("> ", 200_000) + "x\n" + strings.Repeat(">\n", 100_000),
		"open brackets":      strings.Repeat("[", n),
		"nested links":       strings.Repeat("[", n/8) + "x" + strings.Repeat("](u)", n/8),
		"links without end":  strings.Repeat("[a](", n/4),
		"closed no paren":    strings.Repeat("[a]", n/3),
		"open angles":        strings.Repeat("<", n),
		"angles then close":  strings.Repeat("<", n) + ">",
		"autolink attempts":  strings.Repeat("<http://x", n/9),
		"stars":              strings.Repeat("*", n),
		"strong openers":     strings.Repeat("** ", n/3),
		"unclosed emphasis":  strings.Repeat("*a", n/2),
		"nested emphasis":    strings.Repeat("**_", n/6) + strings.Repeat("_**", n/6),
		"backticks":          strings.Repeat("`a", n/2),
		"escapes":            strings.Repeat("\\[", n/2),
		"nested lists":       nestedList(700),
		"many list items":    strings.Repeat("- a\n", n/4),
		"quote in list":      strings.Repeat("- > ", n/4),
		"fence opened":       "```\n" + strings.Repeat("x\n", n/2),
		"many fences":        strings.Repeat("```\n", n/4),
		"hard breaks":        strings.Repeat("a  \n", n/4),
		"headings":           strings.Repeat("###### [", n/8),
		"mixed":              strings.Repeat("> - [*_`<", n/9),
		"crlf":               strings.Repeat(">\r\n", n/3),
		"long lines of tabs": strings.Repeat("\t", n) + "- x",
	}
}

// nestedList is a list nested depth deep, each level indented two spaces
// more than its parent.
func nestedList(depth int) string {
	var b strings.Builder
	for d := range depth {
		b.WriteString(strings.Repeat("  ", d))
		b.WriteString("- item\n")
	}
	return b.String()
}

// TestHostileInputsRenderQuickly renders each hostile input. A regression
// to recursion per level crashes the test binary (a stack overflow cannot
// be recovered); a regression to a quadratic scan takes tens of seconds
// (300 KB of '[' took 29 s, minutes under -race) against a bound of 20 s
// that a linear pass (under 100 ms, BenchmarkHostile) meets a hundred times
// over even under the race detector on a loaded machine.
func TestHostileInputsRenderQuickly(t *testing.T) {
	for name, in := range hostileInputs() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out := Render(in)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("rendering %d bytes took %v", len(in), d)
			}
			// Output grows at most by a constant factor (escaping and tags).
			if len(out) > 20*len(in)+100 {
				t.Errorf("%d bytes rendered to %d", len(in), len(out))
			}
			checkSafe(t, name, out)
		})
	}
}

func TestNestingBeyondTheLimitIsText(t *testing.T) {
	deep := strings.Repeat(">", MaxNesting+5) + " x"
	out := Render(deep)
	if got := strings.Count(out, "<blockquote>"); got != MaxNesting {
		t.Errorf("%d nested block quotes, want the limit %d: %q", got, MaxNesting, out)
	}
	if !strings.Contains(out, "<p>&gt;&gt;&gt;&gt;&gt; x</p>") {
		t.Errorf("the levels beyond the limit are not shown as text: %q", out)
	}
	if got := strings.Count(Render(nestedList(MaxNesting+5)), "<ul>"); got != MaxNesting {
		t.Errorf("%d nested lists, want the limit %d", got, MaxNesting)
	}
	links := strings.Repeat("[", MaxNesting+3) + "x" + strings.Repeat("](/u)", MaxNesting+3)
	if got := strings.Count(Render(links), "<a "); got != MaxNesting {
		t.Errorf("%d nested links, want the limit %d", got, MaxNesting)
	}
	// Within the limit, nesting renders as before.
	if got, want := Render("> > > x"), "<blockquote>\n<blockquote>\n<blockquote>\n<p>x</p>\n</blockquote>\n</blockquote>\n</blockquote>\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEscapedBracketsDoNotMakeLinks(t *testing.T) {
	cases := map[string]string{
		`[a\]](/u)`:  `<p><a href="/u" rel="noopener noreferrer" target="_blank">a]</a></p>` + "\n",
		`\[a](/u)`:   "<p>[a](/u)</p>\n",
		`[a \](/u)`:  "<p>[a ](/u)</p>\n",
		`[[a](/u)](`: `<p>[<a href="/u" rel="noopener noreferrer" target="_blank">a</a>](</p>` + "\n",
	}
	for in, want := range cases {
		if got := Render(in); got != want {
			t.Errorf("Render(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestRenderContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := strings.Repeat("paragraph *with* [a link](/x)\n\n", 10_000)
	out, err := RenderContext(ctx, in)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if full := Render(in); len(out) >= len(full) {
		t.Errorf("a cancelled render wrote all %d bytes", len(out))
	}
	// One long line is checked within, not only between blocks.
	out, err = RenderContext(ctx, strings.Repeat("*a* ", 100_000))
	if !errors.Is(err, context.Canceled) || len(out) > 100_000 {
		t.Errorf("cancelled render of one long line: err %v, %d bytes", err, len(out))
	}
	if out, err := RenderContext(context.Background(), "# x"); err != nil || out != "<h1>x</h1>\n" {
		t.Errorf("RenderContext = %q, %v", out, err)
	}
}

// BenchmarkHostile reports the cost per input byte of each hostile input:
// linear rendering keeps every one within a small constant of the others.
func BenchmarkHostile(b *testing.B) {
	for name, in := range hostileInputs() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				Render(in)
			}
		})
	}
}
