package audit

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in, sqlite, pg string
	}{
		{"none", "SELECT 1", "SELECT 1", "SELECT 1"},
		{"two", "SELECT * FROM t WHERE a = ? AND b > ?", "SELECT * FROM t WHERE a = ? AND b > ?", "SELECT * FROM t WHERE a = $1 AND b > $2"},
		{"string literal", "SELECT '?', a FROM t WHERE b = ?", "SELECT '?', a FROM t WHERE b = ?", "SELECT '?', a FROM t WHERE b = $1"},
		{"escaped quote", "SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = $1"},
		{"identifier", `SELECT "wh?" FROM t WHERE a = ?`, `SELECT "wh?" FROM t WHERE a = ?`, `SELECT "wh?" FROM t WHERE a = $1`},
		{"line comment", "SELECT a -- why?\nFROM t WHERE a = ?", "SELECT a -- why?\nFROM t WHERE a = ?", "SELECT a -- why?\nFROM t WHERE a = $1"},
		{"block comment", "SELECT /* ? */ a WHERE a = ?", "SELECT /* ? */ a WHERE a = ?", "SELECT /* ? */ a WHERE a = $1"},
		{"unterminated literal", "SELECT 'abc?", "SELECT 'abc?", "SELECT 'abc?"},
		{"unterminated comment", "SELECT ? /* ?", "SELECT ? /* ?", "SELECT $1 /* ?"},
		{"trailing comment", "SELECT ? -- ?", "SELECT ? -- ?", "SELECT $1 -- ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SQLite.Rebind(tt.in); got != tt.sqlite {
				t.Errorf("SQLite.Rebind(%q) = %q, want %q", tt.in, got, tt.sqlite)
			}
			if got := Postgres.Rebind(tt.in); got != tt.pg {
				t.Errorf("Postgres.Rebind(%q) = %q, want %q", tt.in, got, tt.pg)
			}
		})
	}
}

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn     string
		dialect Dialect
		source  string
		wantErr bool
	}{
		{dsn: "postgres://u:p@localhost:5432/db?sslmode=disable", dialect: Postgres, source: "postgres://u:p@localhost:5432/db?sslmode=disable"},
		{dsn: "PostgreSQL://h/db", dialect: Postgres, source: "PostgreSQL://h/db"},
		{dsn: "data/sales.db", dialect: SQLite, source: "data/sales.db?" + sqliteParams},
		{dsn: "file:x.db?mode=ro", dialect: SQLite, source: "file:x.db?mode=ro"},
		{dsn: "x.db?_busy_timeout=1", dialect: SQLite, source: "x.db?_busy_timeout=1"},
		{dsn: ":memory:", dialect: SQLite, source: ":memory:?_foreign_keys=1&_time_format=sqlite"},
		{dsn: "", wantErr: true},
		{dsn: "mysql://h/db", wantErr: true},
	}
	for _, tt := range tests {
		d, src, err := ParseDSN(tt.dsn)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseDSN(%q) = %v, %q; want an error", tt.dsn, d, src)
			}
			continue
		}
		if err != nil || d != tt.dialect || src != tt.source {
			t.Errorf("ParseDSN(%q) = %v, %q, %v; want %v, %q", tt.dsn, d, src, err, tt.dialect, tt.source)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"postgres://user:secret@db:5432/x":    "postgres://user:xxxxx@db:5432/x",
		"postgres://user@db/x":                "postgres://user@db/x",
		"postgres://db/x?password=in-query":   "postgres://db/x?password=xxxxx",
		"postgres://u:p@ss@db/x":              "postgres://u:xxxxx@db/x",
		"sales.db":                            "sales.db",
		"postgres://u:p@db/x?sslmode=disable": "postgres://u:xxxxx@db/x?sslmode=disable",
		"postgres://u:p@[::1/x":               "postgres://(unparsable URL)",
	}
	for in, want := range tests {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDialectNames(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		got, err := ParseDialect(d.String())
		if err != nil || got != d {
			t.Errorf("ParseDialect(%q) = %v, %v; want %v", d.String(), got, err, d)
		}
		if d.Driver() == "" {
			t.Errorf("%v has no driver", d)
		}
	}
	if _, err := ParseDialect("oracle"); err == nil {
		t.Error("ParseDialect(oracle) succeeded")
	}
	if Dialect(0).Valid() {
		t.Error("zero Dialect is valid")
	}
}
