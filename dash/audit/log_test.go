package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/audit/audittest"
)

// backends returns the databases to run a test against: a SQLite file in a
// temporary directory always, PostgreSQL when DASH_TEST_POSTGRES_DSN is set.
// Each gets a table of its own so that test runs cannot see each other.
func backends(t *testing.T) map[string]func(t *testing.T) (*sql.DB, Dialect, string) {
	return map[string]func(t *testing.T) (*sql.DB, Dialect, string){
		"sqlite": func(t *testing.T) (*sql.DB, Dialect, string) {
			return openTest(t, filepath.Join(t.TempDir(), "audit.db"))
		},
		"postgres": func(t *testing.T) (*sql.DB, Dialect, string) {
			dsn := audittest.PostgresDSN(t)
			return openTest(t, dsn)
		},
	}
}

func openTest(t *testing.T, dsn string) (*sql.DB, Dialect, string) {
	t.Helper()
	ctx := context.Background()
	db, d, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	table := "audit_test_" + randomSuffix(t)
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table); err != nil {
			t.Errorf("dropping %s: %v", table, err)
		}
		db.Close()
	})
	return db, d, table
}

func randomSuffix(t *testing.T) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

func TestLogRoundTrip(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			db, d, table := open(t)
			ctx := context.Background()
			clock := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))
			l, err := New(db, d, Table(table), Clock(func() time.Time { return clock }))
			if err != nil {
				t.Fatal(err)
			}
			if err := l.EnsureTable(ctx); err != nil {
				t.Fatal(err)
			}
			// A second call finds the table and changes nothing.
			if err := l.EnsureTable(ctx); err != nil {
				t.Fatalf("second EnsureTable: %v", err)
			}

			first, err := l.Record(ctx, Event{Who: "ana", Page: "/", Action: "target.update",
				Details: json.RawMessage(`{"region":"EMEA","target_cents":1200000}`)})
			if err != nil {
				t.Fatal(err)
			}
			wantAt := clock.UTC().Truncate(time.Microsecond)
			if first.ID == 0 || !first.At.Equal(wantAt) {
				t.Errorf("Record returned id %d at %v; want an id and %v", first.ID, first.At, wantAt)
			}
			explicit := time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC)
			second, err := l.Record(ctx, Event{At: explicit, Who: "bo", Page: "/audit", Action: "note"})
			if err != nil {
				t.Fatal(err)
			}
			if second.ID <= first.ID {
				t.Errorf("second id %d not after first %d", second.ID, first.ID)
			}

			got, err := l.Recent(ctx, Query{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("Recent returned %d events, want 2: %+v", len(got), got)
			}
			// Newest first; every field reads back as written.
			if got[0].ID != second.ID || got[1].ID != first.ID {
				t.Errorf("order: got ids %d, %d; want %d, %d", got[0].ID, got[1].ID, second.ID, first.ID)
			}
			checkEvent(t, got[1], first)
			checkEvent(t, got[0], second)
			if string(got[0].Details) != "{}" {
				t.Errorf("empty details read back as %s, want {}", got[0].Details)
			}

			n, err := l.Count(ctx)
			if err != nil || n != 2 {
				t.Errorf("Count = %d, %v; want 2", n, err)
			}
		})
	}
}

func checkEvent(t *testing.T, got, want Event) {
	t.Helper()
	if got.ID != want.ID || !got.At.Equal(want.At) || got.Who != want.Who || got.Page != want.Page || got.Action != want.Action {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	var g, w any
	if err := json.Unmarshal(got.Details, &g); err != nil {
		t.Fatalf("details %s: %v", got.Details, err)
	}
	if err := json.Unmarshal(want.Details, &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("details read back as %s, want %s", gb, wb)
	}
}

func TestRecentFilters(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			db, d, table := open(t)
			ctx := context.Background()
			l, err := New(db, d, Table(table))
			if err != nil {
				t.Fatal(err)
			}
			if err := l.EnsureTable(ctx); err != nil {
				t.Fatal(err)
			}
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range 10 {
				page, action := "/", "note"
				if i%2 == 1 {
					page = "/audit"
				}
				if i%3 == 0 {
					action = "target.update"
				}
				if _, err := l.Record(ctx, Event{At: base.Add(time.Duration(i) * time.Hour), Who: "u", Page: page, Action: action}); err != nil {
					t.Fatal(err)
				}
			}
			count := func(q Query) int {
				t.Helper()
				evs, err := l.Recent(ctx, q)
				if err != nil {
					t.Fatalf("Recent(%+v): %v", q, err)
				}
				for _, e := range evs {
					if q.Page != "" && e.Page != q.Page || q.Action != "" && e.Action != q.Action || !q.Since.IsZero() && e.At.Before(q.Since) {
						t.Errorf("Recent(%+v) returned %+v, outside the filter", q, e)
					}
				}
				return len(evs)
			}
			checks := []struct {
				q    Query
				want int
			}{
				{Query{}, 10},
				{Query{Limit: 3}, 3},
				{Query{Page: "/audit"}, 5},
				{Query{Action: "target.update"}, 4},            // i = 0, 3, 6, 9
				{Query{Page: "/", Action: "target.update"}, 2}, // i = 0, 6
				{Query{Since: base.Add(7 * time.Hour)}, 3},     // i = 7, 8, 9
				{Query{Page: "/nowhere"}, 0},
			}
			for _, c := range checks {
				if got := count(c.q); got != c.want {
					t.Errorf("Recent(%+v) returned %d events, want %d", c.q, got, c.want)
				}
			}
		})
	}
}

