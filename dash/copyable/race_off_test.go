//go:build !race

package copyable_test

// raceBuild: see race_on_test.go.
const raceBuild = false
