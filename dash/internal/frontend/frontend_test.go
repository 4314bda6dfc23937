package frontend

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteIndexEscapes(t *testing.T) {
	var b strings.Builder
	err := WriteIndex(&b, IndexData{Base: "/tools", Title: `</title><script>alert(1)</script>`, Page: "/a\"b"})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<script>alert") || strings.Contains(out, `data-page="/a"b"`) {
		t.Errorf("the shell does not escape its data:\n%s", out)
	}
	if !strings.Contains(out, `src="/tools/_dash/static/app.js"`) {
		t.Errorf("the script is not loaded from the base:\n%s", out)
	}
}

func TestStaticServesAssetsWithETags(t *testing.T) {
	h := http.StripPrefix("/static/", Static()) // as the server mounts it
	for _, name := range []string{"app.js", "app.css"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/"+name, nil))
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 || etag == "" {
			t.Fatalf("%s: %d, %d bytes, etag %q", name, rec.Code, rec.Body.Len(), etag)
		}
		req := httptest.NewRequest("GET", "/static/"+name, nil)
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("%s with a matching ETag: %d, want 304", name, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/missing.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("missing asset: %d", rec.Code)
	}
}
