// Package stateinit defines an Analyzer that reports session state
// initialised with State.Set on the rerun path, which resets the value on
// every rerun.
//
// # Analyzer stateinit
//
// stateinit: report session state reset by State.Set on every rerun
//
// An app that writes ui.State().Set("count", 0) at its top sets count back
// to 0 on every interaction: the counter never counts, the selected tab
// jumps back, the cart empties. State.SetDefault stores the value only when
// the key is absent; the analyzer offers that fix, except for a Set that
// clears a value the entry read above it (a message shown once), where
// SetDefault would never clear it.
//
// The exact rule: a call of (*dash.State).Set directly in an entry (a
// function or function literal with a *dash.UI parameter, or a closure run
// as part of it) is reported when all of these hold:
//
//   - its value is a constant expression: a literal, a named constant, nil,
//     a conversion of one, a composite literal (or its address) built only
//     from such values, or make/new with such arguments. A value computed in
//     the run (from a widget, a query, a variable) is what the user wants
//     stored each run and is not reported;
//   - it is not trigger-guarded (under a Button, SubmitButton or
//     DownloadButton that returned true), and not inside an OnChange
//     callback;
//   - no enclosing if, else or switch case, and no earlier
//     "if ... { return }" of an enclosing block, tests the same key with
//     Has, Get or dash.Value (the key is the same constant, or the same
//     expression); a test guards only the code its edge alone leads to, so
//     a Set after the if, where both edges meet, is a reset.
//
// A helper (any package, generic or not) that receives a *dash.State and
// sets a constant on it under the same conditions is reported where it is
// called on the rerun path, with the chain down to the Set; so is a loop
// that sets every entry of a constant table.
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/stateinit.md
package stateinit
