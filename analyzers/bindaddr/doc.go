// Package bindaddr defines an Analyzer that reports dash servers that will
// not be reachable from outside a container.
//
// # Analyzer bindaddr
//
// bindaddr: report dash servers bound to a loopback address
//
// The dash server listens on 127.0.0.1 by default. Inside a container that
// address is the container's own loopback: the port is published, the
// process is healthy, and every request from outside is refused. The
// analyzer reports:
//
//   - a loopback address (localhost, 127.0.0.1, ::1, also through
//     constants) given to dash.Address, stored in dash.ServerConfig's
//     Address, or given to http.ListenAndServe, an http.Server's Addr or
//     net.Listen where the server serves a dash app's Handler;
//   - a main package that runs a dash app on the default address while its
//     directory or module root holds a Dockerfile, Containerfile, compose
//     file or Kubernetes manifest that sets neither --server.address nor
//     DASH_SERVER_ADDRESS (nor does a dash.toml there).
//
// The second check reads files next to the package and needs a driver that
// offers file access (go vet, the dashvet command, gopls, golangci-lint);
// where Pass.ReadFile is absent, as under Bazel nogo, only the code check
// runs.
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/bindaddr.md
package bindaddr
