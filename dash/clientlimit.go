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

// refusalLog rate-limits the warnings about refused sessions: one line per
// client per minute, for a bounded number of clients, whatever a flood of
// connections does.
type refusalLog struct {
	mu     sync.Mutex
	last   map[string]time.Time
	period time.Duration
}

const maxRefusalsTracked = 64

// logRefused warns about a refused session, rate-limited per client.
func (srv *server) logRefused(client string, err error) {
	l := &srv.refusals
	now := time.Now()
	l.mu.Lock()
	if l.last == nil {
		l.last = make(map[string]time.Time)
	}
	for k, t := range l.last {
		if now.Sub(t) > time.Minute {
			delete(l.last, k)
		}
	}
	t, seen := l.last[client]
	ok := (!seen || now.Sub(t) > time.Minute) && len(l.last) < maxRefusalsTracked
	if ok {
		l.last[client] = now
	}
	l.mu.Unlock()
	if !ok {
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
