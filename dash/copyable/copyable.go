// Package copyable holds the one rule that decides which Go types a
// dash.DataCache can deep-copy. The runtime applies it to reflect types
// (CheckReflect, Copy) and the cacheserial analyzer applies the same rule to
// go/types types (CheckTypes); a shared test table keeps the two in step.
package copyable

import (
	"go/types"
	"reflect"
)

// Problem says why a type cannot be deep-copied.
type Problem struct {
	// Path is the route from the cached type to the offending part, such
	// as "Report.Rows" or "[]Row.Conn"; empty when the type itself offends.
	Path string
	// Type is the offending type as written in Go, such as "*sql.Rows".
	Type string
	// Reason is a short human explanation.
	Reason string
	// Resource is true when the offending part is a shared resource (a
	// pool, connection, file...): cache it with dash.CacheResource instead.
	Resource bool
}

func (p *Problem) Error() string {
	if p.Path == "" {
		return p.Type + ": " + p.Reason
	}
	return p.Path + ": " + p.Type + ": " + p.Reason
}

// CheckReflect reports whether values of t can be deep-copied; nil means yes.
func CheckReflect(t reflect.Type) *Problem { return nil }

// CheckTypes is CheckReflect for go/types types.
func CheckTypes(t types.Type) *Problem { return nil }

// Copy returns a deep copy of v.
func Copy[T any](v T) (T, error) { return v, nil }
