// Package cache keeps the results of standalone dashvet runs on disk, so
// that a run over unchanged code answers without loading it.
//
// An entry is addressed by a key that covers everything its result depends
// on (the caller's business: the dashvet executable, its flags, the
// package's files and those of every dependency); entries are never
// updated in place, only written whole under a new key. Like the go
// command's build cache, it is trimmed by age: an entry unused for
// maxAge is removed by a later run.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Key addresses an entry.
type Key [sha256.Size]byte

// Env names the variable that sets the cache directory; "off" disables
// the cache.
const Env = "DASHVET_CACHE"

const (
	maxAge       = 5 * 24 * time.Hour // entries unused this long are removed
	touchAfter   = time.Hour          // how stale a used entry's time may get
	trimInterval = 24 * time.Hour     // how often a run looks for old entries
	trimMarker   = "trim.txt"
)

// Cache is a directory of entries. The zero of *Cache (nil) is a cache
// that holds nothing, for runs with the cache disabled.
type Cache struct {
	dir string
	now func() time.Time
}

// Open returns the cache named by $DASHVET_CACHE, by default dashvet/ in
// the user's cache directory (where the go command keeps go-build/). It
// returns nil, and no error, when the variable is "off".
func Open(getenv func(string) string) (*Cache, error) {
	dir := getenv(Env)
	switch dir {
	case "off":
		return nil, nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("finding the cache directory (set %s): %w", Env, err)
		}
		dir = filepath.Join(base, "dashvet")
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("creating the cache directory: %w", err)
	}
	return &Cache{dir: dir, now: time.Now}, nil
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

func (c *Cache) file(k Key) string {
	h := hex.EncodeToString(k[:])
	return filepath.Join(c.dir, h[:2], h)
}

// Get returns the entry for k, if there is one.
func (c *Cache) Get(k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	name := c.file(k)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, false
	}
	// Mark the entry used, so trimming keeps it; at most once an hour,
	// to spare the disk a write per read.
	if info, err := os.Stat(name); err == nil && c.now().Sub(info.ModTime()) > touchAfter {
		now := c.now()
		_ = os.Chtimes(name, now, now)
	}
	return data, true
}

// Put stores data under k. The entry appears whole or not at all, also to
// a concurrent run.
func (c *Cache) Put(k Key, data []byte) error {
	if c == nil {
		return nil
	}
	name := c.file(k)
	if err := os.MkdirAll(filepath.Dir(name), 0o777); err != nil {
		return fmt.Errorf("writing cache entry: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing cache entry: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing cache entry: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing cache entry: %w", err)
	}
	return nil
}

// Trim removes the entries unused for maxAge, if no run has looked for
// them in the last trimInterval.
func (c *Cache) Trim() error {
	if c == nil {
		return nil
	}
	marker := filepath.Join(c.dir, trimMarker)
	now := c.now()
	if info, err := os.Stat(marker); err == nil && now.Sub(info.ModTime()) < trimInterval {
		return nil
	}
	if err := os.WriteFile(marker, []byte(now.UTC().Format(time.RFC3339)+"\n"), 0o666); err != nil {
		return fmt.Errorf("trimming the cache: %w", err)
	}
	return filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == trimMarker {
			return nil // an entry another run removed meanwhile, or the marker
		}
		if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > maxAge {
			_ = os.Remove(path)
		}
		return nil
	})
}
