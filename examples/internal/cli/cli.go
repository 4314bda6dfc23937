// Package cli holds what the example binaries share on their command line:
// separating their own flags from dash's, and the -healthcheck probe a
// container's HEALTHCHECK runs (a distroless image has no curl).
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

// dashNamespaces are the flag prefixes dash reads from os.Args itself.
var dashNamespaces = []string{"server.", "theme."}

// isDashFlag reports whether arg is one of dash's flags, and whether its
// value is the next argument (the "--server.port 8502" form).
func isDashFlag(arg string) (ok, valueFollows bool) {
	name, found := strings.CutPrefix(arg, "--")
	if !found {
		if name, found = strings.CutPrefix(arg, "-"); !found {
			return false, false
		}
	}
	for _, ns := range dashNamespaces {
		if strings.HasPrefix(name, ns) {
			return true, !strings.Contains(name, "=")
		}
	}
	return false, false
}

// AppArgs returns args without dash's own flags (--server.*, --theme.* and
// their values), for the app's flag.FlagSet. dash reads those from
// os.Args on its own, and a FlagSet would reject them as undefined. The
// split follows dash's parser: a dash flag without "=" takes the next
// argument as its value, and "--" ends flag parsing for both.
func AppArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		ok, valueFollows := isDashFlag(args[i])
		if !ok {
			out = append(out, args[i])
			continue
		}
		if valueFollows {
			i++
		}
	}
	return out
}

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
