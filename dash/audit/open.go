package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	// Registered drivers: "pgx" for PostgreSQL, "sqlite" for embedded SQLite.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// sqliteParams are the connection settings every SQLite connection of the
// pool gets. busy_timeout makes a writer wait for a concurrent one instead
// of failing at once with SQLITE_BUSY; WAL lets readers (every session's
// queries) proceed while a writer (an audit row) commits; _txlock=immediate
// takes the write lock when a transaction begins, so two transactions can
// never deadlock upgrading from a read lock; _time_format=sqlite writes
// times in the format SQLite's own date functions read.
const sqliteParams = "_busy_timeout=5000&_journal_mode=WAL&_foreign_keys=1&_txlock=immediate&_time_format=sqlite"

// ParseDSN tells which database a DSN names and returns the data source
// name to give its driver:
//
//   - postgres://… or postgresql://… is PostgreSQL, passed to pgx unchanged;
//   - ":memory:" is a private in-memory SQLite database;
//   - a "file:" URI, or a path with "?" parameters, is SQLite, passed to the
//     driver unchanged (you choose every setting);
//   - anything else is the path of a SQLite database file, created when
//     missing, opened with busy timeout, WAL journal and foreign keys on.
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case dsn == "":
		return 0, "", errors.New("empty DSN: want a SQLite file path or a postgres:// URL")
	case hasPrefixFold(dsn, "postgres://"), hasPrefixFold(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case dsn == ":memory:":
		return SQLite, ":memory:?_foreign_keys=1&_time_format=sqlite", nil
	case strings.HasPrefix(dsn, "file:"), strings.Contains(dsn, "?"):
		return SQLite, dsn, nil
	case strings.Contains(dsn, "://"):
		return 0, "", fmt.Errorf("unsupported database URL %q: want postgres:// or a SQLite file path", redact(dsn))
	}
	return SQLite, dsn + "?" + sqliteParams, nil
}

// Open opens a connection pool for dsn (see ParseDSN), checks that the
// database answers within ctx, and returns the pool with its dialect. The
// pool is meant to be opened once per process and shared: in a dash app,
// call Open inside dash.CacheSingleton or dash.CacheResource, never in the
// app function.
func Open(ctx context.Context, dsn string) (*sql.DB, Dialect, error) {
	d, source, err := ParseDSN(dsn)
	if err != nil {
		return nil, 0, err
	}
	db, err := sql.Open(d.Driver(), source)
	if err != nil {
		return nil, 0, fmt.Errorf("opening %s database %s: %w", d, redact(dsn), err)
	}
	configurePool(db, d, dsn)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, 0, fmt.Errorf("connecting to %s database %s: %w", d, redact(dsn), err)
	}
	return db, d, nil
}

func configurePool(db *sql.DB, d Dialect, dsn string) {
	switch {
	case d == SQLite && dsn == ":memory:":
		// Every connection to ":memory:" is a database of its own; one
		// connection keeps the pool looking at a single database.
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
	case d == SQLite:
		// SQLite has one writer at a time; a handful of connections serve
		// concurrent readers without piling up writers behind the lock.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	default:
		// A dashboard's sessions share this pool: bound it so that a burst
		// of reruns queues here instead of exhausting the server's
		// max_connections, and recycle connections so a failover or a
		// server restart is picked up.
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(8)
		db.SetConnMaxIdleTime(5 * time.Minute)
		db.SetConnMaxLifetime(30 * time.Minute)
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// redact hides the password of a URL-shaped DSN, in its user info or in a
// password query parameter, for error messages and logs.
func redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// Never echo a DSN we could not take apart: it may hold a secret.
		return dsn[:strings.Index(dsn, "://")+3] + "(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
