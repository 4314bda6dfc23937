package cache

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPutGet(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(func(string) string { return dir })
	if err != nil {
		t.Fatal(err)
	}
	k := Key{1, 2, 3}
	if _, ok := c.Get(k); ok {
		t.Fatal("empty cache returned an entry")
	}
	if err := c.Put(k, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(k, []byte("two")); err != nil { // a concurrent run's
		t.Fatal(err)
	}
	if data, ok := c.Get(k); !ok || string(data) != "two" {
		t.Errorf("Get = %q, %v", data, ok)
	}
	if _, ok := c.Get(Key{9}); ok {
		t.Error("another key returned an entry")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestOff(t *testing.T) {
	c, err := Open(func(string) string { return "off" })
	if err != nil || c != nil {
		t.Fatalf("Open(off) = %v, %v; want nil, nil", c, err)
	}
	if err := c.Put(Key{1}, []byte("x")); err != nil {
		t.Error(err)
	}
	if _, ok := c.Get(Key{1}); ok {
		t.Error("a disabled cache returned an entry")
	}
	if err := c.Trim(); err != nil {
		t.Error(err)
	}
}

// TestTrim: entries unused for maxAge go, used ones stay, and a second
// trim within trimInterval does not walk the cache.
func TestTrim(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	c := &Cache{dir: dir, now: func() time.Time { return now }}
	old, fresh, used := Key{1}, Key{2}, Key{3}
	for _, k := range []Key{old, fresh, used} {
		if err := c.Put(k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	long := now.Add(-maxAge - time.Hour)
	for _, k := range []Key{old, used} {
		if err := os.Chtimes(c.file(k), long, long); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.Get(used); !ok { // marks it used
		t.Fatal("entry missing")
	}
	if err := c.Trim(); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(old); ok {
		t.Error("entry unused for longer than maxAge survived the trim")
	}
	for _, k := range []Key{fresh, used} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("entry %x removed", k[:1])
		}
	}

	// Within trimInterval a trim does nothing.
	if err := c.Put(old, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(c.file(old), long, long); err != nil {
		t.Fatal(err)
	}
	if err := c.Trim(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.file(old)); err != nil {
		t.Error("a second trim within trimInterval removed an entry")
	}
}
