package dash

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// proxySet holds the configured trusted reverse proxies.
type proxySet []netip.Prefix

// parseProxy reads one trusted proxy: an IP or a CIDR.
func parseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("trusted proxy %q: want an IP or a CIDR: %w", s, err)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// newProxySet parses entries that Config.Validate has checked.
func newProxySet(entries []string) proxySet {
	var ps proxySet
	for _, e := range entries {
		if p, err := parseProxy(e); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

func (ps proxySet) contains(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey identifies the client of r for per-client limits. It is the
// peer's address, unless the peer is a trusted proxy: then it is the
// rightmost X-Forwarded-For entry that is not a trusted proxy (entries to
// its left were written by the client and prove nothing). Without trusted
// proxies the header is ignored, since any client can send it.
//
// An IPv6 client is keyed by its /64: one host usually has the whole
// prefix and could otherwise take a new address per session.
func clientKey(r *http.Request, proxies proxySet) string {
	peer := remoteIP(r.RemoteAddr)
	client := peer
	if peer.IsValid() && len(proxies) > 0 && proxies.contains(peer) {
		client = forwardedClient(r.Header.Values("X-Forwarded-For"), proxies, peer)
	}
	if !client.IsValid() {
		return r.RemoteAddr // not an IP (a test transport, a Unix socket): as given
	}
	if client.Is6() {
		return netip.PrefixFrom(client, 64).Masked().String()
	}
	return client.String()
}

// forwardedClient walks X-Forwarded-For from the right past trusted
// proxies; it returns peer when every entry is a proxy or unreadable.
func forwardedClient(values []string, proxies proxySet, peer netip.Addr) netip.Addr {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a := remoteIP(strings.TrimSpace(hops[i]))
		if !a.IsValid() {
			return peer // a forged or garbled hop: trust nothing to its left
		}
		if !proxies.contains(a) {
			return a
		}
	}
	return peer
}

// remoteIP parses "ip", "ip:port" or "[ip]:port".
func remoteIP(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}
