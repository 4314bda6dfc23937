package rerun

import (
	"go/constant"
	"go/types"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ssa"
)

// This file refines a sink into a write by what it is given: the SQL text
// of a query (QueryRow("INSERT ... RETURNING id") writes as much as an
// Exec does) and the method of an HTTP request (client.Do of a request
// made with http.MethodPost). The advice for a write is a trigger, not a
// cache, which would skip it.
//
// The text or method is often a parameter of a helper (exec(ctx, sql),
// c.do(ctx, method, path), send(req)): the chain then records which
// parameter decides (Chain.Verb), and each call site decides with its own
// argument, so one helper writes where it is given a POST and reads where
// it is given a GET.

// VerbParam is the parameter of a function whose value decides whether its
// chain's sink writes.
type VerbParam struct {
	Func  string // the function: verbKey
	Index int    // among its SSA parameters, the receiver first
	Of    VerbOf // what the parameter holds
}

// VerbOf says what a deciding value holds.
type VerbOf uint8

const (
	VerbSQL     VerbOf = iota + 1 // SQL text
	VerbMethod                    // an HTTP method
	VerbRequest                   // an *http.Request
)

// verdict is what a value says about a sink: known (and then whether it
// writes), or decided by a parameter of the function holding the value.
type verdict struct {
	known, write bool
	method       string // for an HTTP method known to write
	param        *ssa.Parameter
	of           VerbOf
}

// maxVerbDepth bounds how many functions returning a request are
// followed into.
const maxVerbDepth = 3

// writtenBy returns q, refined by what the sink call c is given when c is
// the sink itself: a write when its SQL text or request method writes, or
// decided by the parameter they come from.
func writtenBy(c *ssa.CallCommon, q *Chain) *Chain {
	if q == nil || len(q.Steps) != 1 {
		return q
	}
	sink := q.Steps[0]
	switch {
	case q.Kind == KindQuery && sqlPackages[sink.PkgPath]:
		for _, a := range c.Args {
			if !isString(a.Type()) {
				continue
			}
			if v := sqlVerdict(a); v.known || v.param != nil {
				return q.decided(v)
			}
		}
	case q.Kind == KindHTTP && sink.PkgPath == "net/http" && sink.Name == "Do" && len(c.Args) > 0:
		return q.decided(requestVerdict(c.Args[len(c.Args)-1], maxVerbDepth))
	}
	return q
}

// sqlPackages are the packages of catalogued sinks given SQL text (a
// go-redis key is a string too, and "delete:queue" is no DELETE).
var sqlPackages = map[string]bool{
	"database/sql":                    true,
	"github.com/jackc/pgx/v5":         true,
	"github.com/jackc/pgx/v5/pgxpool": true,
	"github.com/jackc/pgx/v4":         true,
	"github.com/jackc/pgx/v4/pgxpool": true,
	"github.com/jmoiron/sqlx":         true,
}

// verbAt returns q, a chain of fn (a callee of the call c, whose argument
// i is fn's parameter i+offset), decided by c's argument when q's verb is
// a parameter of fn. Whatever else it returns has no verb: a chain leaving
// a call belongs to the caller.
func verbAt(c *ssa.CallCommon, fnKey string, offset int, q *Chain) *Chain {
	if q == nil || q.Verb == nil {
		return q
	}
	i := q.Verb.Index - offset
	if q.Verb.Func != fnKey || i < 0 || i >= len(c.Args) {
		d := *q
		d.Verb = nil
		return &d
	}
	return q.decided(verdictOf(c.Args[i], q.Verb.Of, maxVerbDepth))
}

// decided returns q refined by v.
func (q *Chain) decided(v verdict) *Chain {
	d := *q
	d.Verb = nil
	switch {
	case v.known && v.write && d.Kind == KindQuery:
		d.Kind = KindWrite
	case v.known && v.write && d.Kind == KindHTTP:
		d.Kind, d.Method = KindPost, v.method
	case v.param != nil:
		if i := paramIndex(v.param.Parent(), v.param); i >= 0 {
			d.Verb = &VerbParam{Func: verbKey(v.param.Parent()), Index: i, Of: v.of}
		}
	}
	return &d
}

func verdictOf(v ssa.Value, of VerbOf, depth int) verdict {
	switch of {
	case VerbSQL:
		return sqlVerdict(v)
	case VerbMethod:
		return methodVerdict(v)
	case VerbRequest:
		return requestVerdict(v, depth)
	}
	return verdict{}
}

// sqlVerdict says whether the SQL text v writes: a constant, one built
// from a constant prefix, or the same on every path.
func sqlVerdict(v ssa.Value) verdict {
	return stringVerdict(v, VerbSQL, func(s string) (bool, string) { return writeVerbs[sqlVerb(s)], "" })
}

