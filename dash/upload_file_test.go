package dash

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// postFiles uploads files (name → content) to widget id of c's session.
func postFiles(t *testing.T, hs *httptest.Server, c *testClient, id string, files ...[2]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f[1])
	}
	mw.Close()
	url := fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, pathUpload, c.welcome.Session, id)
	resp, err := hs.Client().Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(msg))
}

func describe(fs []*UploadedFile) string {
	var parts []string
	for _, f := range fs {
		b, err := f.Bytes()
		if err != nil {
			return "error: " + err.Error()
		}
		head, _ := io.ReadAll(io.LimitReader(f.Open(), 5))
		parts = append(parts, fmt.Sprintf("%s/%d/%s/%d/spooled=%v/head=%s", f.Name, f.Size, f.ContentType,
			len(b), f.file != nil, head))
	}
	return "files=" + strings.Join(parts, ",")
}

func TestFileUploader(t *testing.T) {
	const limit = 6 << 20
	// Spool files go to TMPDIR.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	big := strings.Repeat("0123456789", (uploadMemoryLimit/10)+100) // just over the memory limit
	hs, _ := startPage(t, func(ui *UI) {
		one := ui.FileUploader("csv", AcceptExtensions("CSV"), AcceptContentTypes("text/plain"))
		many := ui.FileUploader("many", AcceptMultiple())
		ui.Text(describe(one) + " | " + describe(many))
	}, MaxUploadSize(limit))
	c := dial(t, hs, "", "/")
	els := c.waitText("files= | files=")
	csv, many := widgetID(t, els, kindFileUploader, "csv"), widgetID(t, els, kindFileUploader, "many")
	if p := find(els, kindFileUploader)[0].props; fmt.Sprint(p["accept"]) != "[.csv]" || p["multiple"] != false {
		t.Errorf("uploader props %v", p)
	}

	if code, msg := postFiles(t, hs, c, csv, [2]string{`C:\Users\me\..\sales.csv`, "a,b\n1,2\n"}); code != http.StatusNoContent {
		t.Fatalf("upload = %d %s", code, msg)
	}
	els = c.waitText("files=sales.csv/8/text/plain; charset=utf-8/8/spooled=false/head=a,b\n1 | files=")
	if v := find(els, kindFileUploader)[0].props["value"]; fmt.Sprint(v) != "[map[name:sales.csv size:8 type:text/plain; charset=utf-8]]" {
		t.Errorf("uploader value sent to the browser: %v", v)
	}

	code, msg := postFiles(t, hs, c, many, [2]string{"a.txt", "hello"}, [2]string{"../../etc/big.bin", big})
	if code != http.StatusNoContent {
		t.Fatalf("multiple upload = %d %s", code, msg)
	}
	c.waitText(fmt.Sprintf("files=sales.csv/8/text/plain; charset=utf-8/8/spooled=false/head=a,b\n1 | files=a.txt/5/text/plain; charset=utf-8/5/spooled=false/head=hello,big.bin/%d/text/plain; charset=utf-8/%[1]d/spooled=true/head=01234", len(big)))

	// The spool file and its private directory are unlinked at once:
	// nothing is left in TMPDIR.
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) != 0 {
		t.Errorf("TMPDIR %s holds %v (err %v), want nothing", tmp, entries, err)
	}

	for _, bad := range []struct {
		id    string
		files [][2]string
		code  int
		want  string
	}{
		{csv, [][2]string{{"x.exe", "MZ"}}, http.StatusBadRequest, `"x.exe" is not a .csv file`},
		{csv, [][2]string{{"x.csv", "\x89PNG\r\n\x1a\n0000"}}, http.StatusBadRequest, "has content image/png, not text/plain"},
		{csv, [][2]string{{"a.csv", "1"}, {"b.csv", "2"}}, http.StatusBadRequest, "too many files (this uploader takes one)"},
		{csv, nil, http.StatusBadRequest, "no file in the upload"},
		{many, [][2]string{{"huge.bin", strings.Repeat("x", limit+1)}}, http.StatusRequestEntityTooLarge, fmt.Sprintf("upload exceeds the limit of %d bytes", limit)},
		{"nope", [][2]string{{"a", "b"}}, http.StatusNotFound, "unknown widget"},
	} {
		code, msg := postFiles(t, hs, c, bad.id, bad.files...)
		if code != bad.code || !strings.Contains(msg, bad.want) {
			t.Errorf("upload %v: %d %q, want %d and %q", bad.files, code, msg, bad.code, bad.want)
		}
	}
	// Not multipart at all.
	url := fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, pathUpload, c.welcome.Session, csv)
	if resp, err := hs.Client().Post(url, "text/csv", strings.NewReader("a,b")); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("non-multipart upload: %v %v", resp.StatusCode, err)
	}

	// Clearing with a set; anything else in a set is refused.
	c.set(csv, []any{})
	c.waitText(fmt.Sprintf("files= | files=a.txt/5/text/plain; charset=utf-8/5/spooled=false/head=hello,big.bin/%d/text/plain; charset=utf-8/%[1]d/spooled=true/head=01234", len(big)))
	c.set(csv, []string{"x"})
	if msg := c.expectError(); !strings.Contains(msg, "can only be cleared") {
		t.Errorf("set with files: %q", msg)
	}

	// The rejections are counted by reason.
	_, metrics := get(t, hs, pathMetrics)
	for _, want := range []string{
		`dash_upload_rejections_total{reason="rejected"} 5`,
		`dash_upload_rejections_total{reason="too_large"} 1`,
		`dash_upload_rejections_total{reason="unknown_widget"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestUploadRefusedCrossOriginAndUnknownSession(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) { ui.FileUploader("f") })
	c := dial(t, hs, "", "/")
	els := c.waitRender("uploader", func(els []element) bool { return len(find(els, kindFileUploader)) == 1 })
	id := widgetID(t, els, kindFileUploader, "f")
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, pathUpload, c.welcome.Session, id), strings.NewReader(""))
	req.Header.Set("Origin", "https://evil.example")
	resp, err := hs.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin upload: %v %v", resp.StatusCode, err)
	}
	resp, err = hs.Client().Post(fmt.Sprintf("%s%s?session=nope&widget=%s", hs.URL, pathUpload, id), "text/plain", strings.NewReader(""))
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown session: %v %v", resp.StatusCode, err)
	}
}

func TestDownloadButton(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		content := ui.TextInput("content", "a,b\n1,2\n")
		if ui.DownloadButton("Export", []byte(content), "../report.csv", "") {
			ui.Text("clicked")
		}
		ui.DownloadButton("Raw", []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "", "")
		ui.Form("f", func(f *UI) {
			f.DownloadButton("In a form", nil, "x", "")
			f.SubmitButton("Send")
		})
		ui.Text("ready")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("ready")
	id := widgetID(t, els, kindDownloadButton, "Export")
	if a := find(els, kindAlert); len(a) != 1 || !strings.Contains(a[0].props["text"].(string), `DownloadButton("In a form") is inside a form`) {
		t.Errorf("DownloadButton in a form: want an error element: %s", dump(els))
	}
	if p := find(els, kindDownloadButton)[0].props; p["fileName"] != "report.csv" || p["size"] != 8.0 {
		t.Errorf("download props %v", p)
	}
	fetch := func(session, widget string) (*http.Response, string) {
		return get(t, hs, fmt.Sprintf("%s?session=%s&widget=%s", pathDownload, session, widget))
	}
	resp, body := fetch(c.welcome.Session, id)
	if resp.StatusCode != http.StatusOK || body != "a,b\n1,2\n" {
		t.Fatalf("download = %d %q", resp.StatusCode, body)
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || cd != `attachment; filename=report.csv` {
		t.Errorf("headers: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	resp, _ = fetch(c.welcome.Session, widgetID(t, els, kindDownloadButton, "Raw"))
	if ct := resp.Header.Get("Content-Type"); ct != "image/png" || resp.Header.Get("Content-Disposition") != "attachment; filename=download" {
		t.Errorf("sniffed download: %q %q", ct, resp.Header.Get("Content-Disposition"))
	}

	// The file follows the app: a new value serves new bytes.
	c.set(widgetID(t, els, kindTextInput, "content"), "x")
	c.waitRender("new size", func(els []element) bool {
		b := find(els, kindDownloadButton)
		return len(b) == 2 && b[0].props["size"] == 1.0
	})
	if _, body := fetch(c.welcome.Session, id); body != "x" {
		t.Errorf("after the change the download is %q", body)
	}

	// Another session, or an unknown widget, gets nothing.
	other := dial(t, hs, "", "/")
	other.waitText("ready")
	if resp, _ := fetch(other.welcome.Session, "nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown widget: %d", resp.StatusCode)
	}
	if resp, _ := fetch("nope", id); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown session: %d", resp.StatusCode)
	}

	c.click(id)
	c.waitText("clicked")
}

func TestMetricsEndpoint(t *testing.T) {
	// Caches of the same name are summed in /metrics, and an earlier run of
	// this test (-count=2) may still have its cache registered: a name of
	// this run's own.
	name := fmt.Sprintf("metrics-test-cache-%d", time.Now().UnixNano())
	cache := CacheData(func(_ context.Context, k int) (int, error) { return k * 2, nil }, CacheName(name))
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 1)
		v, _ := cache.Get(ui.Context(), n)
		ui.Text(fmt.Sprintf("v=%d", v))
		ui.Fragment("f", func(f *UI) {
			if f.Button("go") {
				f.Text("went")
			}
		})
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("v=2")
	c.set(widgetID(t, els, kindSlider, "n"), 1) // same value: a cache hit
	c.waitText("v=2")
	c.click(widgetID(t, els, kindButton, "go"))
	c.waitText("went")

	resp, body := get(t, hs, pathMetrics)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		"dash_sessions 1",
		"dash_connections 1",
		`dash_reruns_total{outcome="completed",scope="fragment"} 1`,
		`dash_rerun_duration_seconds_count{scope="page"}`,
		`dash_cache_misses_total{cache="` + name + `"} 1`,
		`dash_cache_entries{cache="` + name + `"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if hits := `dash_cache_hits_total{cache="` + name + `"} `; !strings.Contains(body, hits) || strings.Contains(body, hits+"0") {
		t.Errorf("cache hits not counted:\n%s", grepLines(body, name))
	}
	// A page may not take the metrics path.
	app := NewApp().Page("/metrics", "M", func(*UI) {})
	if err := app.err(); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("page at /metrics: %v", err)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
