package chart

import (
	"container/list"
	"encoding/binary"
	"math"
	"strings"
	"sync"
)

// Memo remembers recently drawn charts. A dashboard draws the same chart for
// every session and every rerun (its data comes from a shared cache), and
// drawing is the costliest element of a typical page (about 10 ms for a
// year of months), so identical inputs are drawn once. The memo is bounded
// by entry count and total size, evicting the least recently used chart.
type Memo struct {
	maxEntries int
	maxBytes   int

	mu    sync.Mutex
	ll    *list.List // front: most recently used
	items map[string]*list.Element
	bytes int
}

type memoEntry struct {
	key string
	svg []byte
}

// NewMemo returns a memo holding at most maxEntries charts and maxBytes of
// SVG (keys included).
func NewMemo(maxEntries, maxBytes int) *Memo {
	return &Memo{maxEntries: maxEntries, maxBytes: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

// Render is the package's Render, answered from the memo when the same
// kind, labels and series were drawn recently. The returned slice is shared:
// callers must not modify it. Errors are not remembered.
func (m *Memo) Render(kind Kind, labels []string, series []Series) ([]byte, error) {
	key := memoKey(kind, labels, series)
	m.mu.Lock()
	if el, ok := m.items[key]; ok {
		m.ll.MoveToFront(el)
		svg := el.Value.(*memoEntry).svg
		m.mu.Unlock()
		return svg, nil
	}
	m.mu.Unlock()

	// Drawn outside the lock: two sessions missing the same chart at once
	// both draw it, which costs less than serialising every draw.
	svg, err := Render(kind, labels, series)
	if err != nil {
		return nil, err
	}
	size := len(key) + len(svg)
	if size > m.maxBytes {
		return svg, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[key]; !ok {
		m.items[key] = m.ll.PushFront(&memoEntry{key: key, svg: svg})
		m.bytes += size
		for m.ll.Len() > m.maxEntries || m.bytes > m.maxBytes {
			old := m.ll.Remove(m.ll.Back()).(*memoEntry)
			delete(m.items, old.key)
			m.bytes -= len(old.key) + len(old.svg)
		}
	}
	return svg, nil
}

// memoKey encodes the inputs exactly (lengths, strings, float bits), so two
// different charts never share a key.
func memoKey(kind Kind, labels []string, series []Series) string {
	var b strings.Builder
	var n [8]byte
	putInt := func(v int) {
		binary.LittleEndian.PutUint64(n[:], uint64(v))
		b.Write(n[:])
	}
	putString := func(s string) {
		putInt(len(s))
		b.WriteString(s)
	}
	putInt(int(kind))
	putInt(len(labels))
	for _, l := range labels {
		putString(l)
	}
	putInt(len(series))
	for _, s := range series {
		putString(s.Name)
		putInt(len(s.Values))
		for _, v := range s.Values {
			binary.LittleEndian.PutUint64(n[:], math.Float64bits(v))
			b.Write(n[:])
		}
	}
	return b.String()
}
