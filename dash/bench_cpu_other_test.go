//go:build !unix

package dash

import "time"

// processCPU is not available here: the load benchmarks leave out the CPU
// time per round trip.
func processCPU() (time.Duration, bool) { return 0, false }
