package dash

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeTOML(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(t.TempDir(), envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ServerConfig{Address: "127.0.0.1", Port: 8501, MaxUploadSize: 200 << 20, MaxMessageSize: 1 << 20,
		SessionTTL: 2 * time.Minute, MaxSessions: 1000, MaxSessionsPerClient: 100,
		MaxUploadMemory: 64 << 20, MaxUploadDisk: 4 << 30, MaxSessionUploads: 400 << 20, UploadMinRate: 16 << 10}
	if !reflect.DeepEqual(cfg.Server, want) {
		t.Errorf("defaults = %+v, want %+v", cfg.Server, want)
	}
}

// TestSafetyLimitKeys sets every safety limit from each text source and
// checks that bad values are refused.
func TestSafetyLimitKeys(t *testing.T) {
	dir := writeTOML(t, `
[server]
allowed_hosts = ["dash.example.com", "*.internal"]
max_sessions_per_client = 7
trusted_proxies = ["10.0.0.0/8", "::1"]
max_upload_memory = "8MiB"
`)
	env := envOf(map[string]string{"DASH_SERVER_MAX_SESSION_UPLOADS": "32MiB"})
	cfg, err := LoadConfig(dir, env, []string{"--server.upload-min-rate=1KiB"})
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Server
	if !reflect.DeepEqual(s.AllowedHosts, []string{"dash.example.com", "*.internal"}) || s.MaxSessionsPerClient != 7 ||
		!reflect.DeepEqual(s.TrustedProxies, []string{"10.0.0.0/8", "::1"}) || s.MaxUploadMemory != 8<<20 ||
		s.MaxSessionUploads != 32<<20 || s.UploadMinRate != 1<<10 {
		t.Errorf("limits = %+v", s)
	}
	for _, bad := range []struct{ args []string }{
		{[]string{"--server.trusted-proxies=10.0.0.0/33"}},
		{[]string{"--server.trusted-proxies=proxy.local"}},
		{[]string{"--server.max-sessions-per-client=-1"}},
		{[]string{"--server.allowed-hosts=http://x/"}},
		{[]string{"--server.max-upload-memory=0"}},
	} {
		if _, err := LoadConfig(t.TempDir(), envOf(nil), bad.args); err == nil {
			t.Errorf("%v accepted", bad.args)
		}
	}
	// Zero upload memory is valid in code: every file goes to disk.
	cfg = DefaultConfig()
	cfg.Server.MaxUploadMemory = 0
	if err := cfg.Validate(); err != nil {
		t.Errorf("MaxUploadMemory 0: %v", err)
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := writeTOML(t, `
[server]
address = "0.0.0.0"
port = 9000
max_upload_size = "10MiB"
session_ttl = "5m"
allowed_origins = ["https://a.example"]

[theme]
base = "dark"
primary_color = "#123456"
`)
	env := envOf(map[string]string{
		"DASH_SERVER_PORT":            "9100",
		"DASH_SERVER_MAX_UPLOAD_SIZE": "20MiB",
		"DASH_THEME_PRIMARY_COLOR":    "#abcdef",
	})
	args := []string{"--db", "sales.db", "--server.port=9200", "-v", "--server.max-message-size", "2MiB", "report.csv"}

	// Each layer overrides the one below it, and only for the keys it sets.
	fileOnly, err := LoadConfig(dir, envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fileOnly.Server.Address != "0.0.0.0" || fileOnly.Server.Port != 9000 || fileOnly.Server.MaxUploadSize != 10<<20 ||
		fileOnly.Server.SessionTTL != 5*time.Minute || fileOnly.Theme.Base != "dark" ||
		!reflect.DeepEqual(fileOnly.Server.AllowedOrigins, []string{"https://a.example"}) {
		t.Errorf("file layer: %+v %+v", fileOnly.Server, fileOnly.Theme)
	}
	withEnv, err := LoadConfig(dir, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if withEnv.Server.Port != 9100 || withEnv.Server.MaxUploadSize != 20<<20 || withEnv.Theme.PrimaryColor != "#abcdef" ||
		withEnv.Server.Address != "0.0.0.0" {
		t.Errorf("env layer: %+v %+v", withEnv.Server, withEnv.Theme)
	}
	withFlags, err := LoadConfig(dir, env, args)
	if err != nil {
		t.Fatal(err)
	}
	if withFlags.Server.Port != 9200 || withFlags.Server.MaxMessageSize != 2<<20 || withFlags.Server.MaxUploadSize != 20<<20 {
		t.Errorf("flag layer: %+v", withFlags.Server)
	}
	withOpts, err := LoadConfig(dir, env, args, Port(9300), Address("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if withOpts.Server.Port != 9300 || withOpts.Server.Address != "10.0.0.1" || withOpts.Server.MaxMessageSize != 2<<20 {
		t.Errorf("option layer: %+v", withOpts.Server)
	}
}

func TestConfigFlagsLeaveAppFlagsAlone(t *testing.T) {
	cfg, err := LoadConfig(t.TempDir(), envOf(nil), []string{"--db=x.db", "-port", "1", "--", "--server.port=1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Port != 8501 {
		t.Errorf("port = %d: flags after -- or outside dash's namespaces must be ignored", cfg.Server.Port)
	}
	cfg, err = LoadConfig(t.TempDir(), envOf(nil), []string{"-server.address", "0.0.0.0"})
	if err != nil || cfg.Server.Address != "0.0.0.0" {
		t.Errorf("single-dash flag: %v %q", err, cfg.Server.Address)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		toml string
		env  map[string]string
		args []string
		want string
	}{
		{name: "unknown toml key", toml: "[server]\nprot = 1\n", want: "unknown key server.prot"},
		{name: "bad toml", toml: "[server\n", want: "dash.toml"},
		{name: "toml wrong type", toml: "[server]\nport = \"x\"\n", want: "server.port"},
		{name: "env bad port", env: map[string]string{"DASH_SERVER_PORT": "99999"}, want: "DASH_SERVER_PORT"},
		{name: "env bad size", env: map[string]string{"DASH_SERVER_MAX_UPLOAD_SIZE": "12 parsecs"}, want: "unknown size unit"},
		{name: "unknown flag", args: []string{"--server.prot=1"}, want: "unknown flag --server.prot"},
		{name: "flag without value", args: []string{"--server.port"}, want: "needs a value"},
		{name: "bad duration", args: []string{"--server.session-ttl=soon"}, want: "duration"},
		{name: "bad theme", args: []string{"--theme.base=blue"}, want: "light or dark"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.toml != "" {
				dir = writeTOML(t, tc.toml)
			}
			_, err := LoadConfig(dir, envOf(tc.env), tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigSizesAndDurations(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "1KB": 1000, "2KiB": 2048, "3 MiB": 3 << 20, "1gb": 1e9} {
		if got, err := asSize(in); err != nil || got != want {
			t.Errorf("asSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-5", "MiB", "99999999999GiB"} {
		if _, err := asSize(bad); err == nil {
			t.Errorf("asSize(%q) accepted", bad)
		}
	}
	if d, err := asDuration(int64(90)); err != nil || d != 90*time.Second {
		t.Errorf("asDuration(90) = %v, %v", d, err)
	}
}

func TestConfigUsageListsEverySetting(t *testing.T) {
	u := ConfigUsage()
	for _, s := range settings {
		if !strings.Contains(u, "--"+s.name) || !strings.Contains(u, s.envName()) {
			t.Errorf("usage misses %s", s.name)
		}
	}
}

func TestWithConfig(t *testing.T) {
	base := DefaultConfig()
	base.Server.Port = 1234
	var cfg Config
	applyOptions(&cfg, []Option{WithConfig(base), Address("0.0.0.0")})
	if cfg.Server.Port != 1234 || cfg.Server.Address != "0.0.0.0" {
		t.Errorf("WithConfig then Address: %+v", cfg.Server)
	}
}

func TestAppArgs(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{nil, []string{}},
		{[]string{"--db", "x.db", "--server.port", "9000", "-v", "--theme.base=dark", "file", "--", "--server.port=1"},
			[]string{"--db", "x.db", "-v", "file", "--", "--server.port=1"}},
		{[]string{"--server.address=0.0.0.0", "--db=x.db"}, []string{"--db=x.db"}},
		{[]string{"--server.port", "8600", "-db", "y.db"}, []string{"-db", "y.db"}},
		{[]string{"-server.port", "8600", "--theme.base=dark", "-healthcheck"}, []string{"-healthcheck"}},
		{[]string{"--serverless"}, []string{"--serverless"}},
		{[]string{"--server.port"}, []string{}},
	}
	for _, tt := range tests {
		if got := AppArgs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("AppArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	cases := []struct {
		opt  Option
		want string
	}{
		{Port(70000), "port 70000"},
		{MaxUploadSize(0), "max upload size"},
		{MaxMessageSize(10), "max message size 10"},
		{SessionTTL(-time.Second), "session TTL"},
		{MaxSessions(-1), "max sessions"},
		{AllowedOrigins("[bad"), "not a valid pattern"},
	}
	for _, tc := range cases {
		_, err := LoadConfig(t.TempDir(), envOf(nil), nil, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
	// Handler serves the error instead of a half-working app.
	app := NewApp(Logger(quietLogger()), MaxMessageSize(1)).Page("/", "", func(*UI) {})
	if _, ok := app.Handler().(*server); ok {
		t.Error("Handler built a server from an invalid configuration")
	}
}
