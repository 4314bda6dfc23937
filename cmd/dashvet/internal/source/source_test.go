package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f.go")
	src := "package p\n\nvar s = \"héllo\" + x // ünïcode 😀 end\nfunc f() { ui.State().Set(\"k\", 0) }\r\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var fs Files
	if got := fs.Line(name, 3); got != "var s = \"héllo\" + x // ünïcode 😀 end" {
		t.Errorf("Line 3 = %q", got)
	}
	if got := fs.Line(name, 4); strings.HasSuffix(got, "\r") {
		t.Errorf("Line 4 keeps the CR: %q", got)
	}
	if got := fs.Line(name, 9); got != "" {
		t.Errorf("Line 9 = %q", got)
	}

	for _, tc := range []struct{ at, want string }{
		{`"héllo"`, `"héllo"`},
		{"+ x", "+"},
		{"var", "var"},
		{"ui.State", "ui"},
		{"// ünïcode", "// ünïcode 😀 end"},
	} {
		off := strings.Index(src, tc.at)
		if end := fs.TokenEnd(name, off); src[off:end] != tc.want {
			t.Errorf("TokenEnd at %q: token %q, want %q", tc.at, src[off:end], tc.want)
		}
	}
	if got := fs.TokenEnd(name, len(src)+5); got != len(src)+5 {
		t.Errorf("TokenEnd past the end = %d", got)
	}
	if got := fs.TokenEnd(filepath.Join(t.TempDir(), "missing.go"), 3); got != 3 {
		t.Errorf("TokenEnd of a missing file = %d", got)
	}

	// "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
	line3 := fs.Line(name, 3)
	after := strings.Index(line3, "+") + 1 // byte column of "+"
	if got := fs.UTF16Column(name, 3, after); got != after-1 {
		t.Errorf("UTF16Column after é = %d, want %d", got, after-1)
	}
	end := strings.Index(line3, "end") + 1
	// é (-1), ü (-1), ï (-1), 😀 (4 bytes -> 2 units: -2)
	if got := fs.UTF16Column(name, 3, end); got != end-5 {
		t.Errorf("UTF16Column of end = %d, want %d", got, end-5)
	}
	if got := fs.UTF16Column(name, 1, 3); got != 3 {
		t.Errorf("ASCII column changed: %d", got)
	}
}

func TestOffsetPosition(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f.go")
	src := "package p\n\nvar s = \"héllo\" + x\r\nfunc f() {}\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var fs Files
	// Every offset converts to a line and column and back.
	for off := 0; off <= len(src); off++ {
		line, col, ok := fs.Position(name, off)
		if !ok {
			t.Fatalf("Position(%d) failed", off)
		}
		wantLine := strings.Count(src[:off], "\n") + 1
		wantCol := off - strings.LastIndex(src[:off], "\n")
		if line != wantLine || col != wantCol {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", off, line, col, wantLine, wantCol)
		}
		if back, ok := fs.Offset(name, line, col); !ok || back != off {
			t.Errorf("Offset(%d:%d) = %d %v, want %d", line, col, back, ok, off)
		}
	}
	if _, _, ok := fs.Position(name, len(src)+1); ok {
		t.Error("Position past the end of the file succeeded")
	}
	if _, ok := fs.Offset(name, 9, 1); ok {
		t.Error("Offset of a line past the end succeeded")
	}
	// A column past the end of a line stops at its end.
	if off, ok := fs.Offset(name, 1, 80); !ok || off != len("package p") {
		t.Errorf("Offset(1:80) = %d %v, want %d", off, ok, len("package p"))
	}
	if _, ok := fs.Offset(filepath.Join(t.TempDir(), "missing.go"), 1, 1); ok {
		t.Error("Offset in a missing file succeeded")
	}
}
