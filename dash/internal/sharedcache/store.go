// Package sharedcache is the Redis side of dash's shared data caches. A
// Store is one connection (pool) to Redis shared by every shared cache of
// the process; a Cache is one data cache's namespace in it. Values are
// bytes here: package dash encodes them with copyable/wire and keeps the
// typed local tier in front.
//
// What lives in Redis, per cache (prefix P = "dash:c:" + name + ":" +
// fingerprints of the key and value types + ":"):
//
//	P v:<key>   the encoded value, with the cache's TTL as expiry
//	P l:<key>   the compute lock: a fencing token, with the lock TTL
//	dash:c:<name>:fence   the counter the tokens come from
//
// and one pub/sub channel, dash:inv, for Forget, Clear and "a value is
// ready" notices.
//
// Single flight across replicas: a miss takes the lock (a token from the
// counter) in the same script that found no value, computes, and stores
// the value only if the lock still holds its token. A replica that dies
// holding the lock blocks the others until the lock expires (LockTTL); one
// that is alive extends it while it computes. Forget and Clear delete the
// locks too, so a computation that started before them cannot store its
// (possibly stale) result afterwards.
//
// Outage: every Redis error makes the Store "down" for RetryAfter; while
// down, Fetch computes locally without a lock. The first Fetch after that
// tries Redis again. Errors are logged once per outage and counted.
package sharedcache

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Config configures a Store. Zero fields take the defaults.
type Config struct {
	// URL is the Redis server: redis://[user:password@]host:port[/db], or
	// rediss:// for TLS. Query parameters of go-redis' ParseURL (such as
	// dial_timeout, read_timeout, pool_size) are honoured.
	URL string
	// LockTTL bounds how long a replica that died while computing blocks
	// the others. Default 10s.
	LockTTL time.Duration
	// Timeout bounds one Redis operation when the URL sets none; a slower
	// Redis counts as down. Default 500ms.
	Timeout time.Duration
	// RetryAfter is how long the Store stays local-only after a Redis
	// error. Default 1s.
	RetryAfter time.Duration
	// Poll is how often a replica waiting for another's computation looks
	// at Redis again when no notice arrives. Default 50ms.
	Poll time.Duration
	// MaxValueBytes is the largest encoded value stored; larger ones stay
	// local. Default 32 MiB.
	MaxValueBytes int
	Logger        *slog.Logger
}

const (
	namespace = "dash:"
	channel   = namespace + "inv"
)

// Store is a connection to one Redis server for every shared cache of the
// process. Its methods are safe for concurrent use.
type Store struct {
	cfg Config
	rdb *redis.Client
	log *slog.Logger

	downUntil atomic.Int64 // unix nanoseconds; 0: up
	down      atomic.Bool  // in an outage (for logging transitions)
	errors    atomic.Uint64

	mu        sync.Mutex
	listeners map[string]map[uint64]*Listener // by cache prefix
	nextID    uint64
	waiters   map[string]chan struct{} // by value key, closed on a notice
	closed    chan struct{}
	done      chan struct{}
	ps        *redis.PubSub
}

// Listener receives one cache's invalidations from every replica.
type Listener struct {
	// Forget is called with the encoded key forgotten on some replica.
	Forget func(key []byte)
	// Clear is called when the cache was cleared on some replica, and
	// after an outage of the connection, when notices may have been missed.
	Clear func()
}

// Open connects to Redis (it does not fail when Redis is down: the Store
// then starts local-only and retries) and starts the invalidation
// listener.
func Open(cfg Config) (*Store, error) {
	opts, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("sharedcache: redis URL: %w", err)
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = 10 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 500 * time.Millisecond
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 50 * time.Millisecond
	}
	if cfg.MaxValueBytes <= 0 {
		cfg.MaxValueBytes = 32 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = cfg.Timeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = cfg.Timeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = cfg.Timeout
	}
	// An outage is handled here (local-only, retried after RetryAfter):
	// the client's own retries would only make every call slower.
	opts.MaxRetries = -1
	opts.DisableIdentity = true
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	s := &Store{
		cfg:       cfg,
		rdb:       redis.NewClient(opts),
		log:       cfg.Logger,
		listeners: make(map[string]map[uint64]*Listener),
		waiters:   make(map[string]chan struct{}),
		closed:    make(chan struct{}),
		done:      make(chan struct{}),
	}
	s.ps = s.rdb.Subscribe(context.Background(), channel)
	go s.listen()
	return s, nil
}

// Close stops the listener and closes the connections.
func (s *Store) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
	}
	close(s.closed)
	err := s.ps.Close()
	<-s.done
	return errors.Join(err, s.rdb.Close())
}

