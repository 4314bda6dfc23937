package dash

import (
	"log/slog"
	"net/http"
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
	Logger *slog.Logger `toml:"-"`
}

// ServerConfig is the [server] section of dash.toml.
type ServerConfig struct {
	Address        string        // default 127.0.0.1
	Port           int           // default 8501
	MaxUploadSize  int64         // bytes, default 200 MiB
	MaxMessageSize int64         // bytes, default 1 MiB
	SessionTTL     time.Duration // how long a disconnected session is kept, default 2m
	AllowedOrigins []string      // extra origins allowed to open the WebSocket
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

// App is a multipage dashboard.
type App struct {
	opts  []Option
	pages []page
}

type page struct {
	path, title string
	fn          func(*UI)
}

// NewApp returns an App configured by opts.
func NewApp(opts ...Option) *App { return &App{opts: opts} }

// Page adds a page served at path, listed in the sidebar navigation.
func (a *App) Page(path, title string, fn func(*UI)) *App {
	a.pages = append(a.pages, page{path, title, fn})
	return a
}

// Handler returns the app as an http.Handler, to mount it in an existing
// server and for tests.
func (a *App) Handler() http.Handler { return http.NotFoundHandler() }

// Run loads the configuration, serves the app and blocks until SIGINT or
// SIGTERM, then shuts down gracefully.
func (a *App) Run() error { return nil }

// Run serves a one-page app; see App.Run.
func Run(app func(*UI), opts ...Option) error {
	return NewApp(opts...).Page("/", "", app).Run()
}
