package rerun

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// Kind says what a sink or resource constructor does, for messages.
type Kind uint8

// Sink kinds (what uncachedcall reports) and resource kinds (what
// rerunresource reports).
const (
	KindNone  Kind = iota
	KindQuery      // a database query or command
	KindHTTP       // an HTTP request
	KindRPC        // a gRPC call
	KindFile       // a file read; lower severity
	KindCall       // a sink declared with the -sinks flag
	KindWrite      // a database or cache write: belongs behind a trigger, never in a cache
	KindPost       // an HTTP request that sends (POST): likewise

	KindPool   // a connection pool or database handle
	KindClient // an HTTP or gRPC client
	KindCache  // a dash cache, which starts empty
)

// IsResource reports whether k is a resource kind.
func (k Kind) IsResource() bool { return k >= KindPool }

// Describe is the part of a finding's message that says what happens on
// every rerun.
func (k Kind) Describe() string {
	switch k {
	case KindQuery:
		return "database query runs on every rerun"
	case KindHTTP:
		return "HTTP request runs on every rerun"
	case KindRPC:
		return "RPC runs on every rerun"
	case KindFile:
		return "file is read on every rerun"
	case KindCall:
		return "expensive call runs on every rerun"
	case KindWrite:
		return "database write runs on every rerun"
	case KindPost:
		return "HTTP POST runs on every rerun"
	case KindPool:
		return "opens a new connection pool on every rerun"
	case KindClient:
		return "creates a new client, with its own connections, on every rerun"
	case KindCache:
		return "creates a new, empty cache on every rerun, so it never hits"
	}
	return "runs on every rerun"
}

// Describe is the part of a finding's message that says what happens, and
// how often.
func (c *Chain) Describe() string {
	switch {
	case c.Once == PerSession && c.Kind == KindPool:
		return "opens a new connection pool for every session, kept in its state"
	case c.Once == PerSession && c.Kind == KindClient:
		return "creates a new client, with its own connections, for every session, kept in its state"
	case c.Once == Lazily && c.Kind == KindPool:
		return "opens a connection pool into a package variable tested for nil without a lock: sessions rerun at the same time, so several can each open one (a data race)"
	case c.Once == Lazily && c.Kind == KindClient:
		return "creates a client into a package variable tested for nil without a lock: sessions rerun at the same time, so several can each create one (a data race)"
	}
	if c.Kind == KindPost && c.Method != "" {
		return "HTTP " + c.Method + " runs on every rerun"
	}
	return c.Kind.Describe()
}

// Noun names what the chain's sink does, for advice.
func (c *Chain) Noun() string {
	if c.Kind == KindPost && c.Method != "" {
		return c.Method
	}
	return c.Kind.Noun()
}

// Noun names what a sink of kind k does, for advice: "move the query out
// of panel".
func (k Kind) Noun() string {
	switch k {
	case KindQuery:
		return "query"
	case KindHTTP:
		return "HTTP request"
	case KindRPC:
		return "RPC"
	case KindFile:
		return "file read"
	case KindWrite:
		return "write"
	case KindPost:
		return "POST"
	}
	return "call"
}

// Writes reports whether a sink of kind k changes something: running it
// from a cache would skip it, so the advice is a trigger, not a cache.
func (k Kind) Writes() bool { return k == KindWrite || k == KindPost }

// entry is one row of a catalogue: a package-level function (recv == "")
// or a method of the named type recv. name "*" matches every method of
// recv except those in wildcardExcluded.
type entry struct {
	pkg, recv, name string
	kind            Kind
}

// wildcardExcluded are methods of wildcard receivers (go-redis command
// sets) that do no I/O.
var wildcardExcluded = map[string]bool{
	"Pipeline": true, "TxPipeline": true, "Close": true, "String": true,
	"Options": true, "Context": true, "WithContext": true, "AddHook": true,
}

func methods(pkg string, recvs []string, kind Kind, names ...string) []entry {
	var out []entry
	for _, r := range recvs {
		for _, n := range names {
			out = append(out, entry{pkg, r, n, kind})
		}
	}
	return out
}

func funcs(pkg string, kind Kind, names ...string) []entry {
	return methods(pkg, []string{""}, kind, names...)
}

