package dash

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

const kindDownloadButton = "download_button"

// pathDownload serves the file of a DownloadButton:
// GET /_dash/download?session=<id>&widget=<id>.
const pathDownload = "/_dash/download"

// DownloadButton shows a button that saves data as a file named fileName;
// contentType may be "" to detect it from the data. Like Button it returns
// true in the one run after a click. The data stays on the server and is
// served to this session only, from a URL that lives as long as the
// button is on the page.
func (ui *UI) DownloadButton(label string, data []byte, fileName, contentType string, opts ...WidgetOption) bool {
	if !ui.enter() {
		return false
	}
	if ui.form != nil {
		// A click is a trigger, and a form's only trigger is its submit
		// button; the file is for the values the form has not sent yet.
		ui.alert("error", fmt.Sprintf("DownloadButton(%q) is inside a form: put it after the form, where it can offer what the submit produced.", label))
		return false
	}
	cfg := widgetOptions(opts)
	if contentType == "" {
		contentType = mime.TypeByExtension(filepath.Ext(fileName))
		if contentType == "" {
			contentType = http.DetectContentType(data)
		}
	}
	name := filepath.Base(strings.ReplaceAll(fileName, `\`, "/"))
	if name == "." || name == "/" {
		name = "download"
	}
	id, ok := ui.claimWidget(kindDownloadButton, label, cfg.key)
	if !ok {
		return false
	}
	r := ui.r
	r.mu.Lock()
	fired := r.triggers[id]
	delete(r.triggers, id)
	r.mu.Unlock()
	payload := bytes.Clone(data) // the app may reuse its buffer
	ui.setWidgetMeta(id, &widgetMeta{
		kind: kindDownloadButton, fragment: ui.frag, trigger: true,
		onChange: cfg.onChange, current: false,
		serve: func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Cache-Control", "no-store")
			http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(payload))
		},
	})
	ui.addNode(id, kindDownloadButton, commonProps(map[string]any{
		"fileName": name, "size": len(payload),
	}, label, cfg))
	return fired
}

// serveDownload answers a DownloadButton's link with its data. Only the
// session that shows the button can fetch it, and only while the button
// is on its page.
func (srv *server) serveDownload(w http.ResponseWriter, r *http.Request) {
	if !originAllowed(r, srv.cfg.Server.AllowedOrigins) {
		http.Error(w, "cross-origin download refused", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	srv.mu.Lock()
	s := srv.sessions[q.Get("session")]
	srv.mu.Unlock()
	if s == nil {
		http.Error(w, "unknown session", http.StatusNotFound)
		return
	}
	s.mu.Lock()
	m := s.known[q.Get("widget")]
	s.mu.Unlock()
	if m == nil || m.serve == nil {
		http.Error(w, fmt.Sprintf("no download %q on this page", q.Get("widget")), http.StatusNotFound)
		return
	}
	// A client that never reads would hold the handler, its connection
	// and shutdown: the response must go at the upload's minimum rate.
	rw, stop := newRateWriter(srv.reqCtx, w, srv.uploadGrace, srv.writeIdle, srv.cfg.Server.UploadMinRate)
	defer stop()
	m.serve(rw, r)
}
