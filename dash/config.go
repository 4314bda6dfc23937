package dash

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// ConfigFile is the name of the optional configuration file LoadConfig
// reads from its directory.
const ConfigFile = "dash.toml"

// DefaultConfig returns the built-in defaults: 127.0.0.1:8501, 200 MiB
// uploads, 1 MiB messages, sessions kept 2 minutes after a disconnect,
// at most 1000 sessions.
func DefaultConfig() Config {
	return Config{
		Server: ServerConfig{
			Address:        "127.0.0.1",
			Port:           8501,
			MaxUploadSize:  200 << 20,
			MaxMessageSize: 1 << 20,
			SessionTTL:     2 * time.Minute,
			MaxSessions:    1000,

			MaxSessionsPerClient: 100,
			MaxUploadMemory:      64 << 20,
			MaxUploadDisk:        4 << 30,
			MaxSessionUploads:    400 << 20,
			UploadMinRate:        16 << 10,
		},
		Theme:  ThemeConfig{Base: "light"},
		Logger: slog.Default(),
	}
}

// minMessageSize is the smallest MaxMessageSize that leaves room for the
// protocol's own messages.
const minMessageSize = 1 << 10

// Validate reports settings that cannot work, whatever source set them:
// LoadConfig checks the text sources as it reads them, but Options in code
// are checked only here (Run and Handler call it).
func (c Config) Validate() error {
	var errs []error
	s := c.Server
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d out of range [0, 65535]", s.Port))
	}
	if s.MaxUploadSize <= 0 {
		errs = append(errs, fmt.Errorf("max upload size %d must be positive", s.MaxUploadSize))
	}
	if s.MaxMessageSize < minMessageSize {
		errs = append(errs, fmt.Errorf("max message size %d is below the minimum of %d bytes", s.MaxMessageSize, minMessageSize))
	}
	if s.SessionTTL < 0 {
		errs = append(errs, fmt.Errorf("session TTL %v must not be negative", s.SessionTTL))
	}
	if s.MaxSessions < 0 {
		errs = append(errs, fmt.Errorf("max sessions %d must not be negative", s.MaxSessions))
	}
	if s.MaxSessionsPerClient < 0 {
		errs = append(errs, fmt.Errorf("max sessions per client %d must not be negative", s.MaxSessionsPerClient))
	}
	if s.MaxUploadMemory < 0 {
		errs = append(errs, fmt.Errorf("max upload memory %d must not be negative", s.MaxUploadMemory))
	}
	if s.MaxUploadDisk < 0 {
		errs = append(errs, fmt.Errorf("max upload disk %d must not be negative", s.MaxUploadDisk))
	}
	if s.MaxSessionUploads <= 0 {
		errs = append(errs, fmt.Errorf("max session uploads %d must be positive", s.MaxSessionUploads))
	}
	if s.UploadMinRate < 0 {
		errs = append(errs, fmt.Errorf("upload min rate %d must not be negative", s.UploadMinRate))
	}
	for _, p := range s.TrustedProxies {
		if _, err := parseProxy(p); err != nil {
			errs = append(errs, err)
		}
	}
	for _, h := range s.AllowedHosts {
		if strings.TrimSpace(h) == "" || strings.ContainsAny(h, "/ ") {
			errs = append(errs, fmt.Errorf("allowed host %q: want a host or host:port", h))
		}
	}
	for _, o := range s.AllowedOrigins {
		if _, err := path.Match(o, ""); err != nil {
			errs = append(errs, fmt.Errorf("allowed origin %q is not a valid pattern: %w", o, err))
		}
	}
	if b := c.Theme.Base; b != "" && b != "light" && b != "dark" {
		errs = append(errs, fmt.Errorf("theme base %q: want light or dark", b))
	}
	if len(errs) > 0 {
		return fmt.Errorf("dash: invalid configuration: %w", errors.Join(errs...))
	}
	return nil
}

func applyOptions(c *Config, opts []Option) {
	for _, o := range opts {
		if o != nil {
			o.applyOption(c)
		}
	}
}

// setting is one configuration key. Its names in the three text sources
// derive from name ("server.max-upload-size"):
//
//	dash.toml:  [server] max_upload_size = ...
//	env:        DASH_SERVER_MAX_UPLOAD_SIZE=...
//	flag:       --server.max-upload-size=...
type setting struct {
	name  string
	usage string
	set   func(c *Config, v any) error // v is a string (env, flags) or a TOML value
}

