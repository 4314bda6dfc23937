// Package source reads the source files that findings point into, once
// each, and answers the questions the output formats ask about them: the
// text of a line, where the token at an offset ends, and a column in
// UTF-16 code units (what SARIF counts by default).
package source

import (
	"bytes"
	"go/scanner"
	"go/token"
	"os"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Files is a cache of file contents. The zero value is ready to use and it
// is safe for concurrent use. A file that cannot be read is remembered as
// empty: callers degrade (no line text, no token end) rather than fail,
// since the finding itself is still right.
type Files struct {
	mu    sync.Mutex
	files map[string][]byte
}

// Content returns the content of the named file, or nil if it cannot be
// read.
func (fs *Files) Content(name string) []byte {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if data, ok := fs.files[name]; ok {
		return data
	}
	if fs.files == nil {
		fs.files = make(map[string][]byte)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		data = nil
	}
	fs.files[name] = data
	return data
}

// Line returns the text of the 1-based line of the named file without its
// line terminator, or "" if there is no such line.
func (fs *Files) Line(name string, line int) string {
	data := fs.Content(name)
	start, end, ok := lineBounds(data, line)
	if !ok {
		return ""
	}
	return string(bytes.TrimSuffix(data[start:end], []byte("\r")))
}

func lineBounds(data []byte, line int) (start, end int, ok bool) {
	if line < 1 {
		return 0, 0, false
	}
	for i := 1; i < line; i++ {
		nl := bytes.IndexByte(data[start:], '\n')
		if nl < 0 {
			return 0, 0, false
		}
		start += nl + 1
	}
	end = len(data)
	if nl := bytes.IndexByte(data[start:], '\n'); nl >= 0 {
		end = start + nl
	}
	return start, end, true
}

// Offset converts a 1-based line and byte column to a 0-based byte offset
// in the named file. It reports false when the file cannot be read or has
// no such line; a column past the end of the line is clamped to the line's
// end (go/token puts a position at a newline one past the last byte).
func (fs *Files) Offset(name string, line, col int) (int, bool) {
	data := fs.Content(name)
	start, end, ok := lineBounds(data, line)
	if data == nil || !ok || col < 1 {
		return 0, false
	}
	return min(start+col-1, end), true
}

// Position converts a 0-based byte offset in the named file to a 1-based
// line and byte column. It reports false when the file cannot be read or
// the offset is outside it (the end of the file is inside).
func (fs *Files) Position(name string, offset int) (line, col int, ok bool) {
	data := fs.Content(name)
	if data == nil || offset < 0 || offset > len(data) {
		return 0, 0, false
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col, true
}

// TokenEnd returns the byte offset just past the Go token that starts at
// offset in the named file, or offset itself when there is no token there
// (unreadable file, offset out of range, or end of file).
func (fs *Files) TokenEnd(name string, offset int) int {
	data := fs.Content(name)
	if offset < 0 || offset >= len(data) {
		return offset
	}
	src := data[offset:]
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	// Errors are irrelevant here: a partial token still has an extent.
	s.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	pos, tok, lit := s.Scan()
	if tok == token.EOF {
		return offset
	}
	start := file.Offset(pos)
	n := len(lit)
	if lit == "" { // operators and delimiters carry no literal
		n = len(tok.String())
	}
	// An automatically inserted semicolon has the literal "\n" and no
	// width in the source.
	if tok == token.SEMICOLON && lit == "\n" {
		n = 0
	}
	return offset + start + n
}

// UTF16Column converts a 1-based byte column on the given line to a 1-based
// column counted in UTF-16 code units. It returns byteCol unchanged when
// the line cannot be read.
func (fs *Files) UTF16Column(name string, line, byteCol int) int {
	data := fs.Content(name)
	start, end, ok := lineBounds(data, line)
	if !ok || byteCol < 1 {
		return byteCol
	}
	text := data[start:end]
	limit := min(byteCol-1, len(text))
	units := 0
	for i := 0; i < limit; {
		r, size := utf8.DecodeRune(text[i:])
		if n := utf16.RuneLen(r); n > 0 {
			units += n
		} else {
			units++ // invalid UTF-8 byte: one replacement unit
		}
		i += size
	}
	// Columns past the end of the line (a position at the newline) keep
	// their distance from the end.
	return units + 1 + (byteCol - 1 - limit)
}
