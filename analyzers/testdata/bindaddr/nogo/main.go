package main

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Sales") }

// Without Pass.ReadFile (Bazel nogo) the Dockerfile next to this package
// is not read; the code check still runs.
func main() {
	dash.Run(app, dash.Port(8501))
	dash.Address("localhost") // want `dash.Address\("localhost"\)`
}