// Up reports whether the Store currently uses Redis.
func (s *Store) Up() bool { return !s.down.Load() }

// Errors returns the number of failed Redis operations so far.
func (s *Store) Errors() uint64 { return s.errors.Load() }

// Addr is the server's address, for logs and metric labels.
func (s *Store) Addr() string { return s.rdb.Options().Addr }

// usable reports whether Redis may be tried now.
func (s *Store) usable() bool {
	until := s.downUntil.Load()
	return until == 0 || time.Now().UnixNano() >= until
}

// fail records a Redis error: local-only for RetryAfter, and a warning
// when this starts an outage.
func (s *Store) fail(op string, err error) {
	s.errors.Add(1)
	s.downUntil.Store(time.Now().Add(s.cfg.RetryAfter).UnixNano())
	if s.down.CompareAndSwap(false, true) {
		s.log.Warn("dash: Redis unavailable; shared caches work local-only until it answers again",
			"addr", s.Addr(), "op", op, "err", err, "retry_after", s.cfg.RetryAfter)
	}
}

// ok records a Redis success: an outage ends. Local copies are dropped
// only when the invalidation subscription comes back after a break (see
// listen): notices are lost only then, and dropping every replica's copies
// twice would cost a second wave of recomputation.
func (s *Store) ok() {
	if s.downUntil.Load() != 0 {
		s.downUntil.Store(0)
	}
	if s.down.CompareAndSwap(true, false) {
		s.log.Info("dash: Redis answers again; shared caches resume", "addr", s.Addr())
	}
}

// Ping checks the connection, updating the Store's health.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		s.fail("ping", err)
		return fmt.Errorf("sharedcache: ping %s: %w", s.Addr(), err)
	}
	s.ok()
	return nil
}

// listen receives invalidation notices until Close. After the connection
// breaks, the go-redis PubSub reconnects and resubscribes on the next
// Receive; every local copy is then dropped, since notices sent in
// between are lost.
func (s *Store) listen() {
	defer close(s.done)
	ctx := context.Background()
	broken := false
	backoff := 50 * time.Millisecond
	for {
		select {
		case <-s.closed:
			return
		default:
		}
		msg, err := s.ps.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			select {
			case <-s.closed:
				return
			default:
			}
			var nerr interface{ Timeout() bool }
			if errors.As(err, &nerr) && nerr.Timeout() && !broken {
				// Quiet channel: check that the connection is alive.
				if perr := s.ps.Ping(ctx); perr == nil {
					continue
				}
			}
			if !broken {
				s.fail("subscribe", err)
			}
			broken = true
			select {
			case <-s.closed:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			if err := s.ps.Subscribe(ctx, channel); err != nil {
				continue
			}
			continue
		}
		backoff = 50 * time.Millisecond
		switch m := msg.(type) {
		case *redis.Subscription:
			if broken {
				broken = false
				s.clearAll()
			}
		case *redis.Message:
			s.dispatch(m.Payload)
		}
	}
}

// Notices: 'F' prefix 0 key (forgotten), 'C' prefix (cleared), 'R' prefix
// 0 key (a value was stored or a lock given up: waiters look again).
func (s *Store) dispatch(payload string) {
	if len(payload) < 2 {
		return
	}
	kind, rest := payload[0], payload[1:]
	prefix, key, _ := strings.Cut(rest, "\x00")
	s.wake(prefix + "v:" + key)
	if kind == 'R' {
		return
	}
	s.mu.Lock()
	ls := make([]*Listener, 0, len(s.listeners[prefix]))
	for _, l := range s.listeners[prefix] {
		ls = append(ls, l)
	}
	s.mu.Unlock()
	for _, l := range ls {
		switch kind {
		case 'F':
			kb, err := base64.RawURLEncoding.DecodeString(key)
			if err == nil {
				l.Forget(kb)
			}
		case 'C':
			l.Clear()
		}
	}
}

func (s *Store) clearAll() {
	s.mu.Lock()
	var ls []*Listener
	for _, m := range s.listeners {
		for _, l := range m {
			ls = append(ls, l)
		}
	}
	s.mu.Unlock()
	for _, l := range ls {
		l.Clear()
	}
}

func (s *Store) wake(valueKey string) {
	s.mu.Lock()
	if ch := s.waiters[valueKey]; ch != nil {
		close(ch)
		delete(s.waiters, valueKey)
	}
	s.mu.Unlock()
}

func (s *Store) waiter(valueKey string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.waiters[valueKey]
	if ch == nil {
		ch = make(chan struct{})
		s.waiters[valueKey] = ch
	}
	return ch
}

