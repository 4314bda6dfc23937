package typetable

import (
	"reflect"
	"unique"
)

// SharedCase is one entry of the shared rule's table: the verdict of
// CheckShared... (and CheckSharedKey... when Key is set) for the type named
// by Alias. Types the copy rule refuses are refused by the shared rule with
// the same Problem; the tests check that over Cases, so this table lists
// what the shared rule decides on its own.
type SharedCase struct {
	Alias    string
	Type     reflect.Type
	Key      bool // checked as a key: CheckSharedKeyReflect/Types
	WantType string
	WantPath string
}

func sharedOK[T any](alias string) SharedCase {
	return SharedCase{Alias: alias, Type: reflect.TypeFor[T]()}
}

func sharedBad[T any](alias, path, typ string) SharedCase {
	return SharedCase{Alias: alias, Type: reflect.TypeFor[T](), WantPath: path, WantType: typ}
}

func keyOK[T any](alias string) SharedCase {
	c := sharedOK[T](alias)
	c.Key = true
	return c
}

func keyBad[T any](alias, path, typ string) SharedCase {
	c := sharedBad[T](alias, path, typ)
	c.Key = true
	return c
}

// Named types used only by the shared cases.
type (
	HandleBox struct{ H unique.Handle[string] }
	Tagged    struct {
		Name  string
		Extra any
	}
	KeyWithPtr struct {
		Region Region
		P      *Point
	}
	Sales struct {
		Region Region
		Rows   []PointT
		ByDay  map[int][]float64
		Next   *Sales
		note   string
	}
)

// The shared case aliases.
type (
	HandleBoxT  = HandleBox
	TaggedT     = Tagged
	SalesT      = Sales
	KeyWithPtrT = KeyWithPtr
	PointPtr    = *Point
	KeyArray    = [2]Region
)

// SharedCases is the shared rule's table.
var SharedCases = []SharedCase{
	// What the copy rule accepts and the shared tier carries.
	sharedOK[Int]("Int"),
	sharedOK[String]("String"),
	sharedOK[Bytes]("Bytes"),
	sharedOK[Floats]("Floats"),
	sharedOK[Uintptr]("Uintptr"),
	sharedOK[PointT]("PointT"),
	sharedOK[PtrPtr]("PtrPtr"),
	sharedOK[Matrix]("Matrix"),
	sharedOK[PointArray]("PointArray"),
	sharedOK[Time]("Time"),
	sharedOK[EventT]("EventT"),
	sharedOK[Netip]("Netip"),
	sharedOK[HiddenOKT]("HiddenOKT"),
	sharedOK[TreeT]("TreeT"),
	sharedOK[BoxInt]("BoxInt"),
	sharedOK[PairOK]("PairOK"),
	sharedOK[EmbedOKT]("EmbedOKT"),
	sharedOK[SalesT]("SalesT"),

	// Interfaces: the copy rule accepts any, the shared tier cannot know
	// its dynamic type.
	sharedBad[Any]("Any", "", "any"),
	sharedBad[MapAny]("MapAny", "map[string]any[k]", "any"),
	sharedBad[GraphT]("GraphT", "Graph.Nodes[k].Attrs[k]", "any"),
	sharedBad[TaggedT]("TaggedT", "Tagged.Extra", "any"),

	// Interned handles belong to one process.
	sharedBad[HandleBoxT]("HandleBoxT", "HandleBox.H", "unique.Handle[string]"),

	// Keys: values without pointers.
	keyOK[Int]("Int"),
	keyOK[String]("String"),
	keyOK[RegionT]("RegionT"),
	keyOK[PointT]("PointT"),
	keyOK[Time]("Time"),
	keyOK[KeyArray]("KeyArray"),
	keyBad[PointPtr]("PointPtr", "", "*typetable.Point"),
	keyBad[KeyWithPtrT]("KeyWithPtrT", "KeyWithPtr.P", "*typetable.Point"),
	keyBad[Any]("Any", "", "any"),
}
