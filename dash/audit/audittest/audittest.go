// Package audittest holds test helpers for code that stores data through
// package audit's Open: the PostgreSQL server to test against.
package audittest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// DSNEnv names the environment variable holding the DSN of the
// PostgreSQL database that tests run against.
const DSNEnv = "DASH_TEST_POSTGRES_DSN"

// PostgresDSN returns the DSN of the PostgreSQL server for tests, or
// skips t, saying how to start one, when none is configured. It is
// exported for the tests of packages built on this one.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		tb.Skip(DSNEnv + " is not set, so the PostgreSQL variant is skipped. To run it, start a throwaway " +
			"server on loopback with scripts/postgres-start (which installs Debian's postgresql with `apt-get install " +
			"postgresql` when missing, then initdb/pg_ctl, or use pg_ctlcluster on an existing cluster) and export " +
			DSNEnv + "=postgres://USER@127.0.0.1:PORT/DB?sslmode=disable, for example " +
			"postgres://postgres@127.0.0.1:25432/dashvet?sslmode=disable.")
	}
	return dsn
}

// PostgresSchema returns a DSN for a schema of its own on the PostgreSQL
// test server, created for tb and dropped with everything in it when tb
// ends, so that tests using fixed table names never see each other's
// rows. It skips tb like PostgresDSN when no server is configured.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	dsn := PostgresDSN(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("opening %s: %v", DSNEnv, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "dash_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("creating a test schema on the %s server: %v", DSNEnv, err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("dropping test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("%s is not a URL: %v", DSNEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
