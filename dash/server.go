package dash

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/dashvet/dashvet/dash/internal/frontend"
)

// Routes the runtime reserves. Pages may not live under prefixPrivate.
const (
	prefixPrivate = "/_dash/"
	pathWS        = "/_dash/ws"
	pathStatic    = "/_dash/static/"
	pathUpload    = "/_dash/upload"
	pathHealth    = "/healthz"
)

// defaultFlushInterval is how often a long run's partial tree is sent, so
// the page shows progress instead of nothing.
const defaultFlushInterval = 150 * time.Millisecond

// server serves one App: pages, static assets, the WebSocket and the
// sessions behind it.
type server struct {
	cfg    Config
	log    *slog.Logger
	pages  []*page
	byPath map[string]*page
	mux    *http.ServeMux

	ctx    context.Context // cancelled on shutdown; parent of every connection
	cancel context.CancelFunc
	// reqCtx is cancelled as soon as shutdown begins: request bodies still
	// being read (uploads) are cut off, not waited for.
	reqCtx     context.Context
	cancelReqs context.CancelFunc

	flushInterval time.Duration
	hosts         *hostPolicy
	proxies       proxySet      // trusted reverse proxies, for clientKey
	clientLogs    logLimiter    // warnings about one client, rate-limited
	helloTimeout  time.Duration // tests shorten it
	uploadGrace   time.Duration // before UploadMinRate applies; tests shorten it
	bodyTimeout   time.Duration // requestBodyTimeout; tests shorten it
	writeIdle     time.Duration // the longest a download write may wait; tests shorten it
	metrics       *serverMetrics

	mu       sync.Mutex
	closing  bool // shutdown has begun: no new connections
	sessions map[string]*session
	conns    map[*conn]struct{}
	connWG   sync.WaitGroup

	// pendingHellos counts, by client, connections not past their hello;
	// guarded by mu.
	pendingHellos map[string]int
}

var errBusy = errors.New("too many sessions")

func newServer(cfg Config, pages []*page) *server {
	ctx, cancel := context.WithCancel(context.Background())
	srv := &server{
		cfg:           cfg,
		log:           cfg.Logger,
		pages:         pages,
		byPath:        make(map[string]*page, len(pages)),
		ctx:           ctx,
		cancel:        cancel,
		flushInterval: defaultFlushInterval,
		hosts:         newHostPolicy(cfg.Server),
		proxies:       newProxySet(cfg.Server.TrustedProxies),
		helloTimeout:  helloTimeout,
		uploadGrace:   uploadGrace,
		bodyTimeout:   requestBodyTimeout,
		writeIdle:     uploadIdle,
		sessions:      make(map[string]*session),
		conns:         make(map[*conn]struct{}),
	}
	srv.reqCtx, srv.cancelReqs = context.WithCancel(ctx)
	if srv.log == nil {
		srv.log = slog.Default()
	}
	for _, p := range pages {
		srv.byPath[p.path] = p
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathHealth, srv.serveHealth)
	mux.Handle("GET "+pathStatic, http.StripPrefix(pathStatic, frontend.Static()))
	mux.HandleFunc("GET "+pathWS, srv.serveWS)
	mux.HandleFunc("POST "+pathUpload, srv.serveUpload)
	mux.HandleFunc("GET "+pathDownload, srv.serveDownload)
	srv.metrics = newServerMetrics(srv)
	mux.Handle("GET "+pathMetrics, srv.metrics.handler())
	for path, h := range cfg.routes {
		mux.Handle(path, h)
	}
	mux.HandleFunc("/", srv.servePage)
	srv.mux = mux
	return srv
}

func (srv *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The health check answers any Host: probes address pods by IP or by
	// names of their own, and it reveals nothing.
	if r.URL.Path != pathHealth && !srv.checkHost(w, r) {
		return
	}
	defer boundBody(srv.reqCtx, w, r, srv.bodyTimeout)()
	srv.mux.ServeHTTP(w, r)
}

func (srv *server) lookupPage(path string) *page { return srv.byPath[path] }

