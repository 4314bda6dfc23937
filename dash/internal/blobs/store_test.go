package blobs

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

func content(n int, tag string) []byte {
	return bytes.Repeat([]byte(tag), n/len(tag)+1)[:n]
}

func TestInternDedupes(t *testing.T) {
	s := New(1 << 20)
	a := s.Intern(content(1000, "a"))
	b := s.Intern(content(1000, "a")) // equal content, another slice
	if a != b {
		t.Fatal("equal content was interned as two blobs")
	}
	c := s.Intern(content(1000, "b"))
	if c == a {
		t.Fatal("different content shares a blob")
	}
	if !bytes.Equal(a.Bytes(), content(1000, "a")) || !bytes.Equal(c.Bytes(), content(1000, "b")) {
		t.Fatal("a blob does not hold its content")
	}
	st := s.Stats()
	if st.Hits != 1 || st.Misses != 2 || st.Retained != 2 || st.RetainedBytes != 2000 {
		t.Fatalf("stats = %+v, want 1 hit, 2 misses, 2 blobs of 2000 bytes retained", st)
	}
}

func TestRetentionIsBoundedLRU(t *testing.T) {
	s := New(3000)
	first := s.Intern(content(1000, "1"))
	s.Intern(content(1000, "2"))
	s.Intern(content(1000, "3"))
	s.Intern(content(1000, "1")) // used again: now the most recent
	s.Intern(content(1000, "4")) // evicts "2", the least recently used
	st := s.Stats()
	if st.Retained != 3 || st.RetainedBytes != 3000 {
		t.Fatalf("stats = %+v, want 3 blobs, 3000 bytes retained", st)
	}
	if !first.retained {
		t.Fatal("the blob used again was evicted")
	}
	for b := s.lru.head; b != nil; b = b.next {
		if bytes.Equal(b.data, content(1000, "2")) {
			t.Fatal("the least recently used blob is still retained")
		}
	}
	big := s.Intern(content(5000, "big")) // larger than the bound: shared, never retained
	if big.retained || s.Stats().RetainedBytes != 3000 {
		t.Fatalf("a blob over the bound was retained: %+v", s.Stats())
	}
	if again := s.Intern(content(5000, "big")); again != big {
		t.Fatal("a blob over the bound is not shared while it is held")
	}
}

// A blob the LRU let go of stays whole for whoever holds it, and is found
// again by content instead of being copied a second time.
func TestEvictedBlobStaysValidAndShared(t *testing.T) {
	s := New(1000)
	held := s.Intern(content(1000, "held"))
	s.Intern(content(1000, "other")) // evicts held from the LRU
	if held.retained {
		t.Fatal("held is still retained")
	}
	runtime.GC()
	if !bytes.Equal(held.Bytes(), content(1000, "held")) {
		t.Fatal("an evicted blob lost its content")
	}
	if again := s.Intern(content(1000, "held")); again != held {
		t.Fatal("an evicted blob that is still held was copied again")
	}
	if !held.retained {
		t.Fatal("a blob found again is not retained again")
	}
	runtime.KeepAlive(held)
}

// A blob that nobody holds and the LRU let go of is collected and leaves
// the index: the index does not grow with every content ever seen.
func TestUnheldBlobsLeaveTheIndex(t *testing.T) {
	s := New(0) // retain nothing
	for i := range 100 {
		s.Intern(content(600, fmt.Sprint("blob", i)))
	}
	// Cleanups run on their own goroutine after a GC; give them a few GC
	// cycles (no clock involved).
	for i := 0; i < 100 && s.Stats().Indexed > 0; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if n := s.Stats().Indexed; n != 0 {
		t.Fatalf("%d unheld blobs still indexed after 100 GCs", n)
	}
}

// Many goroutines interning the same and different contents at once get
// one blob per content (run with -race).
func TestInternConcurrent(t *testing.T) {
	s := New(8 << 10)
	const goroutines, contents = 16, 20
	got := make([][]*Blob, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range contents {
				got[g] = append(got[g], s.Intern(content(1000, fmt.Sprint("c", i))))
			}
		})
	}
	wg.Wait()
	for i := range contents {
		want := content(1000, fmt.Sprint("c", i))
		for g := range goroutines {
			if got[g][i] != got[0][i] {
				t.Fatalf("content %d: goroutines %d and 0 got different blobs", i, g)
			}
			if !bytes.Equal(got[g][i].Bytes(), want) {
				t.Fatalf("content %d: wrong bytes", i)
			}
		}
	}
	if st := s.Stats(); st.RetainedBytes > 8<<10 {
		t.Fatalf("retained %d bytes, over the 8 KiB bound", st.RetainedBytes)
	}
}

func TestPurgeKeepsHeldBlobs(t *testing.T) {
	s := New(1 << 20)
	held := s.Intern(content(1000, "held"))
	s.Intern(content(1000, "loose"))
	s.Purge()
	if st := s.Stats(); st.Retained != 0 || st.RetainedBytes != 0 {
		t.Fatalf("after Purge: %+v, want nothing retained", st)
	}
	runtime.GC()
	if again := s.Intern(content(1000, "held")); again != held || !bytes.Equal(again.Bytes(), content(1000, "held")) {
		t.Fatal("a held blob was lost or copied by Purge")
	}
}
