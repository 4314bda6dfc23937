package dash

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Option configures an App or Run. Options given in code take precedence
// over flags, environment, dash.toml and defaults.
type Option interface{ applyOption(*Config) }

type optionFunc func(*Config)

func (f optionFunc) applyOption(c *Config) { f(c) }

// Config is the runtime configuration. Its sources, in rising precedence:
// defaults, dash.toml in the working directory, DASH_* environment
// variables, command-line flags, Options in code.
type Config struct {
	Server ServerConfig
	Theme  ThemeConfig
	Cache  CacheConfig  // [cache]: the Redis server of shared caches
	Logger *slog.Logger `toml:"-"`

	// routes are extra handlers mounted next to the app (such as
	// /metrics), added by unexported options of this package.
	routes map[string]http.Handler
}

// ServerConfig is the [server] section of dash.toml.
type ServerConfig struct {
	Address        string        // default 127.0.0.1
	Port           int           // default 8501
	MaxUploadSize  int64         // bytes, default 200 MiB
	MaxMessageSize int64         // bytes, default 1 MiB
	SessionTTL     time.Duration // how long a disconnected session is kept, default 2m
	AllowedOrigins []string      // extra origins allowed to open the WebSocket
	MaxSessions    int           // live plus disconnected sessions kept, default 1000; 0 means no limit

	// AllowedHosts are Host header values (host or host:port; a leading
	// "*." matches subdomains) served besides loopback names and the bound
	// address. Add the public name behind a reverse proxy.
	AllowedHosts []string
	// MaxSessionsPerClient bounds the sessions of one client address,
	// default 100; 0 means no limit.
	MaxSessionsPerClient int
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies
	// whose X-Forwarded-For names the client. Empty: the header is ignored.
	TrustedProxies []string
	// MaxUploadMemory bounds the bytes of uploaded files held in memory by
	// the whole process, default 64 MiB; further files go to unlinked
	// temporary files.
	MaxUploadMemory int64
	// MaxUploadDisk bounds the bytes of uploaded files the whole process
	// holds in temporary files, default 4 GiB; an upload beyond it is
	// refused with 507.
	MaxUploadDisk int64
	// MaxSessionUploads bounds the bytes of uploaded files one session
	// holds, default 400 MiB.
	MaxSessionUploads int64
	// UploadMinRate is the average rate in bytes per second an upload body
	// must keep after a 10 s grace period, default 16 KiB/s.
	UploadMinRate int64
}

// ThemeConfig is the [theme] section of dash.toml.
type ThemeConfig struct {
	PrimaryColor string
	Base         string // "light" or "dark"
}

// Address sets the listen address. The default, 127.0.0.1, is unreachable
// from outside a container; use "0.0.0.0" there.
func Address(addr string) Option { return optionFunc(func(c *Config) { c.Server.Address = addr }) }

// Port sets the listen port (default 8501).
func Port(port int) Option { return optionFunc(func(c *Config) { c.Server.Port = port }) }

// MaxUploadSize bounds one upload in bytes.
func MaxUploadSize(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.MaxUploadSize = n })
}

// MaxMessageSize bounds one WebSocket message in bytes.
func MaxMessageSize(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.MaxMessageSize = n })
}

// SessionTTL sets how long a disconnected session is kept for a reconnect.
func SessionTTL(d time.Duration) Option {
	return optionFunc(func(c *Config) { c.Server.SessionTTL = d })
}

// AllowedOrigins adds origins (scheme://host[:port]) allowed to connect.
func AllowedOrigins(origins ...string) Option {
	return optionFunc(func(c *Config) { c.Server.AllowedOrigins = append(c.Server.AllowedOrigins, origins...) })
}

// Logger sets the logger (default slog.Default()).
func Logger(l *slog.Logger) Option { return optionFunc(func(c *Config) { c.Logger = l }) }

