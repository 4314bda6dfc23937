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
//   - a loopback address (localhost, 127.0.0.1, ::1) that may reach
//     dash.Address, dash.ServerConfig's Address, or http.ListenAndServe, an
//     http.Server's Addr or net.Listen where the server serves a dash app's
//     Handler: followed on SSA through constants, locals assigned on any
//     path, package variables and struct fields, the package's own
//     functions, net.JoinHostPort and fmt.Sprintf, and as the default of a
//     flag or of an environment variable that no manifest sets;
//   - a main package that runs a dash app on the default address while its
//     directory or module root holds a Dockerfile, Containerfile, compose
//     file or Kubernetes manifest that sets neither --server.address nor
//     DASH_SERVER_ADDRESS (nor does a dash.toml there).
//
// Both checks apply only to a module built into a container: they read
// files next to the package and need a driver that offers file access (go
// vet, the dashvet command, gopls, golangci-lint); where Pass.ReadFile is
// absent, as under Bazel nogo, nothing is reported.
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/bindaddr.md
package bindaddr
