package cachecore

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"weak"
)

// Counters are a cache's statistics. They are updated atomically so the
// process-wide registry reads them without taking any cache's lock.
type Counters struct {
	Name    string
	hits    atomic.Uint64
	misses  atomic.Uint64
	entries atomic.Int64
	bytes   atomic.Int64
}

// Snapshot is a copy of Counters at one moment.
type Snapshot struct {
	Name    string
	Hits    uint64
	Misses  uint64
	Entries int
	Bytes   int64
}

// Snapshot reads the counters.
func (c *Counters) Snapshot() Snapshot {
	return Snapshot{
		Name:    c.Name,
		Hits:    c.hits.Load(),
		Misses:  c.misses.Load(),
		Entries: int(c.entries.Load()),
		Bytes:   c.bytes.Load(),
	}
}

// The registry holds weak pointers: a cache that a program drops (for
// example one mistakenly built inside the app function on every rerun) is
// collected, and leaves the registry, instead of being kept alive by it.
var registry struct {
	mu     sync.Mutex
	nextID uint64
	all    map[uint64]weak.Pointer[Counters]
}

// Register adds c to the process-wide registry until c is collected.
func Register(c *Counters) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.all == nil {
		registry.all = make(map[uint64]weak.Pointer[Counters])
	}
	registry.nextID++
	id := registry.nextID
	registry.all[id] = weak.Make(c)
	runtime.AddCleanup(c, unregister, id)
}

func unregister(id uint64) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	delete(registry.all, id)
}

// All returns a snapshot of every live cache, sorted by name.
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
