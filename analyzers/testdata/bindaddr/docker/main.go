package main

import "github.com/dashvet/dashvet/dash"

func app(ui *dash.UI) { ui.Title("Sales") }

func main() {
	dash.Run(app) // want `^the app serves on the default address 127.0.0.1, unreachable from outside the container of Dockerfile; pass dash.Address\("0.0.0.0"\), or set --server.address=0.0.0.0 or DASH_SERVER_ADDRESS=0.0.0.0 there$`
}
