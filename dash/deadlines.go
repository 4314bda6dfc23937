package dash

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// requestBodyTimeout bounds the reading of a request body that no
// handler reads to its end. net/http drains up to 256 KiB of such a body
// before it answers, with no deadline of its own: a client trickling one
// byte at a time would hold the connection, and shutdown, for as long as
// it liked. Uploads, the one body dash reads, replace it with a rate-bound
// deadline (rateReader).
const requestBodyTimeout = 5 * time.Second

// boundBody sets the read deadline of a request with a body, and pulls it
// in when ctx (the server's requests) ends. The deadline stays after the
// handler returns, for net/http's drain; the next request on the
// connection gets deadlines of its own.
func boundBody(ctx context.Context, w http.ResponseWriter, r *http.Request, timeout time.Duration) func() {
	if r.Body == nil || r.Body == http.NoBody {
		return func() {}
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(timeout)) != nil {
		return func() {} // no deadlines on this connection (some HTTP/2 setups)
	}
	stop := context.AfterFunc(ctx, func() { rc.SetReadDeadline(time.Now()) })
	return func() { stop() }
}

// rateWriter enforces a minimum average rate on a response, as rateReader
// does on an upload: after grace, the client must have taken minRate
// bytes per second since it began, and no single write may wait longer
// than idle. A client that never reads a download is cut off instead of
// holding its goroutine, its connection and the server's shutdown.
type rateWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	start   time.Time
	grace   time.Duration
	idle    time.Duration
	minRate int64
	n       int64
	expired atomic.Bool // the deadline was pulled in by ctx
}

func newRateWriter(ctx context.Context, w http.ResponseWriter, grace, idle time.Duration, minRate int64) (*rateWriter, func()) {
	rw := &rateWriter{ResponseWriter: w, rc: http.NewResponseController(w), start: time.Now(), grace: grace, idle: idle, minRate: minRate}
	if rw.extend() != nil {
		return rw, func() {}
	}
	stop := context.AfterFunc(ctx, func() {
		rw.expired.Store(true)
		rw.rc.SetWriteDeadline(time.Now())
	})
	return rw, func() { stop() }
}

func (rw *rateWriter) extend() error {
	if rw.expired.Load() {
		return nil
	}
	deadline := time.Now().Add(rw.idle)
	if rw.minRate > 0 {
		due := rw.start.Add(rw.grace + time.Duration(float64(rw.n)/float64(rw.minRate)*float64(time.Second)))
		if due.Before(deadline) {
			deadline = due
		}
	}
	return rw.rc.SetWriteDeadline(deadline)
}

// Write writes in pieces of at most 64 KiB, each with a deadline computed
// from what the client has taken so far.
func (rw *rateWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), 64<<10)]
		rw.extend()
		n, err := rw.ResponseWriter.Write(chunk)
		written += n
		rw.n += int64(n)
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (rw *rateWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
