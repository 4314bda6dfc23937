package sharedcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sessions are kept under "dash:s:" and the SHA-256 of their id: the id is
// the bearer token of the session, and must not be readable by whoever can
// list Redis keys.
func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return namespace + "s:" + hex.EncodeToString(sum[:])
}

// SaveSession stores a session's snapshot for ttl. While Redis is down it
// fails at once (the session lives on in memory).
func (s *Store) SaveSession(ctx context.Context, id string, snapshot []byte, ttl time.Duration) error {
	if !s.usable() {
		return fmt.Errorf("sharedcache: Redis at %s unavailable", s.Addr())
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.rdb.Set(ctx, sessionKey(id), snapshot, ttl).Err(); err != nil {
		s.fail("save session", err)
		return fmt.Errorf("sharedcache: saving a session: %w", err)
	}
	s.ok()
	return nil
}

// LoadSession returns a session's snapshot, nil when there is none (or
// Redis is down).
func (s *Store) LoadSession(ctx context.Context, id string) ([]byte, error) {
	if !s.usable() {
		return nil, fmt.Errorf("sharedcache: Redis at %s unavailable", s.Addr())
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	b, err := s.rdb.Get(ctx, sessionKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		s.ok()
		return nil, nil
	}
	if err != nil {
		s.fail("load session", err)
		return nil, fmt.Errorf("sharedcache: loading a session: %w", err)
	}
	s.ok()
	return b, nil
}
