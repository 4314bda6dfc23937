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
	// resource marks objects meant to be shared by every session (pools
	// and clients), which belong in a resource cache. Connections,
	// transactions, statements, cursors and files are live too, but bound
	// to one user at a time: a resource cache would share them.
	resource bool
}

const (
	reasonPool   = "a connection pool is a shared live resource, not data; cache it with dash.CacheResource"
	reasonConn   = "a connection is a live resource bound to a socket and to one user at a time; take one from a pool when needed"
	reasonTx     = "a transaction is bound to one connection and ends on commit or rollback; cache the data it reads, not the transaction"
	reasonStmt   = "a prepared statement is bound to its connections; cache the data it reads"
	reasonRows   = "a result set is a live cursor over a connection; read it into plain rows and cache those"
	reasonFile   = "an open file is an operating-system resource with one read offset; cache its contents"
	reasonClient = "a client holds connection pools; cache it with dash.CacheResource"
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
	"database/sql.Conn": {reasonConn, false},
	"database/sql.Tx":   {reasonTx, false},
	"database/sql.Stmt": {reasonStmt, false},
	"database/sql.Rows": {reasonRows, false},
	"database/sql.Row":  {reasonRows, false},

	"os.File":    {reasonFile, false},
	"os.Process": {reasonProc, false},

	"net.Conn":         {reasonConn, false},
	"net.PacketConn":   {reasonConn, false},
	"net.Listener":     {reasonConn, false},
	"net.TCPConn":      {reasonConn, false},
	"net.UDPConn":      {reasonConn, false},
	"net.UnixConn":     {reasonConn, false},
	"net.IPConn":       {reasonConn, false},
	"net.TCPListener":  {reasonConn, false},
	"net.UnixListener": {reasonConn, false},

	"net/http.Client":         {reasonClient, true},
	"net/http.Transport":      {reasonClient, true},
	"net/http.RoundTripper":   {reasonClient, true},
	"net/http.Response":       {reasonResp, false},
	"net/http.Request":        {reasonReq, false},
	"net/http.Server":         {reasonServer, false},
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
	"os/exec.Cmd":           {reasonProc, false},
	"mime/multipart.File":   {reasonFile, false},
	"mime/multipart.Reader": {reasonStream, false},

	"github.com/jackc/pgx/v5.Conn":         {reasonConn, false},
	"github.com/jackc/pgx/v5.Tx":           {reasonTx, false},
	"github.com/jackc/pgx/v5.Rows":         {reasonRows, false},
	"github.com/jackc/pgx/v5.Row":          {reasonRows, false},
	"github.com/jackc/pgx/v5.BatchResults": {reasonRows, false},
	"github.com/jackc/pgx/v5/pgxpool.Pool": {reasonPool, true},

	// Clients meant to be shared, from the catalogue of the analyzers.
	"github.com/redis/go-redis/v9.Client":          {reasonPool, true},
	"github.com/redis/go-redis/v9.ClusterClient":   {reasonPool, true},
	"github.com/redis/go-redis/v9.Ring":            {reasonPool, true},
	"github.com/redis/go-redis/v9.UniversalClient": {reasonPool, true},
	"github.com/jmoiron/sqlx.DB":                   {reasonPool, true},
	"google.golang.org/grpc.ClientConn":            {reasonClient, true},
	"github.com/jackc/pgx/v5/pgxpool.Conn":         {reasonConn, false},
	"github.com/jackc/pgx/v5/pgxpool.Tx":           {reasonTx, false},
	"github.com/jackc/pgx/v5/pgconn.PgConn":        {reasonConn, false},
	"github.com/jackc/pgx/v5/pgconn.ResultReader":  {reasonRows, false},
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
