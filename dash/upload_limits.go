package dash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// uploadMemory is the number of bytes of uploaded files the process holds
// in memory. Servers compare it with their MaxUploadMemory: the budget is
// for the process, whatever number of apps it serves.
var uploadMemory atomic.Int64

// uploadDisk is the number of bytes of uploaded files the process holds in
// temporary files, compared with MaxUploadDisk like uploadMemory.
var uploadDisk atomic.Int64

// errUploadDisk is the error of an upload that would take the process's
// temporary files beyond MaxUploadDisk.
var errUploadDisk = errors.New("the server holds as many uploaded files as it may; try again later")

// uploadGrace is how long an upload body may take before UploadMinRate
// applies; uploadIdle bounds the wait for any one read.
const (
	uploadGrace = 10 * time.Second
	uploadIdle  = 30 * time.Second
)

// errSessionUploads is the error of an upload that would take a session's
// uploads beyond MaxSessionUploads.
var errSessionUploads = errors.New("this session's uploads would exceed their limit")

// errUploadTooSlow is the error of an upload body slower than
// UploadMinRate.
var errUploadTooSlow = errors.New("upload too slow")

// uploadEnv is what reading one upload needs from the server: the memory
// budget and the session's share of its upload cap. It travels in the
// request's context to the widget's upload reader.
type uploadEnv struct {
	memLimit  int64 // MaxUploadMemory
	diskLimit int64 // MaxUploadDisk
}

type uploadEnvKey struct{}

func uploadEnvFrom(ctx context.Context) *uploadEnv {
	if e, ok := ctx.Value(uploadEnvKey{}).(*uploadEnv); ok {
		return e
	}
	return &uploadEnv{}
}

