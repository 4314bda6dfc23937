package code

import (
	"net/http"
	"testing"

	"github.com/dashvet/dashvet/dash"
)

// A test serves the app on the machine running it: loopback is right.
func TestServe(t *testing.T) {
	h := dash.NewApp().Page("/", "Home", app).Handler()
	go http.ListenAndServe("127.0.0.1:0", h)
}
