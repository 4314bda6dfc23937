// Package prefs initialises session state for apps, from another package
// than the app: what it resets reaches the app through facts.
package prefs

import "github.com/dashvet/dashvet/dash"

// Defaults sets the theme on every call.
func Defaults(st *dash.State) {
	st.Set("theme", "light")
}

// Ensure sets the theme only when absent: not a reset.
func Ensure(st *dash.State) {
	if !st.Has("theme") {
		st.Set("theme", "light")
	}
}
