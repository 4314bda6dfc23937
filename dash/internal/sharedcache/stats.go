package sharedcache

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"weak"
)

// Counters are one shared cache's statistics, read without locks.
type Counters struct {
	Name       string
	sharedHits atomic.Uint64
	computes   atomic.Uint64
	lockWaits  atomic.Uint64
	errors     atomic.Uint64
	fallbacks  atomic.Uint64
	tooLarge   atomic.Uint64
}

// Snapshot is a copy of Counters at one moment.
type Snapshot struct {
	Name string
	// SharedHits are values read from Redis (computed by some replica).
	SharedHits uint64
	// Computes are values computed here under the cross-replica lock.
	Computes uint64
	// LockWaits are fetches that waited for another replica's computation.
	LockWaits uint64
	// Errors are failed Redis operations.
	Errors uint64
	// Fallbacks are values computed here without Redis (it was down).
	Fallbacks uint64
	// TooLarge are values computed here and kept local-only for their size.
	TooLarge uint64
}

// Snapshot reads the counters.
func (c *Counters) Snapshot() Snapshot {
	return Snapshot{
		Name:       c.Name,
		SharedHits: c.sharedHits.Load(),
		Computes:   c.computes.Load(),
		LockWaits:  c.lockWaits.Load(),
		Errors:     c.errors.Load(),
		Fallbacks:  c.fallbacks.Load(),
		TooLarge:   c.tooLarge.Load(),
	}
}

// The registry holds counters weakly, as cachecore's does: a cache the
// program drops leaves it once collected.
var registry struct {
	mu     sync.Mutex
	nextID uint64
	all    map[uint64]weak.Pointer[Counters]
}

func register(c *Counters) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.all == nil {
		registry.all = make(map[uint64]weak.Pointer[Counters])
	}
	registry.nextID++
	id := registry.nextID
	registry.all[id] = weak.Make(c)
	runtime.AddCleanup(c, func(id uint64) {
		registry.mu.Lock()
		defer registry.mu.Unlock()
		delete(registry.all, id)
	}, id)
}

// All returns a snapshot of every live shared cache, sorted by name.
func All() []Snapshot {
	registry.mu.Lock()
	live := make([]*Counters, 0, len(registry.all))
	for _, w := range registry.all {
		if c := w.Value(); c != nil {
			live = append(live, c)
		}
	}
	registry.mu.Unlock()
	out := make([]Snapshot, len(live))
	for i, c := range live {
		out[i] = c.Snapshot()
	}
	slices.SortFunc(out, func(a, b Snapshot) int { return strings.Compare(a.Name, b.Name) })
	return out
}
