package fix

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const src = `package p

func f() {
	a := 1
	b := 2
	_, _ = a, b
}
`

func edit(old, new string) Edit {
	i := strings.Index(src, old)
	return Edit{File: "p.go", Start: i, End: i + len(old), New: new}
}

func read(string) ([]byte, error) { return []byte(src), nil }

func TestPlanMergesAndSkipsConflicts(t *testing.T) {
	fixes := []Fix{
		{Name: "rename a", Edits: []Edit{edit("a := 1", "x := 1"), edit("a, b", "x, b")}},
		{Name: "rename a again (duplicate, as from a test variant)", Edits: []Edit{edit("a := 1", "x := 1"), edit("a, b", "x, b")}},
		{Name: "conflicts with the first", Edits: []Edit{edit("a := 1", "y := 1")}},
		{Name: "independent", Edits: []Edit{edit("b := 2", "b := 3")}},
	}
	res := Plan(fixes, read)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	if res.Applied != 3 || len(res.Skipped) != 1 || res.Skipped[0] != 2 {
		t.Errorf("applied %d, skipped %v; want 3 applied, fix 2 skipped", res.Applied, res.Skipped)
	}
	want := strings.NewReplacer("a := 1", "x := 1", "a, b", "x, b", "b := 2", "b := 3").Replace(src)
	if got := string(res.Files["p.go"].New); got != want {
		t.Errorf("fixed:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlanFormatsAndRejectsInvalidGo(t *testing.T) {
	i := strings.Index(src, "\tb := 2\n")
	res := Plan([]Fix{{Name: "badly indented insertion", Edits: []Edit{{File: "p.go", Start: i, End: i, New: "c    :=    3\n"}}}}, read)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	if got := string(res.Files["p.go"].New); !strings.Contains(got, "\tc := 3\n\tb := 2\n") {
		t.Errorf("not gofmt-ed:\n%s", got)
	}

	res = Plan([]Fix{{Name: "breaks the syntax", Edits: []Edit{edit("a := 1", "a := (")}}}, read)
	if len(res.Errors) != 1 || len(res.Files) != 0 {
		t.Errorf("invalid result: errors %v, files %d", res.Errors, len(res.Files))
	}
}

func TestOverlaps(t *testing.T) {
	e := func(s, e int, n string) Edit { return Edit{File: "f", Start: s, End: e, New: n} }
	for _, tc := range []struct {
		a, b Edit
		want bool
	}{
		{e(0, 5, ""), e(5, 8, ""), false},  // adjacent
		{e(0, 5, ""), e(4, 8, ""), true},   // overlapping
		{e(3, 3, "x"), e(3, 3, "y"), true}, // two insertions at one point: order unknown
		{e(3, 3, "x"), e(0, 5, ""), true},  // insertion inside a replacement
		{e(0, 0, "x"), e(0, 5, ""), false}, // insertion at its start
		{e(5, 5, "x"), e(0, 5, ""), false}, // insertion at its end
		{Edit{File: "g", Start: 0, End: 5}, e(0, 5, ""), false},
	} {
		if got := overlaps(tc.a, tc.b); got != tc.want {
			t.Errorf("overlaps(%+v, %+v) = %v", tc.a, tc.b, got)
		}
	}
}

func TestUnified(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n"
	var buf bytes.Buffer
	if err := Unified(&buf, "x.txt", []byte(old), []byte(new)); err != nil {
		t.Fatal(err)
	}
	want := `--- a/x.txt
+++ b/x.txt
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -11,3 +11,4 @@
 k
 l
 m
+n
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}

	buf.Reset()
	if err := Unified(&buf, "x.txt", []byte(old), []byte(old)); err != nil || buf.Len() != 0 {
		t.Errorf("equal contents: %q, %v", buf.String(), err)
	}
}

// TestUnifiedApplies checks diffs against patch(1) semantics through git
// apply, on changes of many shapes.
func TestUnifiedApplies(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	lines := func(n int, f func(int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i) + "\n")
		}
		return b.String()
	}
	base := lines(40, func(i int) string { return "line " + string(rune('a'+i%26)) })
	cases := map[string]string{
		"insert at start":  "new\n" + base,
		"delete at end":    base[:strings.LastIndex(base[:len(base)-1], "\n")+1],
		"replace middle":   strings.Replace(base, "line k\n", "LINE K\nextra\n", 1),
		"repeated lines":   lines(40, func(i int) string { return "line " + string(rune('a'+i%3)) }),
		"no final newline": strings.TrimSuffix(base, "\n"),
		"to empty":         "",
	}
	for name, new := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(base), 0o644); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Unified(&buf, "f.txt", []byte(base), []byte(new)); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("git", "apply", "--unsafe-paths", "-")
			cmd.Dir = dir
			cmd.Stdin = &buf
			patch := buf.String()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git apply: %v\n%s\npatch:\n%s", err, out, patch)
			}
			got, err := os.ReadFile(filepath.Join(dir, "f.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != new {
				t.Errorf("after applying:\n%q\nwant:\n%q\npatch:\n%s", got, new, patch)
			}
		})
	}
}