// MaxSessions bounds the sessions kept (connected plus disconnected within
// their TTL). When full, the session disconnected longest is dropped; when
// every session is connected, new connections are refused. 0 means no limit.
func MaxSessions(n int) Option { return optionFunc(func(c *Config) { c.Server.MaxSessions = n }) }

// AllowedHosts adds Host names the server answers besides IP addresses,
// loopback names and the name it is bound to: the public name a reverse
// proxy forwards ("dash.example.com", or "*.example.com" for subdomains;
// "*" turns the check off). Other hosts get 421, which stops DNS
// rebinding.
func AllowedHosts(hosts ...string) Option {
	return optionFunc(func(c *Config) { c.Server.AllowedHosts = append(c.Server.AllowedHosts, hosts...) })
}

// MaxSessionsPerClient bounds the sessions of one client address (default
// 100; 0 means no limit), so one client cannot take every session.
func MaxSessionsPerClient(n int) Option {
	return optionFunc(func(c *Config) { c.Server.MaxSessionsPerClient = n })
}

// TrustedProxies lists reverse proxies (IPs or CIDRs) whose
// X-Forwarded-For header names the client for MaxSessionsPerClient.
func TrustedProxies(proxies ...string) Option {
	return optionFunc(func(c *Config) { c.Server.TrustedProxies = append(c.Server.TrustedProxies, proxies...) })
}

// MaxUploadMemory bounds the bytes of uploaded files the process holds in
// memory (default 64 MiB); further files go to unlinked temporary files.
func MaxUploadMemory(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.MaxUploadMemory = n })
}

// MaxUploadDisk bounds the bytes of uploaded files the process holds in
// temporary files (default 4 GiB); an upload beyond it is refused.
func MaxUploadDisk(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.MaxUploadDisk = n })
}

// MaxSessionUploads bounds the bytes of uploaded files one session holds
// (default 400 MiB).
func MaxSessionUploads(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.MaxSessionUploads = n })
}

// UploadMinRate sets the average rate in bytes per second an upload body
// must keep after its first 10 s (default 16 KiB/s; 0 leaves only the 30 s
// bound on a single read).
func UploadMinRate(n int64) Option {
	return optionFunc(func(c *Config) { c.Server.UploadMinRate = n })
}

// WithConfig replaces the whole configuration, for example with one
// returned by LoadConfig when the app is mounted with Handler. Options
// after it still apply.
func WithConfig(cfg Config) Option {
	return optionFunc(func(c *Config) {
		routes := c.routes
		*c = cfg
		if c.routes == nil {
			c.routes = routes
		}
	})
}

// withRoute mounts h at pattern (an http.ServeMux pattern) next to the app.
// It is how other parts of the package add endpoints such as /metrics.
func withRoute(pattern string, h http.Handler) Option {
	return optionFunc(func(c *Config) {
		if c.routes == nil {
			c.routes = make(map[string]http.Handler)
		}
		c.routes[pattern] = h
	})
}

// App is a multipage dashboard.
type App struct {
	opts  []Option
	pages []page
	errs  []error // invalid Page calls, reported by Handler and Run

	once    sync.Once
	handler http.Handler
}

type page struct {
	path, title string
	fn          func(*UI)
}

// NewApp returns an App configured by opts.
func NewApp(opts ...Option) *App { return &App{opts: opts} }

// Page adds a page served at path, listed in the sidebar navigation. The
// first page is the default. Paths are absolute ("/", "/sales"); a path
// under /_dash/, /healthz, a duplicate or a nil fn is an error reported by
// Handler and Run. Add every page before calling Handler or Run.
func (a *App) Page(path, title string, fn func(*UI)) *App {
	p, err := cleanPagePath(path)
	switch {
	case err != nil:
	case fn == nil:
		err = fmt.Errorf("page %q has a nil function", path)
	default:
		for _, q := range a.pages {
			if q.path == p {
				err = fmt.Errorf("page %q is added twice", p)
			}
		}
	}
	if err != nil {
		a.errs = append(a.errs, err)
		return a
	}
	a.pages = append(a.pages, page{p, title, fn})
	return a
}

