// Package blobs keeps large immutable parts of rendered frames (a chart's
// props with its SVG, a table page, long Markdown) once per process,
// however many sessions show them.
//
// Every session keeps its last frame, to diff the next one against and to
// resend it on a reconnect. Without sharing, a thousand idle sessions
// showing the same chart hold a thousand copies of its SVG. A Store hands
// out one *Blob per distinct content; sessions keep that handle, so the
// bytes exist once while anyone shows them.
//
// Two references keep a blob: the handles held by frames (strong: a frame
// never loses its bytes, so a frame is never broken) and the store's own
// least-recently-used list, bounded in bytes, which keeps recently shown
// parts for the next session that shows them. The store finds a blob by
// content through a weak pointer, so a blob nobody holds any more is
// collected and leaves the index on its own.
package blobs

import (
	"bytes"
	"hash/maphash"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"
)

// Blob is an immutable byte string shared by every frame that shows it.
type Blob struct {
	data []byte
	hash uint64
	// The store's LRU links, guarded by its mu. retained is false once the
	// LRU let go of the blob; frames may still hold it.
	prev, next *Blob
	retained   bool
}

// Bytes returns the blob's content. It is shared: callers must not modify
// it.
func (b *Blob) Bytes() []byte { return b.data }

// Len returns the blob's size in bytes.
func (b *Blob) Len() int { return len(b.data) }

// Store indexes blobs by content. Its methods are safe for concurrent use.
type Store struct {
	maxRetained int64
	seed        maphash.Seed

	mu       sync.Mutex
	index    map[uint64]weak.Pointer[Blob]
	lru      lruList // retained blobs, most recently used first
	retained int64   // bytes in lru

	hits, misses atomic.Int64
}

// New returns a store whose LRU keeps at most maxRetained bytes of blobs
// alive beyond those frames hold. A blob larger than maxRetained is still
// shared while frames hold it, but not kept once they let go.
func New(maxRetained int64) *Store {
	return &Store{maxRetained: maxRetained, seed: maphash.MakeSeed(), index: make(map[uint64]weak.Pointer[Blob])}
}

// indexKey is what a blob's cleanup needs to drop its index entry: the
// entry is removed only if it still points to that blob, since a blob of
// the same content may have replaced it meanwhile.
type indexKey struct {
	hash uint64
	wp   weak.Pointer[Blob]
}

// Intern returns the blob whose content is b: the one already in the
// process if a frame holds it or the store retains it, else a new blob that
// takes ownership of b (the caller must not modify b afterwards).
func (s *Store) Intern(b []byte) *Blob {
	h := maphash.Bytes(s.seed, b)
	s.mu.Lock()
	old := s.index[h].Value() // nil for a missing entry too
	if old == nil {
		nb := &Blob{data: b, hash: h}
		wp := weak.Make(nb)
		s.index[h] = wp
		s.touchLocked(nb)
		s.mu.Unlock()
		s.misses.Add(1)
		runtime.AddCleanup(nb, s.unindex, indexKey{hash: h, wp: wp})
		return nb
	}
	s.mu.Unlock()
	// Compared outside the lock: a part can be megabytes (a table of
	// thousands of rows), and every run of every session interns. old
	// stays indexed meanwhile: holding it keeps it from being collected.
	if !bytes.Equal(old.data, b) {
		// Two contents with one 64-bit hash: vanishingly rare, and correct
		// either way. The first stays indexed; this one is private to its
		// caller.
		s.misses.Add(1)
		return &Blob{data: b, hash: h}
	}
	s.mu.Lock()
	s.touchLocked(old)
	s.mu.Unlock()
	s.hits.Add(1)
	return old
}

// unindex runs after a blob was collected.
func (s *Store) unindex(k indexKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index[k.hash] == k.wp {
		delete(s.index, k.hash)
	}
}

// touchLocked makes b the most recently used blob, retaining it again if
// the LRU had let go of it, and trims the LRU to its bound.
func (s *Store) touchLocked(b *Blob) {
	if b.retained {
		s.lru.moveToFront(b)
		return
	}
	if int64(len(b.data)) > s.maxRetained {
		return
	}
	s.lru.pushFront(b)
	b.retained = true
	s.retained += int64(len(b.data))
	for s.retained > s.maxRetained {
		old := s.lru.tail
		s.lru.remove(old)
		old.retained = false
		s.retained -= int64(len(old.data))
	}
}

// Stats is a snapshot of a store's counters.
type Stats struct {
	Indexed       int   // blobs findable by content: retained or held by a frame (until the GC notices otherwise)
	Retained      int   // blobs the LRU keeps
	RetainedBytes int64 // their size
	Hits, Misses  int64 // Intern calls that found an existing blob, and that did not
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Indexed: len(s.index), Retained: s.lru.len, RetainedBytes: s.retained,
		Hits: s.hits.Load(), Misses: s.misses.Load()}
}

// Purge lets go of every retained blob. Blobs that frames hold stay whole
// and shared; the others are collected.
func (s *Store) Purge() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for b := s.lru.head; b != nil; b = s.lru.head {
		s.lru.remove(b)
		b.retained = false
	}
	s.retained = 0
}
