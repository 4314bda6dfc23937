package diffscope

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	root := filepath.FromSlash("/repo")
	diff := `diff --git a/app/app.go b/app/app.go
index 1111111..2222222 100644
--- a/app/app.go
+++ b/app/app.go
@@ -3,0 +4,2 @@ import (
+	"fmt"
+	"os"
@@ -10 +12 @@ func App(ui *dash.UI) {
-	old()
+	new()
@@ -20,2 +22,0 @@ func gone() {
-	a()
-	b()
diff --git a/old.go b/old.go
deleted file mode 100644
--- a/old.go
+++ /dev/null
@@ -1,2 +0,0 @@
-package old
-
diff --git "a/we\303\251ird name.go" "b/we\303\251ird name.go"
--- "a/we\303\251ird name.go"
+++ "b/we\303\251ird name.go"
@@ -1,4 +1,5 @@
 package p
 
+var x = 1
 var y = 2
-var z = 3
+var z = 4
\ No newline at end of file
`
	s, err := Parse(strings.NewReader(diff), root)
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(root, "app", "app.go")
	weird := filepath.Join(root, "weéird name.go")
	for _, tc := range []struct {
		file string
		line int
		want bool
	}{
		{app, 3, false}, {app, 4, true}, {app, 5, true}, {app, 6, false},
		{app, 11, false}, {app, 12, true}, {app, 13, false},
		{app, 22, false}, // deletions add no line
		{filepath.Join(root, "old.go"), 1, false},
		{weird, 1, false}, {weird, 2, false}, {weird, 3, true}, {weird, 4, false}, {weird, 5, true},
	} {
		if got := s.Contains(tc.file, tc.line); got != tc.want {
			t.Errorf("Contains(%s, %d) = %v, want %v", tc.file, tc.line, got, tc.want)
		}
	}

	s.AddWhole(filepath.Join(root, "new.go"))
	if !s.Contains(filepath.Join(root, "new.go"), 999) {
		t.Error("AddWhole: line 999 of a whole file is not in scope")
	}
}

// TestParseDiffU parses the output of `diff -u` (timestamps after a tab,
// no a/ b/ prefixes, absolute names).
func TestParseDiffU(t *testing.T) {
	diff := "--- /tmp/x/a.go\t2026-01-01 00:00:00.000000000 +0000\n" +
		"+++ /tmp/x/a.go\t2026-01-02 00:00:00.000000000 +0000\n" +
		"@@ -1 +1,2 @@\n package a\n+var v int\n"
	s, err := Parse(strings.NewReader(diff), "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Contains("/tmp/x/a.go", 2) || s.Contains("/tmp/x/a.go", 1) {
		t.Errorf("diff -u: wrong lines in scope")
	}
}

func TestParseErrors(t *testing.T) {
	for _, diff := range []string{
		"+++ b/a.go\n@@ -1 +x @@\n",
		"+++ b/a.go\n@@ garbage\n",
		"+++ \"b/unterminated\n",
	} {
		if _, err := Parse(strings.NewReader(diff), "/r"); err == nil {
			t.Errorf("Parse(%q): no error", diff)
		}
	}
}

func TestContainsThroughSymlink(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("cannot create symlinks here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(real, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	realRoot, err := filepath.EvalSymlinks(real)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(strings.NewReader("+++ b/a.go\n@@ -0,0 +1 @@\n+package a\n"), realRoot)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Contains(filepath.Join(link, "a.go"), 1) {
		t.Error("a file named through a symlink is not matched to its real path")
	}
}