// reserve takes n bytes of the process's upload memory budget, or reports
// false when that would exceed it: the file then goes to disk.
func (e *uploadEnv) reserve(n int64) bool {
	for {
		used := uploadMemory.Load()
		if used+n > e.memLimit {
			return false
		}
		if uploadMemory.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// uploadHold is what an UploadedFile holds: memory of the budget, an open
// spool file. It is released once, when the session holding the file ends
// or, for a file the session no longer holds, when the file is garbage.
type uploadHold struct {
	once sync.Once
	mem  int64
	disk int64 // of uploadDisk
	file *os.File
	size int64 // the file's size, in memory or on disk
	done atomic.Bool
}

func (h *uploadHold) release() {
	h.once.Do(func() {
		uploadMemory.Add(-h.mem)
		uploadDisk.Add(-h.disk)
		if h.file != nil {
			h.file.Close()
		}
		h.done.Store(true)
	})
}

// keepHoldsLocked records the holds of files the session received (s.mu
// held), and forgets those released.
func (s *session) keepHoldsLocked(fs []*UploadedFile) {
	s.holds = slices.DeleteFunc(s.holds, func(h *uploadHold) bool { return h.done.Load() })
	for _, f := range fs {
		if f.hold != nil {
			s.holds = append(s.holds, f.hold)
		}
	}
}

// diskWriter writes a spool file within the process's MaxUploadDisk,
// reserving each write's bytes first; n is what it reserved, to give back
// or hand to the file's hold.
type diskWriter struct {
	w     io.Writer
	limit int64
	n     int64
}

func (d *diskWriter) Write(p []byte) (int, error) {
	if !reserveDisk(int64(len(p)), d.limit) {
		// Replaced files wait for the collector: ask it once, then refuse.
		collectUploadGarbage()
		if !reserveDisk(int64(len(p)), d.limit) {
			return 0, errUploadDisk
		}
	}
	d.n += int64(len(p))
	n, err := d.w.Write(p)
	if n < len(p) {
		uploadDisk.Add(int64(n - len(p)))
		d.n -= int64(len(p) - n)
	}
	return n, err
}

func reserveDisk(n, limit int64) bool {
	for {
		used := uploadDisk.Load()
		if limit > 0 && used+n > limit {
			return false
		}
		if uploadDisk.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// sessionUploadBytes returns the size of the files the session holds
// and has not released: its widget values (applied or staged in a form),
// leaving out widget except, whose value the upload in progress replaces,
// and the files earlier uploads replaced, until they are garbage.
// retired is the part of it in those replaced files.
func (s *session) sessionUploadBytes(except string) (n, retired int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	current := map[*uploadHold]bool{}
	for _, m := range []map[string]any{s.values, s.staged} {
		for id, v := range m {
			if fs, ok := v.([]*UploadedFile); ok {
				for _, f := range fs {
					if f.hold != nil {
						current[f.hold] = true
					}
					if id != except {
						n += f.Size
					}
				}
			}
		}
	}
	s.keepHoldsLocked(nil)
	for _, h := range s.holds {
		if !current[h] {
			retired += h.size
		}
	}
	return n + retired, retired
}

// uploadBytesReclaiming is sessionUploadBytes, after collecting garbage
// when replaced files take more than half of limit: their spool files
// are released only when garbage, and spool files do not grow the heap,
// so the collector would not run for them. Without it, a client
// replacing a large file again and again would fill the disk.
func (s *session) uploadBytesReclaiming(except string, limit int64) int64 {
	n, retired := s.sessionUploadBytes(except)
	if retired == 0 || retired < limit/2 {
		return n
	}
	collectUploadGarbage()
	// Cleanups run on their own goroutine after the collection.
	for deadline := time.Now().Add(100 * time.Millisecond); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var r int64
		if n, r = s.sessionUploadBytes(except); r < retired {
			break
		}
	}
	return n
}

// lastUploadGC is when collectUploadGarbage last ran a collection.
var lastUploadGC atomic.Int64

// collectUploadGarbage runs a garbage collection, at most ten times a
// second in the process whatever the number of sessions asking.
func collectUploadGarbage() {
	now := time.Now().UnixNano()
	last := lastUploadGC.Load()
	if now-last < int64(100*time.Millisecond) || !lastUploadGC.CompareAndSwap(last, now) {
		return
	}
	runtime.GC()
}

// releaseUploads closes the files the session holds, when it ends: their
// disk space and budget come back at once instead of after a GC.
func (s *session) releaseUploads() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Files the session dropped earlier go too: it is over, so its app
	// runs no more.
	for _, h := range s.holds {
		h.release()
	}
	s.holds = nil
	for _, m := range []map[string]any{s.values, s.staged} {
		for id, v := range m {
			if fs, ok := v.([]*UploadedFile); ok {
				for _, f := range fs {
					f.release()
				}
				delete(m, id)
			}
		}
	}
}

// sessionCapReader fails with errSessionUploads once the bytes it has read,
// with those of the session's other uploads in flight and the files it
// holds already (held), exceed limit.
type sessionCapReader struct {
	r     io.Reader
	s     *session
	held  int64
	limit int64
	n     int64
}

func (c *sessionCapReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.held+c.s.uploading.Add(int64(n)) > c.limit {
			return n, errSessionUploads
		}
	}
	return n, err
}

// done takes the bytes read out of the session's uploads in flight: they
// are now held (or were refused).
func (c *sessionCapReader) done() { c.s.uploading.Add(-c.n) }

// rateReader enforces a minimum average rate on a request body (see
// rateBound) with the connection's read deadline, so a stalled client is
// cut off even while a read blocks.
type rateReader struct {
	r io.Reader
	*rateBound
}

func newRateReader(ctx context.Context, w http.ResponseWriter, body io.Reader, grace, idle time.Duration, minRate int64) (*rateReader, func()) {
	// The deadline stays when the handler returns: net/http may still read
	// what is left of the body to reuse the connection, and a stalled
	// client must not hold it there. The next request on the connection
	// gets deadlines of its own.
	b, stop := newRateBound(ctx, http.NewResponseController(w).SetReadDeadline, grace, idle, minRate)
	return &rateReader{r: body, rateBound: b}, stop
}

func (rr *rateReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	rr.n += int64(n)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if rr.expired.Load() {
			return n, fmt.Errorf("%w: the server is shutting down", errUploadTooSlow)
		}
		return n, fmt.Errorf("%w: less than %d bytes/s", errUploadTooSlow, rr.minRate)
	}
	if n > 0 {
		rr.extend()
	}
	return n, err
}