// Cache is one data cache's namespace in the Store.
type Cache struct {
	s      *Store
	name   string
	prefix string
	fence  string
	ttl    time.Duration
	stats  *Counters
}

// Cache returns the namespace of a data cache named name whose key and
// value types have the given fingerprints, with entries expiring after ttl
// (0: never).
func (s *Store) Cache(name, keyFingerprint, valueFingerprint string, ttl time.Duration) *Cache {
	c := &Cache{
		s:      s,
		name:   name,
		prefix: namespace + "c:" + name + ":" + keyFingerprint + valueFingerprint + ":",
		fence:  namespace + "c:" + name + ":fence",
		ttl:    ttl,
		stats:  &Counters{Name: name},
	}
	register(c.stats)
	return c
}

// Counters returns the cache's shared-tier counters.
func (c *Cache) Counters() *Counters { return c.stats }

// Listen registers l for the cache's invalidations; the returned function
// unregisters it.
func (c *Cache) Listen(l *Listener) (stop func()) {
	s := c.s
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	if s.listeners[c.prefix] == nil {
		s.listeners[c.prefix] = make(map[uint64]*Listener)
	}
	s.listeners[c.prefix][id] = l
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.listeners[c.prefix], id)
		if len(s.listeners[c.prefix]) == 0 {
			delete(s.listeners, c.prefix)
		}
		s.mu.Unlock()
	}
}

func (c *Cache) keys(key []byte) (value, lock, enc string) {
	enc = base64.RawURLEncoding.EncodeToString(key)
	return c.prefix + "v:" + enc, c.prefix + "l:" + enc, enc
}

