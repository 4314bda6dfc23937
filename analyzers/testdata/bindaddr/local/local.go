// Package local binds loopback on purpose: no Dockerfile, compose file or
// Kubernetes manifest in the package or the module, so the app is for
// local use and the address is not reported.
package local

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Local") }

func Run() error {
	return dash.Run(app, dash.Address("127.0.0.1"))
}
