// Package sessionkit holds session-state helpers shared by the pages of
// several packages: presence tests among them.
package sessionkit

import "github.com/dashvet/dashvet/dash"

// Seen reports whether the session has a value under key.
func Seen(st *dash.State, key string) bool { return st.Has(key) }

// Onboarded reports whether the onboarding step is recorded.
func Onboarded(st *dash.State) bool {
	_, ok := st.Get("onboarding.step")
	return ok
}

// Fresh reports whether the session is new: it tests nothing about a key
// the caller sets.
func Fresh(st *dash.State) bool { return len(st.Keys()) == 0 }
