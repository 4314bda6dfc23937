// Package frontend holds the browser side of dash: one HTML shell, one
// script and one stylesheet, hand-written and dependency-free, embedded in
// the binary.
package frontend

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var files embed.FS

//go:embed index.html
var indexSource string

var index = template.Must(template.New("index").Parse(indexSource))

// IndexData fills the HTML shell.
type IndexData struct {
	Base  string // prefix the app is mounted under, "" at the root
	Title string // page title
	Page  string // the page path within the app
}

// WriteIndex writes the HTML shell.
func WriteIndex(w io.Writer, d IndexData) error {
	return index.Execute(w, d)
}

type asset struct {
	body        []byte
	etag        string
	contentType string
}

// assets are loaded once: the files are compiled in and never change, so
// their hashes make strong ETags and browsers revalidate cheaply.
var assets = func() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := map[string]string{
			".js":  "text/javascript; charset=utf-8",
			".css": "text/css; charset=utf-8",
			".svg": "image/svg+xml",
		}[path.Ext(p)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[strings.TrimPrefix(p, "static/")] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ct}
		return nil
	})
	if err != nil {
		panic("frontend: reading embedded assets: " + err.Error()) // a build defect, not input
	}
	return out
}()

// Static serves the embedded assets; mount it with http.StripPrefix.
func Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("ETag", a.etag)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, r.URL.Path, time.Time{}, bytes.NewReader(a.body))
	})
}
