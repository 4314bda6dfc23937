// Package cli holds what the example binaries share on their command line:
// the -healthcheck probe a container's HEALTHCHECK runs (a distroless image
// has no curl). Separating their own flags from dash's is dash.AppArgs.
package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dashvet/dashvet/dash"
)

// HealthURL returns the /healthz URL of the server that the dash
// configuration in args, the DASH_* environment and dash.toml describes.
// A wildcard listen address (0.0.0.0, ::) is probed on loopback, which is
// where a container's HEALTHCHECK runs.
func HealthURL(args []string) (string, error) {
	cfg, err := dash.LoadConfig(".", os.Getenv, args)
	if err != nil {
		return "", err
	}
	host := cfg.Server.Address
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::", "[::]":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(cfg.Server.Port)) + "/healthz", nil
}

// Probe requests url and returns nil when it answers 200 within timeout.
func Probe(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	return nil
}

// Healthcheck probes the server configured by args and returns the exit
// status for a container HEALTHCHECK: 0 healthy, 1 not.
func Healthcheck(args []string, stderr io.Writer) int {
	url, err := HealthURL(args)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	if err := Probe(context.Background(), url, 3*time.Second); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