var (
	// getOrLock returns {1, value, pttl} on a hit, {2, token} when the
	// caller now holds the lock, {0} when another replica does.
	getOrLock = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then return {1, v, redis.call('PTTL', KEYS[1])} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {0} end
local t = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], t, 'PX', ARGV[1])
return {2, t}`)
	// put stores the value only while the lock holds the caller's token,
	// then releases the lock and tells the waiters. 1: stored.
	put = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`)
	// unlock gives up the lock if it still holds the caller's token.
	unlock = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0`)
	// extend keeps the lock of a computation that is still running.
	extend = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
)

// Source says where Fetch got its value.
type Source uint8

const (
	FromShared   Source = iota + 1 // read from Redis, computed by some replica
	FromComputed                   // computed here under the lock
	FromLocal                      // computed here without Redis (down, or value too large)
)

// Result describes a Fetch.
type Result struct {
	Source Source
	// Expires is when the value expires in Redis (zero: never); a local
	// copy must not outlive it.
	Expires time.Time
	// Keep is false when the value must not be kept locally: a Forget or
	// Clear ran on some replica while it was computed.
	Keep bool
}

// Fetch returns the value of key: decode is called with the bytes found in
// Redis (an error there drops the entry and computes again), compute is
// called, under the cross-replica lock, when there are none. While Redis is
// unavailable compute runs without the lock and the value stays local.
// Errors are compute's, or ctx's.
func (c *Cache) Fetch(ctx context.Context, key []byte, decode func([]byte) error, compute func(context.Context) ([]byte, error)) (Result, error) {
	s := c.s
	local := func() (Result, error) {
		c.stats.fallbacks.Add(1)
		_, err := compute(ctx)
		return c.result(FromLocal, 0, true), err
	}
	if !s.usable() {
		return local()
	}
	vk, lk, enc := c.keys(key)
	waited := false
	for {
		r, err := getOrLock.Run(ctx, s.rdb, []string{vk, lk, c.fence}, expiryMillis(c.s.cfg.LockTTL)).Slice()
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, ctx.Err()
			}
			c.stats.errors.Add(1)
			s.fail("get", err)
			return local()
		}
		s.ok()
		switch tag, _ := r[0].(int64); tag {
		case 1:
			b, _ := r[1].(string)
			pttl, _ := r[2].(int64)
			if err := decode([]byte(b)); err != nil {
				// Another build wrote an incompatible value under the
				// same fingerprint, or it was damaged: drop it.
				s.log.Warn("dash: shared cache value cannot be decoded; dropping it", "cache", c.name, "err", err)
				c.stats.errors.Add(1)
				s.rdb.Del(ctx, vk)
				continue
			}
			c.stats.sharedHits.Add(1)
			return c.result(FromShared, time.Duration(pttl)*time.Millisecond, true), nil
		case 2:
			token, _ := r[1].(int64)
			return c.computeLocked(ctx, vk, lk, enc, strconv.FormatInt(token, 10), compute)
		default:
			if !waited {
				waited = true
				c.stats.lockWaits.Add(1)
			}
			if err := c.wait(ctx, vk); err != nil {
				return Result{}, err
			}
		}
	}
}

func (c *Cache) result(src Source, pttl time.Duration, keep bool) Result {
	r := Result{Source: src, Keep: keep}
	switch {
	case src == FromShared && pttl > 0:
		r.Expires = time.Now().Add(pttl)
	case src != FromShared && c.ttl > 0:
		r.Expires = time.Now().Add(c.ttl)
	}
	return r
}

// wait returns when a notice about the key arrives, after Poll, or with
// ctx's error.
func (c *Cache) wait(ctx context.Context, valueKey string) error {
	t := time.NewTimer(c.s.cfg.Poll)
	defer t.Stop()
	select {
	case <-c.s.waiter(valueKey):
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

func (c *Cache) computeLocked(ctx context.Context, vk, lk, enc, token string, compute func(context.Context) ([]byte, error)) (Result, error) {
	s := c.s
	ready := "R" + c.prefix + "\x00" + enc
	released := false
	stop := c.keepLock(lk, token)
	defer func() {
		stop()
		if !released {
			// compute failed or panicked: let another replica try.
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
			defer cancel()
			if err := unlock.Run(uctx, s.rdb, []string{lk}, token, channel, ready).Err(); err != nil {
				c.stats.errors.Add(1)
				s.fail("unlock", err)
			}
		}
	}()
	b, err := compute(ctx)
	if err != nil {
		return Result{}, err
	}
	c.stats.computes.Add(1)
	if len(b) > s.cfg.MaxValueBytes {
		c.stats.tooLarge.Add(1)
		return c.result(FromLocal, 0, true), nil
	}
	released = true
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
	defer cancel()
	stored, err := put.Run(pctx, s.rdb, []string{vk, lk}, token, b, expiryMillis(c.ttl), channel, ready).Int()
	if err != nil {
		c.stats.errors.Add(1)
		s.fail("put", err)
		return c.result(FromLocal, 0, true), nil
	}
	// Not stored: the lock was taken away by a Forget or Clear (or it
	// expired and another replica took it): the value answers this
	// flight's callers but is not kept.
	return c.result(FromComputed, 0, stored == 1), nil
}

// keepLock extends the lock every LockTTL/3 while a computation runs.
func (c *Cache) keepLock(lk, token string) (stop func()) {
	s := c.s
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(s.cfg.LockTTL/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
				n, err := extend.Run(ctx, s.rdb, []string{lk}, token, expiryMillis(s.cfg.LockTTL)).Int()
				cancel()
				if err != nil || n == 0 {
					return // lost (Forget, Clear, outage): put will not store
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

// Forget deletes key's value and lock in Redis and tells every replica.
func (c *Cache) Forget(ctx context.Context, key []byte) error {
	s := c.s
	if !s.usable() {
		return fmt.Errorf("sharedcache: Redis at %s unavailable; forgot %q locally only", s.Addr(), c.name)
	}
	vk, lk, enc := c.keys(key)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, vk, lk)
		p.Publish(ctx, channel, "F"+c.prefix+"\x00"+enc)
		return nil
	})
	if err != nil {
		c.stats.errors.Add(1)
		s.fail("forget", err)
		return fmt.Errorf("sharedcache: forget in %q: %w", c.name, err)
	}
	s.ok()
	return nil
}

// Clear deletes every value and lock of the cache in Redis (SCAN, so its
// cost grows with the database) and tells every replica.
func (c *Cache) Clear(ctx context.Context) error {
	s := c.s
	if !s.usable() {
		return fmt.Errorf("sharedcache: Redis at %s unavailable; cleared %q locally only", s.Addr(), c.name)
	}
	err := c.clear(ctx)
	if err != nil {
		c.stats.errors.Add(1)
		s.fail("clear", err)
		return fmt.Errorf("sharedcache: clear %q: %w", c.name, err)
	}
	s.ok()
	return nil
}

func (c *Cache) clear(ctx context.Context) error {
	s := c.s
	pattern := globEscape(c.prefix) + "*"
	var cursor uint64
	for {
		sctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		keys, next, err := s.rdb.Scan(sctx, cursor, pattern, 1000).Result()
		if err == nil && len(keys) > 0 {
			err = s.rdb.Unlink(sctx, keys...).Err()
		}
		cancel()
		if err != nil {
			return err
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	pctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	return s.rdb.Publish(pctx, channel, "C"+c.prefix).Err()
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// expiryMillis is d as a Redis PX argument: 0 (no expiry) only for d <= 0,
// at least 1 ms otherwise, since PX 0 would mean "never" or an error.
func expiryMillis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return max(d.Milliseconds(), 1)
}