func TestRecordRejects(t *testing.T) {
	db, d, table := openTest(t, filepath.Join(t.TempDir(), "audit.db"))
	ctx := context.Background()
	l, err := New(db, d, Table(table))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.EnsureTable(ctx); err != nil {
		t.Fatal(err)
	}
	bad := map[string]Event{
		"no action":     {Who: "x"},
		"blank action":  {Action: "  "},
		"invalid JSON":  {Action: "a", Details: json.RawMessage(`{"a":`)},
		"long who":      {Action: "a", Who: strings.Repeat("x", maxFieldLen+1)},
		"huge details":  {Action: "a", Details: json.RawMessage(`"` + strings.Repeat("x", maxDetailsLen) + `"`)},
		"long page":     {Action: "a", Page: strings.Repeat("/", maxFieldLen+1)},
		"long action":   {Action: strings.Repeat("a", maxFieldLen+1)},
		"details array": {Action: "a", Details: json.RawMessage(`[1,`)},
	}
	for name, e := range bad {
		if _, err := l.Record(ctx, e); err == nil {
			t.Errorf("%s: Record succeeded", name)
		}
	}
	if n, err := l.Count(ctx); err != nil || n != 0 {
		t.Errorf("after rejected events Count = %d, %v; want 0", n, err)
	}
}

func TestNewRejects(t *testing.T) {
	db, d, _ := openTest(t, filepath.Join(t.TempDir(), "audit.db"))
	for _, name := range []string{"", "1abc", "audit log", "x;DROP TABLE y", strings.Repeat("a", 64)} {
		if _, err := New(db, d, Table(name)); err == nil {
			t.Errorf("Table(%q) accepted", name)
		}
	}
	if _, err := New(nil, SQLite); err == nil {
		t.Error("New(nil) succeeded")
	}
	if _, err := New(db, Dialect(0)); err == nil {
		t.Error("New with the zero Dialect succeeded")
	}
	if _, err := New(db, d, Clock(nil)); err == nil {
		t.Error("Clock(nil) accepted")
	}
}

// TestConcurrentRecord writes from many goroutines at once through one
// pool, as sessions submitting forms at the same moment do: SQLite's busy
// timeout and WAL journal must serialise the writers without errors.
func TestConcurrentRecord(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			db, d, table := open(t)
			ctx := context.Background()
			l, err := New(db, d, Table(table))
			if err != nil {
				t.Fatal(err)
			}
			if err := l.EnsureTable(ctx); err != nil {
				t.Fatal(err)
			}
			const writers, each = 8, 25
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						_, err := l.Record(ctx, Event{Who: "w", Action: "concurrent",
							Details: json.RawMessage(`{"writer":` + itoa(w) + `,"i":` + itoa(i) + `}`)})
						if err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if n, err := l.Count(ctx); err != nil || n != writers*each {
				t.Errorf("Count = %d, %v; want %d", n, err, writers*each)
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	// A SQLite path in a directory that does not exist cannot be created.
	if db, _, err := Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "x.db")); err == nil {
		db.Close()
		t.Error("Open in a missing directory succeeded")
	}
	// Nothing listens on port 1; the error must not leak the password.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _, err := Open(ctx, "postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of an unreachable PostgreSQL succeeded")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestMemoryDatabaseIsShared(t *testing.T) {
	ctx := context.Background()
	db, d, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := New(db, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.EnsureTable(ctx); err != nil {
		t.Fatal(err)
	}
	// With a pool of one connection, concurrent users see the same
	// in-memory database rather than one each.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := l.Record(ctx, Event{Action: "mem"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n, err := l.Count(ctx); err != nil || n != 4 {
		t.Errorf("Count = %d, %v; want 4", n, err)
	}
}

// BenchmarkRecord measures one audit write through the pool: on SQLite a
// WAL commit, the cost a form submit adds to its rerun.
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	db, d, err := Open(ctx, filepath.Join(b.TempDir(), "audit.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	l, err := New(db, d)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.EnsureTable(ctx); err != nil {
		b.Fatal(err)
	}
	ev := Event{Who: "bench", Page: "/", Action: "target.update", Details: json.RawMessage(`{"region":"EMEA","target_cents":3100000}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Record(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecent measures reading the 50 newest of 1,000 events, the
// audit page's query on a cache miss.
func BenchmarkRecent(b *testing.B) {
	ctx := context.Background()
	db, d, err := Open(ctx, filepath.Join(b.TempDir(), "audit.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	l, err := New(db, d)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.EnsureTable(ctx); err != nil {
		b.Fatal(err)
	}
	for range 1000 {
		if _, err := l.Record(ctx, Event{Who: "bench", Action: "note"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		evs, err := l.Recent(ctx, Query{Limit: 50})
		if err != nil || len(evs) != 50 {
			b.Fatalf("Recent: %d events, %v", len(evs), err)
		}
	}
}
