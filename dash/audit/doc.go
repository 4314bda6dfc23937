// Package audit records who did what, and when, in a dashboard: one row per
// session event (a form submit, an export, a target change) in a SQL table
// that outlives the session and the process.
//
// The log writes through a pooled *sql.DB. In a dash app that pool comes
// from a resource cache, so every session shares it and no rerun opens a
// connection of its own:
//
//	var pool = dash.CacheSingleton(func(ctx context.Context) (*sql.DB, error) {
//		db, dialect, err := audit.Open(ctx, dsn)
//		...
//		return db, audit.New(db, dialect).EnsureTable(ctx)
//	}, dash.OnRelease(func(db *sql.DB) { db.Close() }))
//
// Two databases are supported, chosen by the DSN given to Open: embedded
// SQLite (modernc.org/sqlite, pure Go, no cgo and no server) for a file
// path, and PostgreSQL (pgx) for a postgres:// URL. Their SQL differs in
// bind parameters ("?" against "$1") and in column types; Dialect holds
// those differences in one place.
package audit
