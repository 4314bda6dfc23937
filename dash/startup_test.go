package dash

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"testing"
)

type fakeProbe struct {
	files map[string]string
	vars  map[string]string
}

func (p fakeProbe) exists(path string) bool { _, ok := p.files[path]; return ok }
func (p fakeProbe) read(path string) string { return p.files[path] }
func (p fakeProbe) env(key string) string   { return p.vars[key] }

func TestDetectContainer(t *testing.T) {
	cases := []struct {
		name  string
		probe fakeProbe
		want  string
	}{
		{"bare metal", fakeProbe{files: map[string]string{"/proc/1/cgroup": "0::/init.scope\n"}}, ""},
		{"docker", fakeProbe{files: map[string]string{"/.dockerenv": ""}}, "/.dockerenv"},
		{"podman", fakeProbe{files: map[string]string{"/run/.containerenv": ""}}, "Podman"},
		{"kubernetes", fakeProbe{vars: map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}}, "KUBERNETES_SERVICE_HOST"},
		{"cgroup v1", fakeProbe{files: map[string]string{"/proc/1/cgroup": "12:pids:/docker/abc\n"}}, "docker"},
	}
	for _, tc := range cases {
		got := detectContainer(tc.probe)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: detectContainer = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestStartupLogWarnsInContainerOnLoopback(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8501}
	for _, tc := range []struct {
		host, container string
		warn            bool
		url             string
	}{
		{"127.0.0.1", "/.dockerenv exists", true, "http://127.0.0.1:8501/"},
		{"localhost", "/.dockerenv exists", true, "http://localhost:8501/"},
		{"::1", "KUBERNETES_SERVICE_HOST is set", true, "http://[::1]:8501/"},
		{"0.0.0.0", "/.dockerenv exists", false, "http://localhost:8501/"},
		{"127.0.0.1", "", false, "http://127.0.0.1:8501/"},
	} {
		var buf bytes.Buffer
		logStartup(slog.New(slog.NewTextHandler(&buf, nil)), addr, tc.host, tc.container)
		out := buf.String()
		if !strings.Contains(out, tc.url) {
			t.Errorf("%s: log %q does not show %s", tc.host, out, tc.url)
		}
		warned := strings.Contains(out, "level=WARN") && strings.Contains(out, "--server.address=0.0.0.0")
		if warned != tc.warn {
			t.Errorf("%s in %q: warned=%v, want %v; log %q", tc.host, tc.container, warned, tc.warn, out)
		}
	}
}
