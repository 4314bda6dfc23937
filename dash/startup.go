package dash

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
)

// probe is the view of the machine container detection needs; tests fake
// it.
type probe interface {
	exists(path string) bool
	read(path string) string
	env(key string) string
}

// detectContainer reports the evidence that the process runs inside a
// container, or "" when there is none.
func detectContainer(p probe) string {
	switch {
	case p.exists("/.dockerenv"):
		return "/.dockerenv exists"
	case p.exists("/run/.containerenv"):
		return "/run/.containerenv exists (Podman)"
	case p.env("KUBERNETES_SERVICE_HOST") != "":
		return "KUBERNETES_SERVICE_HOST is set"
	}
	cgroup := p.read("/proc/1/cgroup")
	for _, hint := range []string{"docker", "kubepods", "containerd", "libpod", "lxc"} {
		if strings.Contains(cgroup, hint) {
			return "/proc/1/cgroup mentions " + hint
		}
	}
	return ""
}

// isLoopback reports whether a listen address accepts only local
// connections.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// logStartup logs the URL the app is served at and, when a container is
// detected and the server is bound to loopback, a warning that nobody
// outside the container can reach it.
func logStartup(log *slog.Logger, bound net.Addr, host string, container string) {
	port := ""
	if tcp, ok := bound.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	} else if _, p, err := net.SplitHostPort(bound.String()); err == nil {
		port = p
	}
	shown := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		shown = "localhost" // all interfaces: show a URL that works locally
	}
	url := "http://" + net.JoinHostPort(shown, port) + "/"
	log.Info("dash: serving", "url", url, "listen", bound.String())
	if container != "" && isLoopback(host) {
		log.Warn(fmt.Sprintf("dash: RUNNING IN A CONTAINER (%s) BUT BOUND TO %s: NOTHING OUTSIDE THE CONTAINER CAN REACH THIS SERVER. "+
			"Listen on all interfaces with --server.address=0.0.0.0, DASH_SERVER_ADDRESS=0.0.0.0, "+
			"address = \"0.0.0.0\" under [server] in dash.toml, or dash.Address(\"0.0.0.0\").", container, host))
	}
}
