// Package dash is a runtime for data dashboards in the Streamlit execution
// model, written in Go.
//
// An app is a plain function that receives a *UI. The runtime calls it from
// the top when a browser session opens and again on every interaction of that
// session (a "rerun"); widgets return their current values, so the function
// reads like a script:
//
//	func app(ui *dash.UI) {
//		ui.Title("Sales")
//		region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
//		rows, err := sales.Get(ui.Context(), region) // a *dash.DataCache
//		...
//	}
//
// Work that must not repeat on every rerun goes behind a cache:
// CacheData for values (every caller gets its own deep copy) and
// CacheResource / CacheSingleton for shared objects such as connection pools.
// Session state lives in ui.State().
//
// The dashvet analyzers (github.com/dashvet/dashvet/analyzers/...) recognise
// this API by type and report the rerun model's production failures before
// they ship.
package dash
