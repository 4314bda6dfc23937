//go:build race

package copyable_test

// raceBuild: this test binary has the race detector; see loadTypetable.
const raceBuild = true
