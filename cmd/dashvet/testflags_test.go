package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestAndTagsFlags checks that -test=false drops the findings in test
// files (go vet always analyses them) and that -tags reaches go vet.
func TestTestAndTagsFlags(t *testing.T) {
	t.Parallel()
	dir := newModule(t)
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "clean", name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const app = `import "github.com/dashvet/dashvet/dash"

func testApp(ui *dash.UI) {
	ui.State().Set("n", 0)
}
`
	write("app_test.go", "package clean\n\n"+app)
	write("tagged.go", "//go:build special\n\npackage clean\n\n"+strings.ReplaceAll(app, "testApp", "taggedApp"))

	r := dashvet(t, dir, "-color=never", "./clean")
	if r.code != 1 || !strings.Contains(r.stdout, "clean/app_test.go:6:2: stateinit") {
		t.Errorf("default -test=true: exit %d, want 1 and the finding in app_test.go\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "tagged.go") {
		t.Errorf("a file excluded by its build tag was analysed:\n%s", r.stdout)
	}
	if r := dashvet(t, dir, "-color=never", "-test=false", "./clean"); r.code != 0 || strings.Contains(r.stdout, "app_test.go") {
		t.Errorf("-test=false: exit %d, want 0 and no finding in a test file\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = dashvet(t, dir, "-color=never", "-test=false", "-tags=special", "./clean")
	if r.code != 1 || !strings.Contains(r.stdout, "clean/tagged.go:8:2: stateinit") {
		t.Errorf("-tags=special: exit %d, want 1 and the finding in tagged.go\n%s%s", r.code, r.stdout, r.stderr)
	}
}
