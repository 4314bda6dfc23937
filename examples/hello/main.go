// Command hello is the smallest dash app: go run ./examples/hello
package main

import (
	"log"

	"github.com/dashvet/dashvet/dash"
)

func app(ui *dash.UI) {
	ui.Title("Hello")
	name := ui.TextInput("Your name", "world")
	ui.Text("Hello, " + name + "!")
}

func main() {
	if err := dash.Run(app); err != nil {
		log.Fatal(err)
	}
}
