package dash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// serveUpload receives a file for a widget: POST
// /_dash/upload?session=<id>&widget=<id>. The body is bounded by
// MaxUploadSize. The widget decides how to read it (meta.upload, set by
// upload widgets such as FileUploader); the value it returns is applied like
// a "set" message, so it reruns the app (or is staged inside a form).
func (srv *server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if !originAllowed(r, srv.cfg.Server.AllowedOrigins) {
		srv.metrics.uploadRejected("forbidden")
		http.Error(w, "cross-origin upload refused", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	srv.mu.Lock()
	s := srv.sessions[q.Get("session")]
	srv.mu.Unlock()
	if s == nil {
		srv.metrics.uploadRejected("unknown_session")
		http.Error(w, "unknown session", http.StatusNotFound)
		return
	}
	limits := srv.cfg.Server
	widget := q.Get("widget")
	held := s.uploadBytesReclaiming(widget, limits.MaxSessionUploads)
	body := http.MaxBytesReader(w, r.Body, limits.MaxUploadSize)
	capped := &sessionCapReader{r: body, s: s, held: held, limit: limits.MaxSessionUploads}
	defer capped.done()
	// A client trickling its body would hold the handler (and shutdown)
	// for as long as it liked.
	timed, stop := newRateReader(srv.reqCtx, w, capped, srv.uploadGrace, uploadIdle, limits.UploadMinRate)
	defer stop()
	// The widget reads a copy of the request: net/http looks at the
	// original's body, once the handler returns, to decide whether to
	// drain it, and must see its own type there.
	r = r.WithContext(context.WithValue(r.Context(), uploadEnvKey{}, &uploadEnv{memLimit: limits.MaxUploadMemory, diskLimit: limits.MaxUploadDisk}))
	r.Body = struct {
		io.Reader
		io.Closer
	}{timed, body}
	err := errSessionUploads
	if held < limits.MaxSessionUploads {
		err = s.upload(widget, r)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			srv.metrics.uploadRejected("too_large")
			http.Error(w, fmt.Sprintf("upload exceeds the limit of %d bytes", tooBig.Limit), http.StatusRequestEntityTooLarge)
		case errors.Is(err, errSessionUploads):
			srv.metrics.uploadRejected("session_limit")
			http.Error(w, fmt.Sprintf("this session's uploads would exceed their limit of %d bytes in all; remove a file first", limits.MaxSessionUploads), http.StatusRequestEntityTooLarge)
		case errors.Is(err, errUploadDisk):
			srv.metrics.uploadRejected("disk_limit")
			http.Error(w, errUploadDisk.Error(), http.StatusInsufficientStorage)
		case errors.Is(err, errUploadTooSlow):
			srv.metrics.uploadRejected("too_slow")
			http.Error(w, err.Error(), http.StatusRequestTimeout)
		case errors.Is(err, errUnknownWidget):
			srv.metrics.uploadRejected("unknown_widget")
			http.Error(w, err.Error(), http.StatusNotFound)
		default:
			srv.metrics.uploadRejected("rejected")
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
		// One line a minute per client: a client posting rejected
		// uploads in a loop must not fill the log.
		if client := clientKey(r, srv.proxies); srv.clientLogs.allow("upload " + client) {
			srv.log.Warn("dash: upload rejected (further rejections for this client are not logged for a minute)", "client", client, "session", s.logID(), "err", err)
		}
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// upload hands the request to the widget's upload reader and applies the
// value it returns. The body is read without holding the session lock.
func (s *session) upload(id string, r *http.Request) error {
	s.mu.Lock()
	m := s.known[id]
	s.mu.Unlock()
	if m == nil || m.upload == nil {
		return fmt.Errorf("upload for %q: %w", id, errUnknownWidget)
	}
	v, err := m.upload(r)
	if err != nil {
		return fmt.Errorf("upload for %q: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if fs, ok := v.([]*UploadedFile); ok {
		s.keepHoldsLocked(fs)
	}
	if s.known[id] == nil {
		return fmt.Errorf("upload for %q: the widget is gone: %w", id, errUnknownWidget)
	}
	if m.form != "" {
		s.staged[id] = v
		return nil
	}
	s.applyLocked(id, s.known[id], v)
	return nil
}

// originAllowed applies the WebSocket's Origin rule to plain requests: no
// Origin (not a browser) or the request's own host is allowed, and so is
// an origin matching one of patterns (host patterns, or scheme://host
// patterns, as in websocket.AcceptOptions.OriginPatterns).
func originAllowed(r *http.Request, patterns []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range patterns {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return true
		}
	}
	return false
}
