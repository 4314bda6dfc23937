//go:build race

package browsertest_test

// raceBuild: this test binary has the race detector, so examples/sales is
// built with it too. Its packages (the embedded SQLite above all) are then
// the ones already compiled for the tests, not compiled a second time
// without the race detector, minutes of CPU on a fresh machine.
const raceBuild = true
