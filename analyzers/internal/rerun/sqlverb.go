package rerun

import (
	"go/constant"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ssa"
)

// This file refines a query sink into a write by its SQL text: a
// QueryRow("INSERT ... RETURNING id") writes as much as an Exec does, and
// the advice for a write is a trigger, not a cache.

// writtenBy returns q, as a write when the call c is the sink itself, of
// kind query, and a constant argument is SQL that changes data.
func writtenBy(c *ssa.CallCommon, q *Chain) *Chain {
	if q == nil || q.Kind != KindQuery || len(q.Steps) != 1 {
		return q
	}
	for _, a := range c.Args {
		k, ok := a.(*ssa.Const)
		if !ok || k.Value == nil || k.Value.Kind() != constant.String {
			continue
		}
		if writeVerbs[sqlVerb(constant.StringVal(k.Value))] {
			w := *q
			w.Kind = KindWrite
			return &w
		}
	}
	return q
}

// writeVerbs are the SQL statements that change data or schema.
var writeVerbs = map[string]bool{
	"INSERT": true, "UPDATE": true, "DELETE": true, "UPSERT": true, "MERGE": true,
	"REPLACE": true, "CREATE": true, "DROP": true, "ALTER": true, "TRUNCATE": true,
	"COPY": true, "GRANT": true, "REVOKE": true,
}

// sqlVerb returns the first keyword of a SQL statement, upper-cased, past
// leading blanks and comments; "" when there is none.
func sqlVerb(sql string) string {
	for {
		sql = strings.TrimLeftFunc(sql, unicode.IsSpace)
		switch {
		case strings.HasPrefix(sql, "--"):
			nl := strings.IndexByte(sql, '\n')
			if nl < 0 {
				return ""
			}
			sql = sql[nl+1:]
		case strings.HasPrefix(sql, "/*"):
			end := strings.Index(sql, "*/")
			if end < 0 {
				return ""
			}
			sql = sql[end+2:]
		default:
			end := strings.IndexFunc(sql, func(r rune) bool { return !unicode.IsLetter(r) })
			if end < 0 {
				end = len(sql)
			}
			return strings.ToUpper(sql[:end])
		}
	}
}
