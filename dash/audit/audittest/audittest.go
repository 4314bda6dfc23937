// Package audittest holds test helpers for code that stores data through
// package audit's Open: the PostgreSQL server to test against.
package audittest

import (
	"os"
	"testing"
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
			"postgres://postgres@127.0.0.1:54329/dashvet?sslmode=disable.")
	}
	return dsn
}