var settings = []setting{
	{"server.address", "listen address (0.0.0.0 inside a container)", func(c *Config, v any) error {
		s, err := asString(v)
		c.Server.Address = s
		return err
	}},
	{"server.port", "listen port", func(c *Config, v any) error {
		n, err := asInt(v)
		if err == nil && (n < 0 || n > 65535) {
			err = fmt.Errorf("port %d out of range [0, 65535]", n)
		}
		c.Server.Port = int(n)
		return err
	}},
	{"server.max-upload-size", "largest upload (bytes, or with a unit: 200MiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.MaxUploadSize = n
		return err
	}},
	{"server.max-message-size", "largest WebSocket message (bytes, or with a unit: 1MiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.MaxMessageSize = n
		return err
	}},
	{"server.session-ttl", "how long a disconnected session is kept (Go duration: 2m)", func(c *Config, v any) error {
		d, err := asDuration(v)
		c.Server.SessionTTL = d
		return err
	}},
	{"server.allowed-origins", "extra origins allowed to open the WebSocket (comma-separated)", func(c *Config, v any) error {
		l, err := asList(v)
		c.Server.AllowedOrigins = l
		return err
	}},
	{"server.max-sessions", "sessions kept, connected or within their TTL (0: no limit)", func(c *Config, v any) error {
		n, err := asInt(v)
		if err == nil && n < 0 {
			err = fmt.Errorf("must not be negative")
		}
		c.Server.MaxSessions = int(n)
		return err
	}},
	{"server.allowed-hosts", "Host names served besides loopback and the bound address, such as a proxy's public name (comma-separated; *.example.com)", func(c *Config, v any) error {
		l, err := asList(v)
		c.Server.AllowedHosts = l
		return err
	}},
	{"server.max-sessions-per-client", "sessions one client address may hold (0: no limit)", func(c *Config, v any) error {
		n, err := asInt(v)
		if err == nil && n < 0 {
			err = fmt.Errorf("must not be negative")
		}
		c.Server.MaxSessionsPerClient = int(n)
		return err
	}},
	{"server.trusted-proxies", "reverse proxies (IPs or CIDRs) whose X-Forwarded-For names the client (comma-separated)", func(c *Config, v any) error {
		l, err := asList(v)
		c.Server.TrustedProxies = l
		return err
	}},
	{"server.max-upload-memory", "bytes of uploaded files held in memory by the process; beyond, files go to disk (bytes, or with a unit: 64MiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.MaxUploadMemory = n
		return err
	}},
	{"server.max-upload-disk", "bytes of uploaded files held in temporary files by the process; beyond, uploads are refused (bytes, or with a unit: 4GiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.MaxUploadDisk = n
		return err
	}},
	{"server.max-session-uploads", "bytes of uploaded files one session may hold (bytes, or with a unit: 400MiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.MaxSessionUploads = n
		return err
	}},
	{"server.upload-min-rate", "average bytes per second an upload must keep after 10 s (bytes, or with a unit: 16KiB)", func(c *Config, v any) error {
		n, err := asSize(v)
		c.Server.UploadMinRate = n
		return err
	}},
	{"theme.primary-color", "accent colour (CSS colour)", func(c *Config, v any) error {
		s, err := asString(v)
		c.Theme.PrimaryColor = s
		return err
	}},
	{"theme.base", "light or dark", func(c *Config, v any) error {
		s, err := asString(v)
		if err == nil && s != "light" && s != "dark" {
			err = fmt.Errorf("want light or dark, got %q", s)
		}
		c.Theme.Base = s
		return err
	}},
}

func lookupSetting(name string) *setting {
	for i := range settings {
		if settings[i].name == name {
			return &settings[i]
		}
	}
	return nil
}

func (s *setting) envName() string {
	return "DASH_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(s.name))
}

func (s *setting) tomlKey() (section, key string) {
	section, key, _ = strings.Cut(s.name, ".")
	return section, strings.ReplaceAll(key, "-", "_")
}

// LoadConfig builds the configuration from, in rising precedence: the
// defaults, dir/dash.toml if it exists, the DASH_* variables env returns,
// the --server.* and --theme.* flags in args, and opts. env is usually
// os.Getenv and args os.Args[1:].
//
// Only flags in dash's own namespaces are parsed ("--server.port=8502" or
// "--server.port 8502", one or two dashes); every other argument is left
// for the app, which can parse its own flags (such as --db) from the same
// os.Args. Parsing stops at "--". An unknown key in dash's namespaces, in
// any source, is an error: it is almost always a typo.
func LoadConfig(dir string, env func(string) string, args []string, opts ...Option) (Config, error) {
	cfg := DefaultConfig()
	if err := loadFile(&cfg, filepath.Join(dir, ConfigFile)); err != nil {
		return cfg, err
	}
	if env != nil {
		for i := range settings {
			s := &settings[i]
			if v := env(s.envName()); v != "" {
				if err := s.set(&cfg, v); err != nil {
					return cfg, fmt.Errorf("dash: environment %s=%q: %w", s.envName(), v, err)
				}
			}
		}
	}
	if err := parseFlags(&cfg, args); err != nil {
		return cfg, err
	}
	applyOptions(&cfg, opts)
	return cfg, cfg.Validate()
}