var (
	sqlCalls  = []string{"Query", "QueryContext", "QueryRow", "QueryRowContext", "Prepare", "PrepareContext", "Begin", "BeginTx", "Ping", "PingContext", "Conn"}
	pgxCalls  = []string{"Query", "QueryRow", "Begin", "BeginTx", "SendBatch", "Prepare", "Ping", "Acquire"}
	sqlxCalls = []string{"Select", "Get", "SelectContext", "GetContext", "Queryx", "QueryRowx", "QueryxContext", "QueryRowxContext", "NamedQuery", "NamedQueryContext", "Preparex", "PreparexContext", "PrepareNamed", "PrepareNamedContext", "Beginx", "BeginTxx", "MustBegin", "MustBeginTx"}
	gormCalls = []string{"Find", "First", "Take", "Last", "Count", "Pluck", "Scan", "Row", "Rows", "FirstOrInit", "FindInBatches", "Transaction", "Begin"}
	mongoColl = []string{"Find", "FindOne", "Aggregate", "CountDocuments", "EstimatedDocumentCount", "Distinct", "Watch"}
	// Writes: the rows above that change data.
	sqlxWrites  = []string{"NamedExec", "NamedExecContext", "MustExec", "MustExecContext"}
	gormWrites  = []string{"Create", "CreateInBatches", "Save", "Update", "Updates", "UpdateColumn", "UpdateColumns", "Delete", "Exec", "FirstOrCreate"}
	mongoWrites = []string{"InsertOne", "InsertMany", "UpdateOne", "UpdateMany", "UpdateByID", "ReplaceOne", "DeleteOne", "DeleteMany", "FindOneAndUpdate", "FindOneAndReplace", "FindOneAndDelete", "BulkWrite"}
	redisWrites = []string{
		"Set", "SetNX", "SetXX", "SetEx", "SetArgs", "MSet", "MSetNX", "GetSet", "GetDel", "GetEx", "Append", "SetRange", "SetBit",
		"Incr", "IncrBy", "IncrByFloat", "Decr", "DecrBy",
		"Del", "Unlink", "Expire", "ExpireAt", "PExpire", "PExpireAt", "Persist", "Rename", "RenameNX", "Copy", "Move", "Restore",
		"HSet", "HSetNX", "HMSet", "HDel", "HIncrBy", "HIncrByFloat",
		"LPush", "LPushX", "RPush", "RPushX", "LPop", "RPop", "LRem", "LSet", "LTrim", "LInsert", "LMove", "RPopLPush",
		"SAdd", "SRem", "SPop", "SMove",
		"ZAdd", "ZAddNX", "ZAddXX", "ZIncrBy", "ZRem", "ZRemRangeByScore", "ZRemRangeByRank", "ZRemRangeByLex", "ZPopMin", "ZPopMax",
		"PFAdd", "GeoAdd", "XAdd", "XDel", "XTrim", "XTrimMaxLen", "XAck",
		"Publish", "SPublish", "FlushDB", "FlushAll",
	}
	redisPkgs = []string{"github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8", "github.com/go-redis/redis/v7"}
	mongoPkgs = []string{"go.mongodb.org/mongo-driver/mongo", "go.mongodb.org/mongo-driver/v2/mongo"}
)