// methodVerdict says whether the HTTP method v writes.
func methodVerdict(v ssa.Value) verdict {
	return stringVerdict(v, VerbMethod, func(s string) (bool, string) {
		m := strings.ToUpper(strings.TrimSpace(s))
		switch m {
		case "", "GET", "HEAD", "OPTIONS", "TRACE":
			return false, ""
		}
		return true, m
	})
}

func stringVerdict(v ssa.Value, of VerbOf, writes func(string) (bool, string)) verdict {
	seen := map[ssa.Value]bool{}
	var walk func(v ssa.Value) verdict
	walk = func(v ssa.Value) verdict {
		if seen[v] {
			return verdict{}
		}
		seen[v] = true
		switch v := v.(type) {
		case *ssa.Const:
			if v.Value == nil || v.Value.Kind() != constant.String {
				return verdict{}
			}
			w, m := writes(constant.StringVal(v.Value))
			return verdict{known: true, write: w, method: m}
		case *ssa.BinOp: // "INSERT INTO " + table + ...: the first operand starts it
			return walk(v.X)
		case *ssa.ChangeType:
			return walk(v.X)
		case *ssa.Parameter:
			return verdict{param: v, of: of}
		case *ssa.Phi:
			return agree(v.Edges, walk)
		case *ssa.Call:
			// fmt.Sprintf("UPDATE %s SET ...", ...): the format starts it.
			if obj := staticObj(v); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "fmt" && obj.Name() == "Sprintf" && len(v.Call.Args) > 0 {
				return walk(v.Call.Args[0])
			}
		}
		return verdict{}
	}
	return walk(v)
}

// requestVerdict says whether the *http.Request v writes, by the method
// it was made with: by http.NewRequest[WithContext], or by a function of
// the package returning one (followed depth levels deep).
func requestVerdict(v ssa.Value, depth int) verdict {
	seen := map[ssa.Value]bool{}
	var walk func(v ssa.Value) verdict
	walk = func(v ssa.Value) verdict {
		if seen[v] {
			return verdict{}
		}
		seen[v] = true
		var call *ssa.Call
		switch v := v.(type) {
		case *ssa.Parameter:
			return verdict{param: v, of: VerbRequest}
		case *ssa.Phi:
			return agree(v.Edges, walk)
		case *ssa.Extract:
			if v.Index != 0 {
				return verdict{}
			}
			call, _ = v.Tuple.(*ssa.Call)
		case *ssa.Call:
			call = v
		}
		if call == nil {
			return verdict{}
		}
		callee := call.Call.StaticCallee()
		if callee == nil {
			return verdict{}
		}
		if obj := funcObject(callee); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "net/http" {
			switch obj.Name() {
			case "NewRequest":
				return methodVerdict(call.Call.Args[0])
			case "NewRequestWithContext":
				return methodVerdict(call.Call.Args[1])
			}
			return verdict{}
		}
		if depth == 0 || callee.Blocks == nil {
			return verdict{}
		}
		// A constructor of requests: what it returns, decided at this call
		// when it is decided by one of its parameters.
		var rets []ssa.Value
		for _, b := range callee.Blocks {
			r, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
			if !ok || len(r.Results) == 0 {
				continue
			}
			if k, ok := r.Results[0].(*ssa.Const); ok && k.IsNil() {
				continue // the error path returns no request
			}
			rets = append(rets, r.Results[0])
		}
		inner := agree(rets, func(r ssa.Value) verdict { return requestVerdict(r, depth-1) })
		if inner.param == nil {
			return inner
		}
		i := paramIndex(callee, inner.param)
		if i < 0 || i >= len(call.Call.Args) {
			return verdict{}
		}
		return verdictOf(call.Call.Args[i], inner.of, depth-1)
	}
	return walk(v)
}

// agree returns the verdict every value gives, or nothing when they
// differ.
func agree(vs []ssa.Value, walk func(ssa.Value) verdict) verdict {
	var out verdict
	for i, v := range vs {
		w := walk(v)
		if !w.known && w.param == nil {
			return verdict{}
		}
		if i > 0 && (w.known != out.known || w.write != out.write || w.param != out.param) {
			return verdict{}
		}
		out = w
	}
	return out
}

// verbKey names fn for VerbParam.Func, the same in every package: a
// declared function by its object (how other packages' facts name it), a
// literal or synthetic wrapper (whose parameters differ from its method's)
// by its SSA name.
func verbKey(fn *ssa.Function) string {
	fn = origin(fn)
	if obj := funcObject(fn); obj != nil && fn.Synthetic == "" {
		return obj.FullName()
	}
	return fn.String()
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
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
