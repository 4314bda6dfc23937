//go:build race

package main

// raceBuild: this test binary has the race detector. The tests then run
// go vet with -race too, so that the dependencies go vet compiles for
// their export data (package dash and all it imports) are the ones the
// test build already compiled, not compiled a second time without it.
const raceBuild = true
