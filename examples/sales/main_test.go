package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"-h"}, &stderr); code != 0 {
		t.Errorf("-h exits %d, want 0", code)
	}
	if !strings.Contains(stderr.String(), "-db") || !strings.Contains(stderr.String(), "--server.address") {
		t.Errorf("usage lacks the app's or dash's flags:\n%s", stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"--no-such-flag"}, &stderr); code != 2 {
		t.Errorf("an unknown flag exits %d, want 2", code)
	}
}

// TestHealthcheckMode is the container's HEALTHCHECK: the binary run with
// -healthcheck and the server's flags probes that server's /healthz.
func TestHealthcheckMode(t *testing.T) {
	t.Chdir(t.TempDir()) // no dash.toml
	t.Setenv("DASH_SERVER_ADDRESS", "")
	t.Setenv("DASH_SERVER_PORT", "")
	d, err := newDashboard(":memory:", "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	hs := httptest.NewServer(d.App().Handler())
	_, port, err := net.SplitHostPort(hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	args := []string{"-healthcheck", "--server.address=0.0.0.0", "--server.port", port}
	if code := run(args, &stderr); code != 0 {
		t.Errorf("healthcheck of a serving dashboard exits %d: %s", code, stderr.String())
	}
	hs.Close()
	if code := run(args, &stderr); code != 1 {
		t.Errorf("healthcheck of a stopped dashboard exits %d, want 1", code)
	}
	// The probe must hit /healthz, not just any page.
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	_, port, _ = net.SplitHostPort(other.Listener.Addr().String())
	if code := run([]string{"-healthcheck", "--server.port=" + port}, &stderr); code != 1 {
		t.Errorf("healthcheck of a server without /healthz exits %d, want 1", code)
	}
}
