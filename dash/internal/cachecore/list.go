package cachecore

// list is an intrusive doubly linked list of entries. Each entry sits in
// two lists at once (recency and age), so the links are chosen by index.
type list[K comparable, V any] struct {
	which      int // 0: recency (LRU), 1: age (TTL)
	head, tail *entry[K, V]
}

func (l *list[K, V]) pushFront(e *entry[K, V]) {
	ln := &e.links[l.which]
	ln.prev, ln.next = nil, l.head
	if l.head != nil {
		l.head.links[l.which].prev = e
	} else {
		l.tail = e
	}
	l.head = e
}

func (l *list[K, V]) remove(e *entry[K, V]) {
	ln := &e.links[l.which]
	if ln.prev != nil {
		ln.prev.links[l.which].next = ln.next
	} else {
		l.head = ln.next
	}
	if ln.next != nil {
		ln.next.links[l.which].prev = ln.prev
	} else {
		l.tail = ln.prev
	}
	ln.prev, ln.next = nil, nil
}

func (l *list[K, V]) moveToFront(e *entry[K, V]) {
	if l.head == e {
		return
	}
	l.remove(e)
	l.pushFront(e)
}

type links[K comparable, V any] struct {
	prev, next *entry[K, V]
}