func loadFile(cfg *Config, path string) error {
	var raw map[string]any
	_, err := toml.DecodeFile(path, &raw)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dash: reading %s: %w", path, err)
	}
	// Walk sections and keys in a fixed order so errors are deterministic.
	sections := make([]string, 0, len(raw))
	for k := range raw {
		sections = append(sections, k)
	}
	sort.Strings(sections)
	for _, sec := range sections {
		table, ok := raw[sec].(map[string]any)
		if !ok {
			return fmt.Errorf("dash: %s: %q must be a table ([%s])", path, sec, sec)
		}
		keys := make([]string, 0, len(table))
		for k := range table {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s := lookupSetting(sec + "." + strings.ReplaceAll(k, "_", "-"))
			if s == nil {
				return fmt.Errorf("dash: %s: unknown key %s.%s", path, sec, k)
			}
			if err := s.set(cfg, table[k]); err != nil {
				return fmt.Errorf("dash: %s: %s.%s: %w", path, sec, k, err)
			}
		}
	}
	return nil
}

// parseFlags applies the --server.* and --theme.* flags in args.
func parseFlags(cfg *Config, args []string) error {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return nil
		}
		name, ok := strings.CutPrefix(arg, "--")
		if !ok {
			if name, ok = strings.CutPrefix(arg, "-"); !ok {
				continue
			}
		}
		if !strings.HasPrefix(name, "server.") && !strings.HasPrefix(name, "theme.") && !strings.HasPrefix(name, "cache.") {
			continue // the app's own flag
		}
		name, value, hasValue := strings.Cut(name, "=")
		s := lookupSetting(name)
		if s == nil {
			return fmt.Errorf("dash: unknown flag --%s (known: %s)", name, knownFlags())
		}
		if !hasValue {
			if i+1 >= len(args) {
				return fmt.Errorf("dash: flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if err := s.set(cfg, value); err != nil {
			return fmt.Errorf("dash: flag --%s=%q: %w", name, value, err)
		}
	}
	return nil
}

// AppArgs returns args without the flags LoadConfig reads (--server.*,
// --theme.*, with their values), so an app can hand the rest to its own
// flag parsing: flag.CommandLine.Parse(dash.AppArgs(os.Args[1:])).
// Arguments after "--" are kept as they are.
func AppArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(out, args[i:]...)
		}
		name, ok := strings.CutPrefix(arg, "--")
		if !ok {
			name, ok = strings.CutPrefix(arg, "-")
		}
		if !ok || (!strings.HasPrefix(name, "server.") && !strings.HasPrefix(name, "theme.") && !strings.HasPrefix(name, "cache.")) {
			out = append(out, arg)
			continue
		}
		if !strings.Contains(name, "=") && i+1 < len(args) {
			i++ // skip the value
		}
	}
	return out
}

func knownFlags() string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = "--" + s.name
	}
	return strings.Join(names, ", ")
}

// ConfigUsage describes every setting with its flag, environment variable
// and dash.toml key, for an app's --help.
func ConfigUsage() string {
	var b strings.Builder
	for i := range settings {
		s := &settings[i]
		sec, key := s.tomlKey()
		fmt.Fprintf(&b, "  --%s  (env %s, dash.toml [%s] %s)\n      %s\n", s.name, s.envName(), sec, key, s.usage)
	}
	return b.String()
}

func asString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("want a string, got %T", v)
	}
	return strings.TrimSpace(s), nil
}

func asInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want an integer: %w", err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
}

// asSize reads a byte count: an integer, or a string with an optional unit
// (B, KB, MB, GB as powers of 1000; KiB, MiB, GiB as powers of 1024).
func asSize(v any) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case string:
		s := strings.TrimSpace(x)
		i := len(s)
		for i > 0 && (s[i-1] < '0' || s[i-1] > '9') {
			i--
		}
		num, unit := strings.TrimSpace(s[:i]), strings.ToLower(strings.TrimSpace(s[i:]))
		mult := map[string]int64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[unit]
		if mult == 0 {
			return 0, fmt.Errorf("unknown size unit %q in %q (use B, KB, MB, GB, KiB, MiB, GiB)", s[i:], s)
		}
		f, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want a size such as 200MiB: %w", err)
		}
		if f > math.MaxInt64/mult {
			return 0, fmt.Errorf("size %q is too large", s)
		}
		n = f * mult
	default:
		return 0, fmt.Errorf("want a size, got %T", v)
	}
	if n <= 0 {
		return 0, fmt.Errorf("size must be positive, got %d", n)
	}
	return n, nil
}

// asDuration reads a Go duration string ("2m", "90s") or whole seconds.
func asDuration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("duration must not be negative")
		}
		return time.Duration(x) * time.Second, nil
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("want a duration such as 2m: %w", err)
		}
		if d < 0 {
			return 0, fmt.Errorf("duration must not be negative")
		}
		return d, nil
	}
	return 0, fmt.Errorf("want a duration, got %T", v)
}

// asList reads a list: a TOML array of strings or a comma-separated string.
func asList(v any) ([]string, error) {
	var out []string
	switch x := v.(type) {
	case string:
		for _, p := range strings.Split(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, found %T", e)
			}
			out = append(out, s)
		}
	default:
		return nil, fmt.Errorf("want a list, got %T", v)
	}
	return out, nil
}

// osProbe reads the real machine for detectContainer.
type osProbe struct{}

func (osProbe) exists(path string) bool { _, err := os.Stat(path); return err == nil }
func (osProbe) read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}
func (osProbe) env(key string) string { return os.Getenv(key) }
