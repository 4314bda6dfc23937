package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// DefaultTable is the table a Log writes to unless Table says otherwise.
const DefaultTable = "audit_log"

// Limits on an event's text fields, so that a client cannot fill the table
// with megabytes through a form field.
const (
	maxFieldLen   = 256
	maxDetailsLen = 64 << 10
	maxLimit      = 10_000
)

// Event is one audited session event: who did what, on which page, when,
// with structured details.
type Event struct {
	ID      int64           // assigned by the database on Record
	At      time.Time       // when it happened; Record fills in the time if zero
	Who     string          // the user or session that acted
	Page    string          // the page it happened on, such as "/"
	Action  string          // what was done, such as "target.update"
	Details json.RawMessage // a JSON document; "{}" when there is nothing more
}

// Log writes and reads audit events in one SQL table. It holds no
// connection of its own: it uses the pool it was given, and is safe for
// concurrent use by every session.
type Log struct {
	db        *sql.DB
	dialect   Dialect
	table     string
	now       func() time.Time
	insertSQL string
}

// Option configures a Log.
type Option func(*Log) error

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// Table sets the table name (default DefaultTable). It must be a plain SQL
// identifier: it is written into the SQL text, never taken from users.
func Table(name string) Option {
	return func(l *Log) error {
		if !identRE.MatchString(name) {
			return fmt.Errorf("invalid audit table name %q: want letters, digits and underscores, not starting with a digit", name)
		}
		l.table = name
		return nil
	}
}

// Clock sets the source of event times (default time.Now), for tests.
func Clock(now func() time.Time) Option {
	return func(l *Log) error {
		if now == nil {
			return errors.New("audit.Clock: nil clock")
		}
		l.now = now
		return nil
	}
}

// New returns a Log writing to db in dialect d. It does no I/O; call
// EnsureTable once, where the pool is created, to create the table.
func New(db *sql.DB, d Dialect, opts ...Option) (*Log, error) {
	if db == nil {
		return nil, errors.New("audit.New: nil *sql.DB")
	}
	if !d.Valid() {
		return nil, fmt.Errorf("audit.New: %v", d)
	}
	l := &Log{db: db, dialect: d, table: DefaultTable, now: time.Now}
	for _, o := range opts {
		if err := o(l); err != nil {
			return nil, err
		}
	}
	l.insertSQL = d.Rebind("INSERT INTO " + l.table +
		" (at, who, page, action, details) VALUES (?, ?, ?, ?, ?) RETURNING id")
	return l, nil
}

// Dialect returns the log's SQL dialect.
func (l *Log) Dialect() Dialect { return l.dialect }

// TableName returns the log's table name.
func (l *Log) TableName() string { return l.table }

// EnsureTable creates the log's table and its index when they do not exist.
// It is idempotent and cheap once the table exists.
func (l *Log) EnsureTable(ctx context.Context) error {
	d := l.dialect
	stmts := []string{
		"CREATE TABLE IF NOT EXISTS " + l.table + " (\n" +
			"\tid " + d.autoID() + ",\n" +
			"\tat " + d.timestamp() + " NOT NULL,\n" +
			"\twho VARCHAR(256) NOT NULL,\n" +
			"\tpage VARCHAR(256) NOT NULL,\n" +
			"\taction VARCHAR(256) NOT NULL,\n" +
			"\tdetails " + d.jsonType() + " NOT NULL\n" +
			")",
		"CREATE INDEX IF NOT EXISTS " + l.table + "_at_idx ON " + l.table + " (at)",
	}
	for _, s := range stmts {
		if _, err := l.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("creating audit table %s (%s): %w", l.table, d, err)
		}
	}
	return nil
}

// Record writes e and returns it as stored, with its ID and time. Action
// is required; Who and Page may be empty. Details must be a JSON document
// when set. Long text fields are rejected rather than cut, so the log never
// holds a silently altered record.
func (l *Log) Record(ctx context.Context, e Event) (Event, error) {
	if strings.TrimSpace(e.Action) == "" {
		return Event{}, errors.New("audit event without an action")
	}
	for _, f := range []struct{ name, v string }{{"who", e.Who}, {"page", e.Page}, {"action", e.Action}} {
		if len(f.v) > maxFieldLen {
			return Event{}, fmt.Errorf("audit event %s is %d bytes, more than the limit of %d", f.name, len(f.v), maxFieldLen)
		}
	}
	if len(e.Details) == 0 {
		e.Details = json.RawMessage("{}")
	}
	if len(e.Details) > maxDetailsLen {
		return Event{}, fmt.Errorf("audit event details are %d bytes, more than the limit of %d", len(e.Details), maxDetailsLen)
	}
	if !json.Valid(e.Details) {
		return Event{}, errors.New("audit event details are not valid JSON")
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	// Store UTC with microsecond precision, the finest PostgreSQL keeps, so
	// that an event reads back exactly as Record returned it.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	err := l.db.QueryRowContext(ctx, l.insertSQL, e.At, e.Who, e.Page, e.Action, string(e.Details)).Scan(&e.ID)
	if err != nil {
		return Event{}, fmt.Errorf("writing audit event %q: %w", e.Action, err)
	}
	return e, nil
}

// Query selects events for Recent. The zero Query selects the 100 newest
// events.
type Query struct {
	Limit  int       // at most this many events, newest first; 0 means 100
	Page   string    // only events on this page, when set
	Action string    // only events with this action, when set
	Since  time.Time // only events at or after this time, when set
}

// Recent returns the events selected by q, newest first.
func (l *Log) Recent(ctx context.Context, q Query) ([]Event, error) {
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = 100
	case limit > maxLimit:
		limit = maxLimit
	}
	var (
		where []string
		args  []any
	)
	if q.Page != "" {
		where, args = append(where, "page = ?"), append(args, q.Page)
	}
	if q.Action != "" {
		where, args = append(where, "action = ?"), append(args, q.Action)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, q.Since.UTC())
	}
	text := "SELECT id, at, who, page, action, details FROM " + l.table
	if len(where) > 0 {
		text += " WHERE " + strings.Join(where, " AND ")
	}
	text += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)

	rows, err := l.db.QueryContext(ctx, l.dialect.Rebind(text), args...)
	if err != nil {
		return nil, fmt.Errorf("reading audit log %s: %w", l.table, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e       Event
			details string
		)
		if err := rows.Scan(&e.ID, &e.At, &e.Who, &e.Page, &e.Action, &details); err != nil {
			return nil, fmt.Errorf("reading audit log %s: %w", l.table, err)
		}
		e.At = e.At.UTC()
		e.Details = json.RawMessage(details)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading audit log %s: %w", l.table, err)
	}
	return out, nil
}

// Count returns the number of events in the log.
func (l *Log) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+l.table).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting audit log %s: %w", l.table, err)
	}
	return n, nil
}
