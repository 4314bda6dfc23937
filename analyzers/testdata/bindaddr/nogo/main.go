package main

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Sales") }

// Without Pass.ReadFile (Bazel nogo) the Dockerfile next to this package
// is not read: without container evidence, an explicit loopback address is
// taken as a choice for local use, and nothing is reported.
func main() {
	dash.Run(app, dash.Port(8501))
	dash.Address("localhost")
}
