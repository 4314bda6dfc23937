package main

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Sales") }

// compose.yaml passes the flag; the Kubernetes manifest sets the variable.
func main() {
	dash.Run(app)
}
