// Package typetable is the shared table of the copy rule: real Go types and
// the verdict the rule must give for each. The copyable tests check it
// twice, once through reflect (CheckReflect, Copy) and once through
// go/types after loading this package from source (CheckTypes), so the
// runtime and the cacheserial analyzer can never disagree on a type listed
// here.
//
// Every case names a type alias declared in this package; the static side
// finds the case's type by that name.
package typetable

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Case is one entry of the table.
type Case struct {
	// Alias is the name of the type alias in this package that denotes
	// the case's type.
	Alias string
	// Type is the same type through reflect.
	Type reflect.Type
	// WantType is the offending type as Problem.Type spells it, or "" when
	// the type is copyable.
	WantType string
	// WantPath is the expected Problem.Path.
	WantPath string
	// WantResource is the expected Problem.Resource.
	WantResource bool
}

func ok[T any](alias string) Case { return Case{Alias: alias, Type: reflect.TypeFor[T]()} }

func bad[T any](alias, path, typ string) Case {
	return Case{Alias: alias, Type: reflect.TypeFor[T](), WantPath: path, WantType: typ}
}

func resource[T any](alias, path, typ string) Case {
	c := bad[T](alias, path, typ)
	c.WantResource = true
	return c
}

// Named types used by the cases.
type (
	Point  struct{ X, Y float64 }
	Region string
	Report struct {
		Title string
		Rows  *sql.Rows
	}
	Row struct {
		ID   int
		Conn *sql.Conn
	}
	Item struct {
		Name string
		Lock sync.Mutex
	}
	WithCtx struct{ Ctx context.Context }
	WithErr struct {
		Value float64
		Err   error
	}
	Event struct {
		At  time.Time
		Loc *time.Location
	}
	Hidden struct {
		name string
		done chan struct{}
	}
	HiddenOK struct {
		name string
		tags []string
		at   time.Time
	}
	Tree struct {
		Val  int
		Kids []*Tree
	}
	BadTree struct {
		Kids []*BadTree
		mu   sync.RWMutex
	}
	List struct {
		Next *List
		F    func()
	}
	MutualA struct{ B *MutualB }
	MutualB struct {
		A *MutualA
		C chan int
	}
	Box[T any]                struct{ V T }
	ChanBox[T any]            struct{ C chan T }
	Pair[K comparable, V any] struct {
		K K
		V V
	}
	Embeds struct {
		sync.Mutex
		N int
	}
	EmbedsPtr struct{ *Item }
	EmbedOK   struct {
		Point
		Tags []string
	}
	Counter     struct{ N atomic.Int64 }
	PointerBox  struct{ P atomic.Pointer[Point] }
	WithRequest struct{ Req *http.Request }
	Shape       interface{ Area() float64 }
	Graph       struct {
		Nodes map[string]*GraphNode
	}
	GraphNode struct {
		Edges []*GraphNode
		Attrs map[string]any
	}
	WithFile struct {
		Path string
		f    *os.File
	}
)

// The case aliases.
type (
	Int          = int
	String       = string
	Bytes        = []byte
	Floats       = map[string]float64
	Uintptr      = uintptr
	PointT       = Point
	RegionT      = Region
	PtrPtr       = **Point
	Matrix       = [][]byte
	ReportT      = Report
	ReportPtr    = *Report
	DBPtr        = *sql.DB
	TxPtr        = *sql.Tx
	Rows         = []Row
	ItemsMap     = map[string]*Item
	MutexValue   = sync.Mutex
	MutexPtr     = *sync.Mutex
	Ctx          = context.Context
	WithCtxT     = WithCtx
	Reader       = io.Reader
	File         = *os.File
	WithFileT    = WithFile
	Conn         = net.Conn
	Listener     = net.Listener
	Resp         = *http.Response
	Client       = *http.Client
	WithRequestT = WithRequest
	Func         = func(int) error
	Chan         = chan int
	RecvChan     = <-chan string
	UnsafePtr    = unsafe.Pointer
	Any          = any
	MapAny       = map[string]any
	Err          = error
	WithErrT     = WithErr
	Time         = time.Time
	EventT       = Event
	Netip        = netip.Addr
	HiddenT      = Hidden
	HiddenOKT    = HiddenOK
	TreeT        = Tree
	BadTreeT     = BadTree
	ListT        = List
	MutualAT     = MutualA
	BoxInt       = Box[int]
	BoxDB        = Box[*sql.DB]
	BoxItem      = Box[Item]
	PairChan     = Pair[string, chan int]
	PairOK       = Pair[Region, []Point]
	EmbedsT      = Embeds
	EmbedsPtrT   = EmbedsPtr
	EmbedOKT     = EmbedOK
	ChanArray    = [4]chan int
	PointArray   = [3]Point
	MapKeyPtr    = map[*Item]int
	DeepStmt     = []map[string][]*sql.Stmt
	CounterT     = Counter
	PointerBoxT  = PointerBox
	ReflectValue = reflect.Value
	BufReader    = *bufio.Reader
	AnonStruct   = struct {
		A int
		B struct{ C chan bool }
	}
	Shapes   = []Shape
	GraphT   = Graph
	BoxOfBox = Box[Box[func()]]
)

