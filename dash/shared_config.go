package dash

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// CacheConfig is the [cache] section of dash.toml.
type CacheConfig struct {
	// RedisURL is the Redis server of the process's shared store, used by
	// data caches created with Shared(nil): redis://[user:password@]host:port[/db],
	// or rediss://... for TLS. Empty: those caches are local-only.
	RedisURL string
	// Sessions keeps sessions (page, State, widget values) in that store
	// too, so that they resume on any replica; see SharedSessions.
	Sessions bool

	sessionStore *SharedStore // set by SharedSessions; nil: the process's store
}

// The setting is registered here rather than in config.go's table so that
// the shared tier's configuration lives with the shared tier.
func init() {
	settings = append(settings, setting{"cache.redis-url",
		"Redis server shared by the replicas for dash.Shared(nil) caches: redis://[user:password@]host:port[/db], rediss:// for TLS",
		func(c *Config, v any) error {
			s, err := asString(v)
			if err == nil && s != "" {
				if _, perr := redis.ParseURL(s); perr != nil {
					err = fmt.Errorf("not a Redis URL: %w", perr)
				}
			}
			c.Cache.RedisURL = s
			return err
		}})
}

func init() {
	settings = append(settings, setting{"cache.sessions",
		"keep sessions in the Redis of cache.redis-url too, so that they resume on any replica (true or false)",
		func(c *Config, v any) error {
			switch x := v.(type) {
			case bool:
				c.Cache.Sessions = x
				return nil
			case string:
				b, err := strconv.ParseBool(strings.TrimSpace(x))
				c.Cache.Sessions = b
				return err
			}
			return fmt.Errorf("want true or false, got %T", v)
		}})
}

// CacheRedisURL sets [cache] redis_url: the Redis server of the process's
// shared store, for data caches created with Shared(nil).
func CacheRedisURL(url string) Option {
	return optionFunc(func(c *Config) { c.Cache.RedisURL = url })
}

// startSharedStore opens the process's shared store when [cache] redis_url
// is set and makes it the store of Shared(nil) caches; stop undoes that.
// A Redis that does not answer yet is not an error: the caches start
// local-only and use it once it answers.
func startSharedStore(cfg CacheConfig, log *slog.Logger) (stop func(), err error) {
	if cfg.RedisURL == "" {
		return func() {}, nil
	}
	s, err := OpenSharedStore(SharedStoreConfig{URL: cfg.RedisURL, Logger: log})
	if err != nil {
		return nil, err
	}
	SetSharedStore(s)
	log.Info("dash: shared caches use Redis", "redis", redactURL(cfg.RedisURL))
	return func() {
		if defaultShared.CompareAndSwap(s, nil) {
			s.Close()
		}
	}, nil
}

// redactURL hides the password of a Redis URL for logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
