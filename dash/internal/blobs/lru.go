package blobs

// lruList is an intrusive doubly linked list of retained blobs: the links
// live in the blobs, so retaining one allocates nothing.
type lruList struct {
	head, tail *Blob
	len        int
}

func (l *lruList) pushFront(b *Blob) {
	b.prev, b.next = nil, l.head
	if l.head != nil {
		l.head.prev = b
	} else {
		l.tail = b
	}
	l.head = b
	l.len++
}

func (l *lruList) remove(b *Blob) {
	if b.prev != nil {
		b.prev.next = b.next
	} else {
		l.head = b.next
	}
	if b.next != nil {
		b.next.prev = b.prev
	} else {
		l.tail = b.prev
	}
	b.prev, b.next = nil, nil
	l.len--
}

func (l *lruList) moveToFront(b *Blob) {
	if l.head == b {
		return
	}
	l.remove(b)
	l.pushFront(b)
}