func cleanPagePath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("page path %q must start with /", p)
	}
	clean := path.Clean(p)
	if clean+"/" == prefixPrivate || strings.HasPrefix(clean, prefixPrivate) || clean == pathHealth || clean == pathMetrics {
		return "", fmt.Errorf("page path %q is reserved by the runtime", p)
	}
	return clean, nil
}

// err reports what is wrong with the app's pages.
func (a *App) err() error {
	if len(a.pages) == 0 && len(a.errs) == 0 {
		return errors.New("dash: the app has no pages")
	}
	if len(a.errs) > 0 {
		return fmt.Errorf("dash: %w", errors.Join(a.errs...))
	}
	return nil
}

// Handler returns the app as an http.Handler, to mount it in an existing
// server and for tests. Its configuration is the defaults and the app's
// Options; dash.toml, environment and flags are read only by Run (pass
// WithConfig(LoadConfig(...)) to use them here). It may be mounted under a
// prefix with http.StripPrefix. Handler returns the same handler on every
// call.
func (a *App) Handler() http.Handler {
	a.once.Do(func() {
		cfg := DefaultConfig()
		applyOptions(&cfg, a.opts)
		a.handler = a.newHandler(cfg)
	})
	return a.handler
}

// newHandler builds the server, or a handler explaining why it cannot.
func (a *App) newHandler(cfg Config) http.Handler {
	err := a.err()
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		log := cfg.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Error("dash: app is misconfigured", "err", err)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	return a.newServer(cfg)
}

func (a *App) newServer(cfg Config) *server {
	pages := make([]*page, len(a.pages))
	for i := range a.pages {
		pages[i] = &a.pages[i]
	}
	return newServer(cfg, pages)
}

// Run loads the configuration, serves the app and blocks until SIGINT or
// SIGTERM, then shuts down gracefully. Asked for help (-h, --help), it
// prints the settings it reads (ConfigUsage) to stdout and returns nil
// without serving.
func (a *App) Run() error {
	if helpRequested(os.Args[1:]) {
		writeHelp(os.Stdout, os.Args[0])
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling: a second
		// Ctrl-C ends a shutdown that hangs.
		<-ctx.Done()
		stop()
	}()
	cfg, err := LoadConfig(".", os.Getenv, os.Args[1:], a.opts...)
	if err != nil {
		return err
	}
	return a.serve(ctx, cfg, nil)
}

// serve runs the app with cfg until ctx ends. If ln is nil it listens on
// the configured address.
func (a *App) serve(ctx context.Context, cfg Config, ln net.Listener) error {
	if err := a.err(); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
		cfg.Logger = log
	}
	stopShared, err := startSharedStore(cfg.Cache, log)
	if err != nil {
		return err
	}
	defer stopShared()
	srv := a.newServer(cfg)
	if ln == nil {
		addr := net.JoinHostPort(cfg.Server.Address, strconv.Itoa(cfg.Server.Port))
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return fmt.Errorf("dash: listening on %s: %w", addr, err)
		}
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	logStartup(log, ln.Addr(), cfg.Server.Address, detectContainer(osProbe{}))

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("dash: serving: %w", err)
	case <-ctx.Done():
	}
	log.Info("dash: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// WebSockets are hijacked connections that http.Server.Shutdown does
	// not track: close them first, then let Shutdown drain plain requests.
	wsErr := srv.shutdown(sctx)
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("dash: shutting down: %w", err)
	}
	if wsErr != nil {
		log.Warn("dash: some connections did not close in time", "err", wsErr)
	}
	return nil
}

// Run serves a one-page app; see App.Run.
func Run(app func(*UI), opts ...Option) error {
	return NewApp(opts...).Page("/", "", app).Run()
}
