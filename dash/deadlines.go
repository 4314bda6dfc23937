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

// rateBound is a minimum average rate kept with a connection deadline
// (set: the read or the write deadline): after grace, the client must
// have moved minRate bytes per second since it began (n, counted by the
// user), and no single read or write may wait longer than idle. When ctx
// ends (shutdown), the deadline is pulled in to now.
type rateBound struct {
	set     func(time.Time) error
	start   time.Time
	grace   time.Duration
	idle    time.Duration
	minRate int64
	n       int64
	expired atomic.Bool // the deadline was pulled in by ctx
}

func newRateBound(ctx context.Context, set func(time.Time) error, grace, idle time.Duration, minRate int64) (*rateBound, func()) {
	b := &rateBound{set: set, start: time.Now(), grace: grace, idle: idle, minRate: minRate}
	if b.extend() != nil {
		// The connection has no deadlines (an HTTP/2 stream through some
		// transports): no rate bound.
		return b, func() {}
	}
	stop := context.AfterFunc(ctx, func() {
		b.expired.Store(true)
		b.set(time.Now())
	})
	return b, func() { stop() }
}

func (b *rateBound) extend() error {
	if b.expired.Load() {
		return nil
	}
	deadline := time.Now().Add(b.idle)
	if b.minRate > 0 {
		due := b.start.Add(b.grace + time.Duration(float64(b.n)/float64(b.minRate)*float64(time.Second)))
		if due.Before(deadline) {
			deadline = due
		}
	}
	return b.set(deadline)
}

// rateWriter enforces a minimum average rate on a response (see
// rateBound): a client that never reads a download is cut off instead of
// holding its goroutine, its connection and the server's shutdown.
type rateWriter struct {
	http.ResponseWriter
	*rateBound
}

func newRateWriter(ctx context.Context, w http.ResponseWriter, grace, idle time.Duration, minRate int64) (*rateWriter, func()) {
	b, stop := newRateBound(ctx, http.NewResponseController(w).SetWriteDeadline, grace, idle, minRate)
	return &rateWriter{ResponseWriter: w, rateBound: b}, stop
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