// Cases is the table.
var Cases = []Case{
	// Basics and plain data.
	ok[Int]("Int"),
	ok[String]("String"),
	ok[Bytes]("Bytes"),
	ok[Floats]("Floats"),
	ok[Uintptr]("Uintptr"),
	ok[PointT]("PointT"),
	ok[RegionT]("RegionT"),
	ok[PtrPtr]("PtrPtr"),
	ok[Matrix]("Matrix"),
	ok[PointArray]("PointArray"),

	// Resources, directly and nested.
	bad[ReportT]("ReportT", "Report.Rows", "*sql.Rows"),
	bad[ReportPtr]("ReportPtr", "Report.Rows", "*sql.Rows"),
	resource[DBPtr]("DBPtr", "", "*sql.DB"),
	bad[TxPtr]("TxPtr", "", "*sql.Tx"),
	bad[Rows]("Rows", "[]Row[i].Conn", "*sql.Conn"),
	bad[DeepStmt]("DeepStmt", "[]map[string][]*Stmt[i][k][i]", "*sql.Stmt"),
	resource[BoxDB]("BoxDB", "Box[*DB].V", "*sql.DB"),
	bad[File]("File", "", "*os.File"),
	bad[WithFileT]("WithFileT", "WithFile.f", "*os.File"),
	bad[Conn]("Conn", "", "net.Conn"),
	bad[Listener]("Listener", "", "net.Listener"),
	resource[Client]("Client", "", "*http.Client"),
	bad[Resp]("Resp", "", "*http.Response"),
	bad[WithRequestT]("WithRequestT", "WithRequest.Req", "*http.Request"),

	// Synchronisation, by value, by pointer, embedded, atomics.
	bad[MutexValue]("MutexValue", "", "sync.Mutex"),
	bad[MutexPtr]("MutexPtr", "", "*sync.Mutex"),
	bad[ItemsMap]("ItemsMap", "map[string]*Item[k].Lock", "sync.Mutex"),
	bad[MapKeyPtr]("MapKeyPtr", "map[*Item]int{k}.Lock", "sync.Mutex"),
	bad[EmbedsT]("EmbedsT", "Embeds.Mutex", "sync.Mutex"),
	bad[EmbedsPtrT]("EmbedsPtrT", "EmbedsPtr.Item.Lock", "sync.Mutex"),
	bad[CounterT]("CounterT", "Counter.N", "atomic.Int64"),
	bad[PointerBoxT]("PointerBoxT", "PointerBox.P", "atomic.Pointer[typetable.Point]"),
	bad[BoxItem]("BoxItem", "Box[Item].V.Lock", "sync.Mutex"),

	// Interfaces: any is allowed, every other interface is not.
	ok[Any]("Any"),
	ok[MapAny]("MapAny"),
	bad[Ctx]("Ctx", "", "context.Context"),
	bad[WithCtxT]("WithCtxT", "WithCtx.Ctx", "context.Context"),
	bad[Reader]("Reader", "", "io.Reader"),
	bad[Err]("Err", "", "error"),
	bad[WithErrT]("WithErrT", "WithErr.Err", "error"),
	bad[Shapes]("Shapes", "[]Shape[i]", "typetable.Shape"),
	bad[ReflectValue]("ReflectValue", "", "reflect.Value"),
	bad[BufReader]("BufReader", "", "*bufio.Reader"),

	// Kinds that are never data.
	bad[Func]("Func", "", "func(int) error"),
	bad[Chan]("Chan", "", "chan int"),
	bad[RecvChan]("RecvChan", "", "<-chan string"),
	bad[UnsafePtr]("UnsafePtr", "", "unsafe.Pointer"),
	bad[ChanArray]("ChanArray", "[4]chan int[i]", "chan int"),
	bad[AnonStruct]("AnonStruct", "struct{A int; B struct{C chan bool}}.B.C", "chan bool"),

	// Immutable types are copied by value.
	ok[Time]("Time"),
	ok[EventT]("EventT"),
	ok[Netip]("Netip"),

	// Unexported fields are checked (and copied), never dropped.
	bad[HiddenT]("HiddenT", "Hidden.done", "chan struct{}"),
	ok[HiddenOKT]("HiddenOKT"),

	// Recursive types terminate.
	ok[TreeT]("TreeT"),
	bad[BadTreeT]("BadTreeT", "BadTree.mu", "sync.RWMutex"),
	bad[ListT]("ListT", "List.F", "func()"),
	bad[MutualAT]("MutualAT", "MutualA.B.C", "chan int"),
	ok[GraphT]("GraphT"),

	// Generic instantiations.
	ok[BoxInt]("BoxInt"),
	bad[PairChan]("PairChan", "Pair[string,chan int].V", "chan int"),
	ok[PairOK]("PairOK"),
	bad[BoxOfBox]("BoxOfBox", "Box[Box[func()]].V.V", "func()"),

	// Embedded fields.
	ok[EmbedOKT]("EmbedOKT"),
}
