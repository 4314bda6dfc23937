//go:build !race

package browsertest_test

// raceBuild: see race_on_test.go.
const raceBuild = false
