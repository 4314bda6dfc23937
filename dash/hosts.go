package dash

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
)

// hostPolicy decides which Host headers the server answers. A page or a
// WebSocket answered for any Host lets a web page the user visits rebind
// its own domain name to 127.0.0.1 and read a dashboard bound to loopback
// (DNS rebinding): the browser sees a same-origin request. A rebinding
// needs a domain name, so an IP literal is always served; names are served
// when they are loopback names, the name the server is bound to, or listed
// in server.allowed_hosts.
type hostPolicy struct {
	any      bool                // "*" is listed: every host is served
	names    map[string]bool     // exact names, and names with a port
	suffixes []string            // from "*.example.com": ".example.com"
	mu       sync.Mutex          // guards logged
	logged   map[string]struct{} // refused hosts logged so far
}

// maxHostsLogged bounds the refused hosts logged one by one, so that a
// scan with random Host headers cannot flood the log.
const maxHostsLogged = 32

func newHostPolicy(cfg ServerConfig) *hostPolicy {
	p := &hostPolicy{names: map[string]bool{"localhost": true}, logged: map[string]struct{}{}}
	p.suffixes = append(p.suffixes, ".localhost") // RFC 6761: always loopback
	if a := normalizeHost(cfg.Address); a != "" {
		p.names[a] = true
	}
	for _, h := range cfg.AllowedHosts {
		h = normalizeHost(h)
		switch {
		case h == "*":
			p.any = true
		case strings.HasPrefix(h, "*."):
			p.suffixes = append(p.suffixes, h[1:])
		case h != "":
			p.names[h] = true
		}
	}
	return p
}

// normalizeHost lower-cases h and drops a trailing dot ("example.com." is
// the same name).
func normalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, port, err := net.SplitHostPort(h); err == nil {
		return strings.TrimSuffix(host, ".") + ":" + port
	}
	return strings.TrimSuffix(h, ".")
}

// allows reports whether the server answers requests for hostport (a Host
// header: name or IP, with or without a port).
func (p *hostPolicy) allows(hostport string) bool {
	if p.any {
		return true
	}
	hostport = normalizeHost(hostport)
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "" {
		return false // HTTP/1.1 requires Host; a client that sends none is not a browser following a link
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	if p.names[host] || p.names[hostport] {
		return true
	}
	for _, s := range p.suffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// checkHost answers a request for a host the server does not serve with
// 421 Misdirected Request and reports false. The log says how to allow the
// host, once per host: behind a reverse proxy that forwards its public name
// this is the first thing an operator sees.
func (srv *server) checkHost(w http.ResponseWriter, r *http.Request) bool {
	if srv.hosts.allows(r.Host) {
		return true
	}
	p := srv.hosts
	p.mu.Lock()
	_, seen := p.logged[r.Host]
	first := !seen && len(p.logged) < maxHostsLogged
	if first {
		p.logged[r.Host] = struct{}{}
	}
	p.mu.Unlock()
	if first {
		srv.log.Warn("dash: refused a request for a host this server does not serve (DNS rebinding protection); "+
			"if a reverse proxy forwards this name, allow it with --server.allowed-hosts (env DASH_SERVER_ALLOWED_HOSTS, dash.toml [server] allowed_hosts)",
			"host", clip(r.Host), "path", clip(r.URL.Path), "remote", r.RemoteAddr)
	}
	http.Error(w, fmt.Sprintf("421 misdirected request: this dashboard does not serve the host %q; "+
		"its operator can allow it with the server.allowed_hosts setting", clip(r.Host)), http.StatusMisdirectedRequest)
	return false
}
