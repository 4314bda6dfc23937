package copyable

// The tables below are the named-type half of the copy rule. Both faces of
// the rule (CheckReflect and CheckTypes) consult them by package path and
// type name, so a type added here is rejected (or accepted as immutable) by
// the runtime and by the cacheserial analyzer at the same time. Generic types
// are matched by their origin name: sync/atomic.Pointer covers every
// atomic.Pointer[T].

// verdict explains why a named type cannot be deep-copied.
type verdict struct {
	reason string
	// resource marks live shared objects (pools, connections, files,
	// clients) that belong in a resource cache rather than a data cache.
	resource bool
}

const (
	reasonPool   = "a connection pool is a shared live resource, not data; cache it with dash.CacheResource"
	reasonConn   = "a connection is a live resource bound to a socket; cache it with dash.CacheResource"
	reasonTx     = "a transaction is bound to one connection and ends on commit or rollback; cache the data it reads, not the transaction"
	reasonStmt   = "a prepared statement is bound to a pool; cache it with dash.CacheResource"
	reasonRows   = "a result set is a live cursor over a connection; read it into plain rows and cache those"
	reasonFile   = "an open file is an operating-system resource; cache its contents, or the file with dash.CacheResource"
	reasonClient = "an HTTP client or transport holds connection pools; cache it with dash.CacheResource"
	reasonResp   = "an HTTP response carries an open body stream; read the body and cache the bytes or decoded data"
	reasonReq    = "an HTTP request carries a body stream and a context; cache the data it produced"
	reasonSync   = "synchronisation state must never be copied (go vet copylocks); keep locks outside cached values"
	reasonCtx    = "a context carries deadlines and cancellation of one call; it must not outlive it"
	reasonReflV  = "a reflect.Value may point into arbitrary memory, including resources"
	reasonStream = "a stream is consumed as it is read and cannot be duplicated; cache the bytes read from it"
	reasonBuild  = "a strings.Builder points at itself and panics once copied; cache the resulting string"
	reasonProc   = "a process handle is an operating-system resource"
	reasonServer = "a server owns listeners and goroutines; it is a resource, not data"
)

// uncopyable lists named types that are rejected wherever they appear in a
// cached value, keyed by "package/path.Name".
var uncopyable = map[string]verdict{
	"database/sql.DB":   {reasonPool, true},
	"database/sql.Conn": {reasonConn, true},
	"database/sql.Tx":   {reasonTx, true},
	"database/sql.Stmt": {reasonStmt, true},
	"database/sql.Rows": {reasonRows, true},
	"database/sql.Row":  {reasonRows, true},

	"os.File":    {reasonFile, true},
	"os.Process": {reasonProc, true},

	"net.Conn":         {reasonConn, true},
	"net.PacketConn":   {reasonConn, true},
	"net.Listener":     {reasonConn, true},
	"net.TCPConn":      {reasonConn, true},
	"net.UDPConn":      {reasonConn, true},
	"net.UnixConn":     {reasonConn, true},
	"net.IPConn":       {reasonConn, true},
	"net.TCPListener":  {reasonConn, true},
	"net.UnixListener": {reasonConn, true},

	"net/http.Client":         {reasonClient, true},
	"net/http.Transport":      {reasonClient, true},
	"net/http.RoundTripper":   {reasonClient, true},
	"net/http.Response":       {reasonResp, false},
	"net/http.Request":        {reasonReq, false},
	"net/http.Server":         {reasonServer, true},
	"net/http.ResponseWriter": {reasonStream, false},

	"sync.Mutex":            {reasonSync, false},
	"sync.RWMutex":          {reasonSync, false},
	"sync.WaitGroup":        {reasonSync, false},
	"sync.Once":             {reasonSync, false},
	"sync.Cond":             {reasonSync, false},
	"sync.Pool":             {reasonSync, false},
	"sync.Map":              {reasonSync, false},
	"sync.Locker":           {reasonSync, false},
	"sync/atomic.Value":     {reasonSync, false},
	"sync/atomic.Bool":      {reasonSync, false},
	"sync/atomic.Int32":     {reasonSync, false},
	"sync/atomic.Int64":     {reasonSync, false},
	"sync/atomic.Uint32":    {reasonSync, false},
	"sync/atomic.Uint64":    {reasonSync, false},
	"sync/atomic.Uintptr":   {reasonSync, false},
	"sync/atomic.Pointer":   {reasonSync, false},
	"context.Context":       {reasonCtx, false},
	"context.CancelFunc":    {reasonCtx, false},
	"reflect.Value":         {reasonReflV, false},
	"strings.Builder":       {reasonBuild, false},
	"io.Reader":             {reasonStream, false},
	"io.Writer":             {reasonStream, false},
	"io.Closer":             {reasonStream, false},
	"io.ReadCloser":         {reasonStream, false},
	"io.WriteCloser":        {reasonStream, false},
	"io.ReadWriter":         {reasonStream, false},
	"io.ReadWriteCloser":    {reasonStream, false},
	"io.ReadSeeker":         {reasonStream, false},
	"io.ReadSeekCloser":     {reasonStream, false},
	"io.PipeReader":         {reasonStream, false},
	"io.PipeWriter":         {reasonStream, false},
	"io.SectionReader":      {reasonStream, false},
	"bufio.Reader":          {reasonStream, false},
	"bufio.Writer":          {reasonStream, false},
	"bufio.ReadWriter":      {reasonStream, false},
	"bufio.Scanner":         {reasonStream, false},
	"os/exec.Cmd":           {reasonProc, true},
	"mime/multipart.File":   {reasonFile, true},
	"mime/multipart.Reader": {reasonStream, false},

	"github.com/jackc/pgx/v5.Conn":                {reasonConn, true},
	"github.com/jackc/pgx/v5.Tx":                  {reasonTx, true},
	"github.com/jackc/pgx/v5.Rows":                {reasonRows, true},
	"github.com/jackc/pgx/v5.Row":                 {reasonRows, true},
	"github.com/jackc/pgx/v5.BatchResults":        {reasonRows, true},
	"github.com/jackc/pgx/v5/pgxpool.Pool":        {reasonPool, true},
	"github.com/jackc/pgx/v5/pgxpool.Conn":        {reasonConn, true},
	"github.com/jackc/pgx/v5/pgxpool.Tx":          {reasonTx, true},
	"github.com/jackc/pgx/v5/pgconn.PgConn":       {reasonConn, true},
	"github.com/jackc/pgx/v5/pgconn.ResultReader": {reasonRows, true},
}

// immutable lists named types whose values never change after they are
// made. They are copied by value (a time.Time keeps pointing at the same
// *time.Location) and a pointer to one is shared rather than duplicated,
// which is both cheaper and required: a netip.Addr compares its interned
// zone handle by pointer, so duplicating it would break ==.
var immutable = map[string]bool{
	"time.Time":          true,
	"time.Location":      true,
	"unique.Handle":      true,
	"net/netip.Addr":     true,
	"net/netip.AddrPort": true,
	"net/netip.Prefix":   true,
}