func (srv *server) serveHealth(w http.ResponseWriter, r *http.Request) {
	srv.mu.Lock()
	closing := srv.closing
	srv.mu.Unlock()
	if closing {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// servePage serves the HTML shell at every page path. The shell needs to
// know the prefix the handler is mounted under (http.StripPrefix removes
// it from r.URL.Path but not from r.RequestURI) to find its assets.
func (srv *server) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := srv.lookupPage(r.URL.Path)
	if p == nil {
		http.NotFound(w, r)
		return
	}
	base := mountPrefix(r)
	title := p.title
	if title == "" {
		title = "dash"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	// The shell loads only its own script and style; Markdown output is
	// built to be safe, and this stops anything that slipped through from
	// running.
	w.Header().Set("Content-Security-Policy",
		"default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'")
	if err := frontend.WriteIndex(w, frontend.IndexData{Base: base, Title: title, Page: p.path}); err != nil {
		srv.log.Error("dash: writing the page shell", "err", err)
	}
}

// mountPrefix returns the path prefix a handler in front of this one
// stripped from the request, "" when there is none. Only a plain absolute
// path qualifies: a request in absolute form ("GET http://host/...") must
// not make the shell load its script from another host.
func mountPrefix(r *http.Request) string {
	req, _, _ := strings.Cut(r.RequestURI, "?")
	base, ok := strings.CutSuffix(req, r.URL.EscapedPath())
	if !ok || !strings.HasPrefix(base, "/") || strings.HasPrefix(base, "//") || strings.ContainsAny(base, "\"<>") {
		return ""
	}
	return base
}

// serveWS upgrades to a WebSocket and runs the connection.
func (srv *server) serveWS(w http.ResponseWriter, r *http.Request) {
	client := clientKey(r, srv.proxies)
	if !srv.beginHello(client) {
		if srv.clientLogs.allow("hellos " + client) {
			srv.log.Warn("dash: refusing WebSocket connections of a client with too many waiting for their hello", "client", client, "limit", maxPendingHellos)
		}
		http.Error(w, "too many connections waiting to say hello", http.StatusTooManyRequests)
		return
	}
	helloDone := sync.OnceFunc(func() { srv.endHello(client) })
	defer helloDone()
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: srv.cfg.Server.AllowedOrigins})
	if err != nil {
		// Accept has answered (403 for a foreign Origin).
		if srv.clientLogs.allow("handshake " + client) {
			srv.log.Warn("dash: websocket handshake refused", "origin", clip(r.Header.Get("Origin")), "host", clip(r.Host), "err", err)
		}
		return
	}
	ws.SetReadLimit(srv.cfg.Server.MaxMessageSize)
	if !srv.track() {
		ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	hello, err := readHello(srv.reqCtx, ws, srv.helloTimeout)
	helloDone()
	if err != nil {
		srv.connWG.Done()
		if srv.clientLogs.allow("hello " + client) {
			srv.log.Warn("dash: websocket without a valid hello (one line per client a minute)", "client", client, "err", clip(err.Error()))
		}
		ws.Close(websocket.StatusPolicyViolation, truncateReason(err.Error()))
		return
	}
	// The connection outlives this handler on a goroutine of its own. The
	// hijacked connection does not need net/http's goroutine, whose stack
	// the HTTP server's frames had grown to 16 KiB, and which kept the
	// handshake request and its headers alive for the life of the
	// connection: together about 10 KiB of every idle session.
	go srv.serveConn(ws, hello, client)
}

// serveConn runs a connection that said hello until it ends. It owns the
// connection's count in connWG.
func (srv *server) serveConn(ws *websocket.Conn, hello *clientMsg, client string) {
	defer srv.connWG.Done()
	defer ws.CloseNow()
	c := newConn(srv, ws)
	c.client = client
	var sess *session
	defer func() {
		// net/http used to recover a panic of this code (its handler's
		// goroutine); a goroutine of its own must, or it ends the process.
		// The session is detached as after a disconnect, so its TTL runs.
		if v := recover(); v != nil {
			// Logged once a minute per client: a client that found input
			// which panics could otherwise repeat it to fill the log.
			if srv.clientLogs.allow("panic " + client) {
				srv.log.Error("dash: websocket connection panicked (further panics for this client are not logged for a minute)", "client", client, "panic", v, "stack", string(debug.Stack()))
			}
			c.cancel()
			if sess != nil {
				sess.detach(c, srv.cfg.Server.SessionTTL, srv.expireFunc(sess))
			}
		}
	}()
	defer c.cancel()
	sess, resumed, previous, err := srv.openSession(hello.Session, hello.Page, c, client)
	if err != nil {
		srv.logRefused(client, err)
		// The browser shows the reason ("server busy, retry in 30 s") and
		// retries then, instead of reconnecting in a loop.
		ws.Close(websocket.StatusTryAgainLater, truncateReason(err.Error()))
		return
	}
	if previous != nil {
		go previous.ws.Close(closeTakenOver, "session resumed by another connection")
	}
	srv.addConn(c)
	defer srv.removeConn(c)

	welcome, _ := json.Marshal(welcomeMsg{
		Type:    msgWelcome,
		Session: sess.id,
		Resumed: resumed,
		Page:    sess.currentPage(),
		Pages:   srv.pageInfos(),
		Theme:   themeInfo{PrimaryColor: srv.cfg.Theme.PrimaryColor, Base: srv.cfg.Theme.Base},
		Limits:  limitsInfo{MaxMessageSize: srv.cfg.Server.MaxMessageSize, MaxUploadSize: srv.cfg.Server.MaxUploadSize},
	})
	if err := c.write(welcome); err != nil {
		sess.detach(c, srv.cfg.Server.SessionTTL, srv.expireFunc(sess))
		return
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()
	c.startRunner(sess)
	c.readLoop(sess)
	c.cancel()
	sess.detach(c, srv.cfg.Server.SessionTTL, srv.expireFunc(sess))
	<-writerDone
}

func truncateReason(s string) string {
	// A close reason must fit in a control frame (123 bytes).
	if len(s) > 120 {
		return s[:120]
	}
	return s
}

// track counts a live connection unless the server is shutting down.
func (srv *server) track() bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing {
		return false
	}
	srv.connWG.Add(1)
	return true
}

func (srv *server) addConn(c *conn) {
	srv.mu.Lock()
	srv.conns[c] = struct{}{}
	closing := srv.closing
	srv.mu.Unlock()
	if closing {
		// Shutdown began after this connection said hello and has not seen
		// it: close it as it closed the others.
		go c.ws.Close(websocket.StatusGoingAway, "server shutting down")
	}
}

func (srv *server) removeConn(c *conn) {
	srv.mu.Lock()
	delete(srv.conns, c)
	srv.mu.Unlock()
}

func (srv *server) pageInfos() []pageInfo {
	out := make([]pageInfo, len(srv.pages))
	for i, p := range srv.pages {
		out[i] = pageInfo{Path: p.path, Title: p.title}
	}
	return out
}

// openSession resumes the session with id if it exists, or starts a new
// one, and attaches c to it. The lookup and the attach happen under srv.mu
// so an expiring session cannot be removed in between.
func (srv *server) openSession(id, pagePath string, c *conn, client string) (s *session, resumed bool, previous *conn, err error) {
	if srv.lookupPage(pagePath) == nil {
		pagePath = srv.pages[0].path
	}
	shared := srv.loadSharedSession(id) // nil without shared sessions; read before the lock
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if s = srv.sessions[id]; s != nil && id != "" {
		s.restoreShared(shared)
		s.mu.Lock()
		s.page = pagePath
		s.mu.Unlock()
		return s, true, s.attach(c), nil
	}
	if err := srv.makeRoomLocked(client); err != nil {
		return nil, false, nil, err
	}
	if shared != nil {
		// Run on another replica, or on this one before a restart.
		s = newSession(id, srv, pagePath)
		s.client = client
		srv.prepareShared(s)
		s.restoreShared(shared)
		srv.sessions[s.id] = s
		return s, true, s.attach(c), nil
	}
	s = newSession(newSessionID(), srv, pagePath)
	srv.prepareShared(s)
	s.client = client
	srv.sessions[s.id] = s
	s.attach(c)
	return s, false, nil, nil
}

// expireFunc returns the callback that removes s when its TTL passes
// without a reconnect.
func (srv *server) expireFunc(s *session) func(gen uint64) {
	return func(gen uint64) {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if srv.sessions[s.id] == s && s.expired(gen) {
			delete(srv.sessions, s.id)
			s.releaseUploads()
		}
	}
}

// connCount returns the number of open WebSocket connections.
func (srv *server) connCount() int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return len(srv.conns)
}

// sessionCount returns the number of live and detached sessions.
func (srv *server) sessionCount() int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return len(srv.sessions)
}

func newSessionID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// shutdown closes every WebSocket with "going away" and waits, until ctx
// ends, for the connections to finish. Runs still going when ctx ends are
// cancelled.
func (srv *server) shutdown(ctx context.Context) error {
	defer srv.cancel()
	srv.cancelReqs()
	srv.mu.Lock()
	srv.closing = true
	conns := make([]*conn, 0, len(srv.conns))
	for c := range srv.conns {
		conns = append(conns, c)
	}
	srv.mu.Unlock()
	for _, c := range conns {
		go c.ws.Close(websocket.StatusGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() {
		srv.connWG.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	srv.mu.Lock()
	for _, s := range srv.sessions {
		s.releaseUploads()
	}
	srv.mu.Unlock()
	return nil
}