// sinkTable is the catalogue of calls that do I/O per call. An explicit
// row beats a wildcard one, so go-redis's write commands are writes and
// the rest of its command sets queries.
func sinkTable() []entry {
	var t []entry
	t = append(t, methods("database/sql", []string{"DB", "Conn", "Tx", "Stmt"}, KindWrite, "Exec", "ExecContext")...)
	t = append(t, methods("database/sql", []string{"DB", "Conn", "Tx"}, KindQuery, sqlCalls...)...)
	t = append(t, methods("database/sql", []string{"Stmt"}, KindQuery, "Query", "QueryContext", "QueryRow", "QueryRowContext")...)
	t = append(t, funcs("net/http", KindPost, "Post", "PostForm")...)
	t = append(t, methods("net/http", []string{"Client"}, KindPost, "Post", "PostForm")...)
	t = append(t, funcs("net/http", KindHTTP, "Get", "Head")...)
	t = append(t, methods("net/http", []string{"Client"}, KindHTTP, "Do", "Get", "Head")...)
	t = append(t, methods("net/http", []string{"Transport", "RoundTripper"}, KindHTTP, "RoundTrip")...)
	for _, p := range []string{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4"} {
		for _, pkg := range []string{p, p + "/pgxpool"} {
			t = append(t, methods(pkg, []string{"Pool", "Conn", "Tx"}, KindWrite, "Exec", "CopyFrom")...)
			t = append(t, methods(pkg, []string{"Pool", "Conn", "Tx"}, KindQuery, pgxCalls...)...)
		}
	}
	t = append(t, funcs("github.com/jmoiron/sqlx", KindWrite, sqlxWrites...)...)
	t = append(t, methods("github.com/jmoiron/sqlx", []string{"DB", "Tx", "Conn", "Stmt", "NamedStmt"}, KindWrite, sqlxWrites...)...)
	t = append(t, funcs("github.com/jmoiron/sqlx", KindQuery, "Select", "Get", "SelectContext", "GetContext", "NamedQuery", "NamedQueryContext")...)
	t = append(t, methods("github.com/jmoiron/sqlx", []string{"DB", "Tx", "Conn", "Stmt", "NamedStmt"}, KindQuery, sqlxCalls...)...)
	t = append(t, methods("gorm.io/gorm", []string{"DB"}, KindWrite, gormWrites...)...)
	t = append(t, methods("gorm.io/gorm", []string{"DB"}, KindQuery, gormCalls...)...)
	for _, p := range redisPkgs {
		t = append(t, methods(p, []string{"cmdable", "statefulCmdable", "Cmdable", "StatefulCmdable", "UniversalClient", "Client", "ClusterClient", "Ring", "Conn", "Pipeline", "Tx"}, KindWrite, redisWrites...)...)
		t = append(t, methods(p, []string{"cmdable", "statefulCmdable", "Cmdable", "StatefulCmdable", "UniversalClient"}, KindQuery, "*")...)
		t = append(t, methods(p, []string{"Client", "ClusterClient", "Ring", "Conn", "Pipeline", "Tx"}, KindQuery, "Do", "Process", "Pipelined", "TxPipelined", "Watch", "Exec")...)
	}
	for _, p := range mongoPkgs {
		t = append(t, methods(p, []string{"Collection"}, KindWrite, mongoWrites...)...)
		t = append(t, methods(p, []string{"Collection"}, KindQuery, mongoColl...)...)
		t = append(t, methods(p, []string{"Client"}, KindQuery, "Ping", "ListDatabases", "ListDatabaseNames")...)
		t = append(t, methods(p, []string{"Database"}, KindQuery, "RunCommand", "Aggregate", "ListCollections", "ListCollectionNames")...)
	}
	t = append(t, methods("google.golang.org/grpc", []string{"ClientConn", "ClientConnInterface"}, KindRPC, "Invoke", "NewStream")...)
	t = append(t, funcs("os", KindFile, "ReadFile", "Open", "ReadDir")...)
	t = append(t, funcs("io/ioutil", KindFile, "ReadFile", "ReadDir")...)
	// The runtime's audit log is a table in the app's database: the
	// engine does not analyse dash's own packages, so its calls are rows.
	t = append(t, methods(auditPkg, []string{"Log"}, KindWrite, "Record", "EnsureTable")...)
	t = append(t, methods(auditPkg, []string{"Log"}, KindQuery, "Recent", "Count")...)
	return t
}

const auditPkg = DashPath + "/audit"

// queuedCommand reports whether c queues a go-redis command on a
// pipeline (p.Get(ctx, k) on a Pipeliner, in the function given to
// Pipelined): the round trip is the pipeline's Exec, or the Pipelined call
// itself, so one pipeline is one finding.
func queuedCommand(c *ssa.CallCommon) bool {
	var recv ssa.Value
	var name string
	switch {
	case c.IsInvoke():
		recv, name = c.Value, c.Method.Name()
	case c.StaticCallee() != nil && c.Signature().Recv() != nil && len(c.Args) > 0:
		recv, name = c.Args[0], c.StaticCallee().Name()
		// A command set embedded in *Pipeline (p.cmdable.Get): the
		// struct it was read from.
		switch x := recv.(type) {
		case *ssa.UnOp:
			if fa, ok := x.X.(*ssa.FieldAddr); ok {
				recv = fa.X
			}
		case *ssa.Field:
			recv = x.X
		}
	default:
		return false
	}
	if name == "Exec" {
		return false
	}
	t := recv.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || !slices.Contains(redisPkgs, n.Obj().Pkg().Path()) {
		return false
	}
	switch n.Obj().Name() {
	case "Pipeliner", "Pipeline":
		return true
	}
	return false
}

