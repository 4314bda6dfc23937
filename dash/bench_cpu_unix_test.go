//go:build unix

package dash

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) this process has used,
// and whether the platform reports it. The load benchmarks report it per
// round trip: unlike latency, it does not depend on what else the machine
// is running.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
