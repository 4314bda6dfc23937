package dash

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// errClientBusy refuses a new session to a client that holds
// MaxSessionsPerClient connected sessions already.
var errClientBusy = errors.New("too many sessions from this client")

// busyError is a refused session with the time after which a retry may
// succeed. Its text is the close reason the browser shows.
type busyError struct {
	cause error
	retry time.Duration
}

func (e *busyError) Error() string {
	return fmt.Sprintf("server busy, retry in %d s (%v)", int(e.retry/time.Second), e.cause)
}

func (e *busyError) Unwrap() error { return e.cause }

// retryAfter is how long a refused client should wait: a slot frees when a
// session disconnects and its TTL passes, or sooner when a tab closes.
// Bounded so that the page neither hammers the server nor waits for ages.
func (srv *server) retryAfter() time.Duration {
	return max(5*time.Second, min(srv.cfg.Server.SessionTTL, 30*time.Second)).Truncate(time.Second)
}

// clientSessionsLocked counts the sessions of client.
func (srv *server) clientSessionsLocked(client string) int {
	n := 0
	for _, s := range srv.sessions {
		if s.client == client {
			n++
		}
	}
	return n
}

// evictOldestDetachedLocked drops the session that has been disconnected
// longest, of client if client is not "" (a client making room for itself
// loses its own oldest session, not someone else's), to make room for a
// new one.
func (srv *server) evictOldestDetachedLocked(client string) bool {
	var oldest *session
	var at time.Time
	for _, s := range srv.sessions {
		if client != "" && s.client != client {
			continue
		}
		s.mu.Lock()
		detached, t := s.conn == nil, s.detachAt
		s.mu.Unlock()
		if detached && (oldest == nil || t.Before(at)) {
			oldest, at = s, t
		}
	}
	if oldest == nil {
		return false
	}
	oldest.stopExpiry()
	delete(srv.sessions, oldest.id)
	oldest.releaseUploads()
	return true
}

// makeRoomLocked frees a slot for a new session of client, evicting
// disconnected sessions (the client's own first), or returns a busyError.
func (srv *server) makeRoomLocked(client string) error {
	limits := srv.cfg.Server
	if max := limits.MaxSessionsPerClient; max > 0 && srv.clientSessionsLocked(client) >= max {
		if !srv.evictOldestDetachedLocked(client) {
			return &busyError{cause: errClientBusy, retry: srv.retryAfter()}
		}
	}
	if max := limits.MaxSessions; max > 0 && len(srv.sessions) >= max {
		if !srv.evictOldestDetachedLocked(client) && !srv.evictOldestDetachedLocked("") {
			return &busyError{cause: errBusy, retry: srv.retryAfter()}
		}
	}
	return nil
}

// logLimiter rate-limits warnings about clients: one line per key a
// minute, for a bounded number of keys, whatever a flood of connections
// does.
type logLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const maxLogKeys = 64

// allow reports whether a line about key may be logged now.
func (l *logLimiter) allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = make(map[string]time.Time)
	}
	for k, t := range l.last {
		if now.Sub(t) > time.Minute {
			delete(l.last, k)
		}
	}
	if _, seen := l.last[key]; seen || len(l.last) >= maxLogKeys {
		return false
	}
	l.last[key] = now
	return true
}

// logRefused warns about a refused session, rate-limited per client.
func (srv *server) logRefused(client string, err error) {
	if !srv.clientLogs.allow("refused " + client) {
		return
	}
	if errors.Is(err, errClientBusy) {
		srv.log.Warn("dash: refusing a session: the client holds too many (server.max-sessions-per-client); "+
			"if every client reaches dash through one reverse proxy, list it in server.trusted-proxies so that clients are told apart",
			"client", client, "limit", srv.cfg.Server.MaxSessionsPerClient)
		return
	}
	srv.log.Warn("dash: refusing a session", "client", client, "err", err)
}

// maxPendingHellos bounds the connections of one client that have not said
// hello yet. A browser tab opens one and says hello at once; a client that
// opens thousands and stays silent would hold a goroutine and buffers for
// each until its hello timeout.
const maxPendingHellos = 64

// beginHello counts a connection of client waiting for its hello, or
// reports false when the client has too many.
func (srv *server) beginHello(client string) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.pendingHellos[client] >= maxPendingHellos {
		return false
	}
	if srv.pendingHellos == nil {
		srv.pendingHellos = make(map[string]int)
	}
	srv.pendingHellos[client]++
	return true
}

// endHello uncounts a connection of client that said hello or ended.
func (srv *server) endHello(client string) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.pendingHellos[client]--; srv.pendingHellos[client] <= 0 {
		delete(srv.pendingHellos, client)
	}
}