// resourceTable is the catalogue of calls that construct a pool or client.
func resourceTable() []entry {
	var t []entry
	t = append(t, funcs("database/sql", KindPool, "Open", "OpenDB")...)
	for _, p := range []string{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4"} {
		t = append(t, funcs(p, KindPool, "Connect", "ConnectConfig")...)
		t = append(t, funcs(p+"/pgxpool", KindPool, "New", "NewWithConfig", "Connect", "ConnectConfig")...)
	}
	t = append(t, funcs("github.com/jmoiron/sqlx", KindPool, "Open", "Connect", "ConnectContext", "MustOpen", "MustConnect", "NewDb")...)
	t = append(t, funcs("gorm.io/gorm", KindPool, "Open")...)
	for _, p := range redisPkgs {
		t = append(t, funcs(p, KindPool, "NewClient", "NewClusterClient", "NewUniversalClient", "NewRing", "NewFailoverClient", "NewFailoverClusterClient")...)
	}
	for _, p := range mongoPkgs {
		t = append(t, funcs(p, KindPool, "Connect", "NewClient")...)
	}
	t = append(t, funcs("google.golang.org/grpc", KindClient, "NewClient", "Dial", "DialContext")...)
	t = append(t, funcs(auditPkg, KindPool, "Open")...)
	// The usual way to tune a client's transport: a clone of
	// http.DefaultTransport keeps its own connections, like a literal.
	t = append(t, methods("net/http", []string{"Transport"}, KindClient, "Clone")...)
	return t
}

// resourceLiterals are struct types whose composite literal constructs a
// resource: each http.Transport keeps its own connections. An http.Client
// literal is not one: without a Transport of its own it shares
// http.DefaultTransport, and a Transport literal given to it is reported
// itself.
var resourceLiterals = []entry{
	{"net/http", "Transport", "", KindClient},
}

// Catalogue is a lookup table of sinks or resource constructors.
type Catalogue struct {
	byKey map[string]Kind
	pkgs  map[string]bool
	// spread holds the packages with rows other than file reads: importing
	// one makes a package worth analysing for facts. Nearly every package
	// imports os, so os.Open alone must not: with it, analysing
	// modernc.org/sqlite/lib (transpiled C) cost 11 s and 390 MB for no
	// finding. File reads are still found in every package analysed.
	spread map[string]bool
}

func newCatalogue(rows ...[]entry) *Catalogue {
	c := &Catalogue{byKey: map[string]Kind{}, pkgs: map[string]bool{}, spread: map[string]bool{}}
	for _, rs := range rows {
		for _, r := range rs {
			k := key(r.pkg, r.recv, r.name)
			if _, dup := c.byKey[k]; !dup { // the first row wins: writes are listed first
				c.byKey[k] = r.kind
			}
			c.pkgs[r.pkg] = true
			if r.kind != KindFile {
				c.spread[r.pkg] = true
			}
		}
	}
	return c
}

func key(pkg, recv, name string) string { return pkg + "\x00" + recv + "\x00" + name }

// Spreads reports whether importing package path makes a package worth
// analysing for facts: it holds a catalogued call other than a file read.
func (c *Catalogue) Spreads(path string) bool { return c.spread[path] }

// Lookup returns the kind of fn, or KindNone when fn is not catalogued.
// fn is matched by identity of its package path, receiver type name and
// name, so that the catalogued packages need not be part of the build.
func (c *Catalogue) Lookup(fn *types.Func) Kind {
	if fn == nil || fn.Pkg() == nil || !c.pkgs[fn.Pkg().Path()] {
		return KindNone
	}
	pkg := fn.Pkg().Path()
	recv := recvName(fn)
	if k, ok := c.byKey[key(pkg, recv, fn.Name())]; ok {
		return k
	}
	if recv != "" && !wildcardExcluded[fn.Name()] {
		if k, ok := c.byKey[key(pkg, recv, "*")]; ok {
			return k
		}
	}
	return KindNone
}

// LookupType returns the kind of a composite literal of type t.
func (c *Catalogue) LookupType(t types.Type) Kind {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return KindNone
	}
	return c.byKey[key(n.Obj().Pkg().Path(), n.Obj().Name(), "")]
}

// recvName is the name of fn's receiver type without pointer and type
// arguments, or "" for a package-level function.
func recvName(fn *types.Func) string {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return ""
	}
	t := types.Unalias(sig.Recv().Type())
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if n, ok := t.(*types.Named); ok {
		return n.Origin().Obj().Name()
	}
	return ""
}
