package main

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Sales") }

// The Dockerfile sets DASH_SERVER_ADDRESS: nothing to report.
func main() {
	dash.NewApp().Page("/", "Sales", app).Run()
}
