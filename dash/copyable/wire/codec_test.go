package wire

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/copyable/internal/typetable"
)

// sharedTypes is every type of the copy rule's and the shared rule's
// tables that the shared rule accepts as a value type.
func sharedTypes(t *testing.T) []reflect.Type {
	t.Helper()
	seen := map[reflect.Type]bool{}
	var out []reflect.Type
	add := func(rt reflect.Type) {
		if !seen[rt] && copyable.CheckSharedReflect(rt) == nil {
			seen[rt] = true
			out = append(out, rt)
		}
	}
	for _, c := range typetable.Cases {
		add(c.Type)
	}
	for _, c := range typetable.SharedCases {
		if !c.Key {
			add(c.Type)
		}
	}
	for _, rt := range []reflect.Type{
		reflect.TypeFor[mixed](), reflect.TypeFor[[]*mixed](), reflect.TypeFor[map[netip.Addr][]*time.Location](),
		reflect.TypeFor[netip.Prefix](), reflect.TypeFor[netip.AddrPort](), reflect.TypeFor[[0]chanFree](),
	} {
		add(rt)
	}
	if len(out) < 20 {
		t.Fatalf("only %d accepted types in the tables", len(out))
	}
	return out
}

// mixed has every kind the codec writes, unexported fields and shared
// pointers among them.
type mixed struct {
	b     bool
	i8    int8
	i16   int16
	I32   int32
	i     int
	u8    uint8
	u16   uint16
	U32   uint32
	u     uint
	up    uintptr
	f32   float32
	F64   float64
	c64   complex64
	c128  complex128
	s     string
	bs    []byte
	named tags
	arr   [2]*leaf
	m     map[string]*leaf
	mk    map[leafKey]int
	ps    []*leaf
	self  *mixed
	when  time.Time
	loc   *time.Location
	ip    netip.Addr
	empty struct{}
	grid  [][]float64
}

type tags []string

type leaf struct {
	n    int
	vals []int32
}

type leafKey struct {
	a string
	b [2]int16
}

type chanFree struct{ x int }

var zones = func() []*time.Location {
	l := []*time.Location{time.UTC, time.Local, time.FixedZone("XST", -5*3600+1800), time.FixedZone("", 3600)}
	if paris, err := time.LoadLocation("Europe/Paris"); err == nil {
		l = append(l, paris)
	}
	return l
}()

// gen builds random values of any type the shared rule accepts, sharing
// pointers, maps and slices among the parts of one value (and making
// cycles) as real data does, so that the codec's aliasing is exercised.
type gen struct {
	r    *rand.Rand
	pool map[reflect.Type][]reflect.Value
}

func (g *gen) value(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	g.fill(t, unsafe.Pointer(v.UnsafeAddr()), depth)
	return v
}

// fill writes a random value of t at p, through unsafe so that unexported
// fields are filled too.
func (g *gen) fill(t reflect.Type, p unsafe.Pointer, depth int) {
	set := func(v reflect.Value) { reflect.NewAt(t, p).Elem().Set(v) }
	switch t {
	case timeType:
		at := time.Unix(g.r.Int64N(4e9)-1e9, g.r.Int64N(1e9)).In(zones[g.r.IntN(len(zones))])
		set(reflect.ValueOf(at))
		return
	case reflect.TypeFor[netip.Addr]():
		var a netip.Addr
		switch g.r.IntN(3) {
		case 1:
			a = netip.AddrFrom4([4]byte{10, byte(g.r.IntN(256)), 0, 1})
		case 2:
			a = netip.MustParseAddr("fe80::1").WithZone("eth" + fmt.Sprint(g.r.IntN(3)))
		}
		set(reflect.ValueOf(a))
		return
	case reflect.TypeFor[netip.AddrPort]():
		set(reflect.ValueOf(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, byte(g.r.IntN(256))}), uint16(g.r.IntN(65536)))))
		return
	case reflect.TypeFor[netip.Prefix]():
		set(reflect.ValueOf(netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(g.r.IntN(256)), 0}), 24)))
		return
	}
	nilOrReuse := func() bool {
		if depth <= 0 || g.r.IntN(6) == 0 {
			return true // leave nil
		}
		if old := g.pool[t]; len(old) > 0 && g.r.IntN(3) == 0 {
			set(old[g.r.IntN(len(old))])
			return true
		}
		return false
	}
	switch t.Kind() {
	case reflect.Bool:
		*(*bool)(p) = g.r.IntN(2) == 1
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		reflect.NewAt(t, p).Elem().SetInt(int64(g.r.Uint64()) >> (64 - t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		reflect.NewAt(t, p).Elem().SetUint(g.r.Uint64() >> (64 - t.Bits()))
	case reflect.Float32, reflect.Float64:
		f := []float64{0, math.Copysign(0, -1), math.Inf(1), math.MaxFloat64, g.r.NormFloat64()}[g.r.IntN(5)]
		reflect.NewAt(t, p).Elem().SetFloat(f)
	case reflect.Complex64, reflect.Complex128:
		reflect.NewAt(t, p).Elem().SetComplex(complex(g.r.NormFloat64(), -1))
	case reflect.String:
		reflect.NewAt(t, p).Elem().SetString(fmt.Sprintf("s%d\x00é", g.r.IntN(1000)))
	case reflect.Array:
		for i := range t.Len() {
			g.fill(t.Elem(), unsafe.Add(p, uintptr(i)*t.Elem().Size()), depth)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			g.fill(f.Type, unsafe.Add(p, f.Offset), depth)
		}
	case reflect.Pointer:
		if t.Elem() == locationType {
			set(reflect.ValueOf(zones[g.r.IntN(len(zones))]))
			return
		}
		if nilOrReuse() {
			return
		}
		nv := reflect.New(t.Elem())
		g.pool[t] = append(g.pool[t], nv) // before filling: cycles
		g.fill(t.Elem(), nv.UnsafePointer(), depth-1)
		set(nv)
	case reflect.Slice:
		if nilOrReuse() {
			return
		}
		n := g.r.IntN(4)
		ns := reflect.MakeSlice(t, n, n+g.r.IntN(2))
		set(ns)
		g.pool[t] = append(g.pool[t], ns)
		for i := range n {
			g.fill(t.Elem(), unsafe.Add(ns.UnsafePointer(), uintptr(i)*t.Elem().Size()), depth-1)
		}
		if n > 1 && g.r.IntN(3) == 0 {
			// A subslice of the same array: a different object for Copy.
			g.pool[t] = append(g.pool[t], ns.Slice(1, n))
		}
	case reflect.Map:
		if nilOrReuse() {
			return
		}
		nm := reflect.MakeMap(t)
		set(nm)
		g.pool[t] = append(g.pool[t], nm)
		for range g.r.IntN(4) {
			nm.SetMapIndex(g.value(t.Key(), depth-1), g.value(t.Elem(), depth-1))
		}
	default:
		panic("gen: " + t.String())
	}
}

// sameShape compares a copy made by copyable.Copy with a decoded value:
// equal data, and the same sharing: an object of one corresponds to exactly
// one object of the other. Times compare by instant, offset and zone name,
// since a decoded time has no monotonic reading and a location loaded by
// name is another *time.Location.
type shapes struct {
	ab, ba map[[3]uintptr][3]uintptr
}

func (s *shapes) pair(path string, a, b [3]uintptr) error {
	if x, ok := s.ab[a]; ok && x != b {
		return fmt.Errorf("%s: one object of the copy is two of the decoded value", path)
	}
	if x, ok := s.ba[b]; ok && x != a {
		return fmt.Errorf("%s: two objects of the copy are one of the decoded value", path)
	}
	s.ab[a], s.ba[b] = b, a
	return nil
}

func (s *shapes) compare(path string, a, b reflect.Value) error {
	if a.Type() != b.Type() {
		return fmt.Errorf("%s: types %s and %s", path, a.Type(), b.Type())
	}
	t := a.Type()
	a, b = readable(a), readable(b)
	switch t {
	case timeType:
		x, y := a.Interface().(time.Time), b.Interface().(time.Time)
		xn, xo := x.Zone()
		yn, yo := y.Zone()
		if !x.Equal(y) || xn != yn || xo != yo || x.Location().String() != y.Location().String() {
			return fmt.Errorf("%s: time %v, decoded %v", path, x, y)
		}
		return nil
	case reflect.TypeFor[netip.Addr](), reflect.TypeFor[netip.AddrPort](), reflect.TypeFor[netip.Prefix]():
		if a.Interface() != b.Interface() {
			return fmt.Errorf("%s: %v, decoded %v", path, a, b)
		}
		return nil
	}
	id := func(v reflect.Value, n int) [3]uintptr { return [3]uintptr{uintptr(v.UnsafePointer()), uintptr(n), 0} }
	switch t.Kind() {
	case reflect.Pointer:
		if a.IsNil() != b.IsNil() {
			return fmt.Errorf("%s: nil %v, decoded nil %v", path, a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return nil
		}
		if t.Elem() == locationType {
			if a.Interface().(*time.Location).String() != b.Interface().(*time.Location).String() {
				return fmt.Errorf("%s: location %v, decoded %v", path, a, b)
			}
			return nil
		}
		if _, ok := s.ab[id(a, -1)]; ok {
			return s.pair(path, id(a, -1), id(b, -1))
		}
		if err := s.pair(path, id(a, -1), id(b, -1)); err != nil {
			return err
		}
		return s.compare(path+".*", a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Errorf("%s: nil %v len %d, decoded nil %v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		if b.Cap() != b.Len() {
			return fmt.Errorf("%s: decoded cap %d != len %d", path, b.Cap(), b.Len())
		}
		if a.IsNil() {
			return nil
		}
		if _, ok := s.ab[id(a, a.Len())]; ok {
			return s.pair(path, id(a, a.Len()), id(b, b.Len()))
		}
		if err := s.pair(path, id(a, a.Len()), id(b, b.Len())); err != nil {
			return err
		}
		for i := range a.Len() {
			if err := s.compare(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Errorf("%s: nil %v len %d, decoded nil %v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		if a.IsNil() {
			return nil
		}
		if _, ok := s.ab[id(a, -2)]; ok {
			return s.pair(path, id(a, -2), id(b, -2))
		}
		if err := s.pair(path, id(a, -2), id(b, -2)); err != nil {
			return err
		}
		// Keys of these maps hold no pointers (or only to locations and
		// zones), so the decoded map has the same keys.
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				if k.Kind() == reflect.Float64 && math.IsNaN(k.Float()) {
					continue
				}
				return fmt.Errorf("%s: key %v missing from the decoded map", path, k)
			}
			if err := s.compare(fmt.Sprintf("%s[%v]", path, k), a.MapIndex(k), bv); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		for i := range t.NumField() {
			if err := s.compare(path+"."+t.Field(i).Name, a.Field(i), b.Field(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Array:
		for i := range t.Len() {
			if err := s.compare(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
			return fmt.Errorf("%s: %v, decoded %v", path, x, y)
		}
		return nil
	}
	// Basic kinds: compare through unsafe-readable copies.
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Errorf("%s: %v, decoded %v", path, a, b)
	}
	return nil
}

// readable returns v without the read-only mark of values reached through
// unexported fields, so that Interface can be called on it.
func readable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return reflect.NewAt(v.Type(), v.Addr().UnsafePointer()).Elem()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Elem()
}

func roundTrip(t *testing.T, c *Codec, v reflect.Value) reflect.Value {
	t.Helper()
	pv := reflect.New(v.Type())
	pv.Elem().Set(v)
	enc := c.Encode(nil, pv.UnsafePointer())
	out := reflect.New(v.Type())
	if err := c.Decode(enc, out.UnsafePointer()); err != nil {
		t.Fatalf("%s: decoding what was just encoded: %v", v.Type(), err)
	}
	return out.Elem()
}

// The codec rebuilds what copyable.Copy would have copied, for random
// values of every type of the shared tables.
func TestCodecRoundTripMatchesCopy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, rt := range sharedTypes(t) {
		c, err := NewCodec(rt, false)
		if err != nil {
			t.Fatalf("%s: %v", rt, err)
		}
		for i := range 40 {
			g := gen{r: r, pool: map[reflect.Type][]reflect.Value{}}
			v := g.value(rt, 4)
			copied, err := copyable.Copy[any](v.Interface())
			if err != nil {
				t.Fatalf("%s: Copy: %v", rt, err)
			}
			decoded := roundTrip(t, c, v)
			s := shapes{ab: map[[3]uintptr][3]uintptr{}, ba: map[[3]uintptr][3]uintptr{}}
			if err := s.compare(rt.String(), reflect.ValueOf(copied), decoded); err != nil {
				t.Fatalf("%s, value %d: %v", rt, i, err)
			}
		}
	}
}

// A value that contains itself is rebuilt as the same cycle, and two
// fields pointing at one object point at one object after decoding.
func TestCodecCyclesAndSharing(t *testing.T) {
	type node struct {
		name string
		next *node
		kids []*node
	}
	a := &node{name: "a"}
	b := &node{name: "b", next: a}
	a.next = b
	a.kids = []*node{a, b, b}
	c, err := NewCodec(reflect.TypeFor[*node](), false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeValue[*node](c, EncodeValue(c, nil, a))
	if err != nil {
		t.Fatal(err)
	}
	if got == a || got.name != "a" || got.next.name != "b" || got.next.next != got ||
		got.kids[0] != got || got.kids[1] != got.next || got.kids[2] != got.next {
		t.Fatalf("cycle or sharing lost: %+v", got)
	}
}

func TestCodecNilAndEmptyStayApart(t *testing.T) {
	type v struct {
		NilS, EmptyS []int
		NilM, EmptyM map[string]int
		NilB, EmptyB []byte
	}
	c, err := NewCodec(reflect.TypeFor[v](), false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeValue[v](c, EncodeValue(c, nil, v{EmptyS: []int{}, EmptyM: map[string]int{}, EmptyB: []byte{}}))
	if err != nil {
		t.Fatal(err)
	}
	if got.NilS != nil || got.EmptyS == nil || got.NilM != nil || got.EmptyM == nil || got.NilB != nil || got.EmptyB == nil {
		t.Fatalf("nil and empty mixed up: %#v", got)
	}
}

func TestCodecRefusesWhatTheSharedRuleRefuses(t *testing.T) {
	type report struct {
		Title string
		Extra map[string]any
	}
	_, err := NewCodec(reflect.TypeFor[report](), false)
	var p *copyable.Problem
	if !errors.As(err, &p) || p.Path != "report.Extra[k]" || p.Type != "any" {
		t.Fatalf("got %v, want a Problem at report.Extra[k]: any", err)
	}
	if _, err := NewCodec(reflect.TypeFor[*leaf](), true); err == nil {
		t.Fatal("a pointer key was accepted")
	}
}

// Keys are one encoding per key: +0 and -0 are equal keys in Go.
func TestCodecKeyZeros(t *testing.T) {
	c, err := NewCodec(reflect.TypeFor[float64](), true)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := EncodeValue(c, nil, 0.0), EncodeValue(c, nil, math.Copysign(0, -1)); string(a) != string(b) {
		t.Fatalf("+0 and -0 encode as %x and %x", a, b)
	}
}

func TestCodecFingerprintFollowsLayout(t *testing.T) {
	type a struct{ X, Y int }
	type b struct{ X, Z int }
	type c struct{ X, Y int64 }
	fp := func(rt reflect.Type) string {
		cd, err := NewCodec(rt, false)
		if err != nil {
			t.Fatal(err)
		}
		return cd.Fingerprint()
	}
	fa, fb, fc := fp(reflect.TypeFor[a]()), fp(reflect.TypeFor[b]()), fp(reflect.TypeFor[c]())
	if fa == fb || fa == fc || fb == fc {
		t.Fatalf("fingerprints do not tell the layouts apart: %s %s %s", fa, fb, fc)
	}
	if fa != fp(reflect.TypeFor[a]()) || len(fa) != 16 {
		t.Fatalf("fingerprint %q is not stable", fa)
	}
}

// Bytes from Redis are input: every truncation and corruption of a valid
// encoding is an error wrapping ErrMalformed or a valid value, never a
// panic or a huge allocation.
func TestCodecMalformedInput(t *testing.T) {
	c, err := NewCodec(reflect.TypeFor[mixed](), false)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	g := gen{r: r, pool: map[reflect.Type][]reflect.Value{}}
	v := g.value(reflect.TypeFor[mixed](), 3)
	enc := c.Encode(nil, unsafe.Pointer(v.Addr().UnsafePointer()))
	for n := range len(enc) {
		var out mixed
		if err := c.Decode(enc[:n], unsafe.Pointer(&out)); !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d of %d bytes: got %v, want ErrMalformed", n, len(enc), err)
		}
	}
	for range 2000 {
		bad := append([]byte(nil), enc...)
		for range 1 + r.IntN(4) {
			bad[r.IntN(len(bad))] = byte(r.Uint32())
		}
		var out mixed
		if err := c.Decode(bad, unsafe.Pointer(&out)); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("corrupted input: error %v does not wrap ErrMalformed", err)
		}
	}
	// A forged length larger than the input.
	cs, _ := NewCodec(reflect.TypeFor[[]struct{}](), false)
	var out []struct{}
	if err := cs.Decode([]byte{tagNew, 0xff, 0xff, 0xff, 0xff, 0x0f}, unsafe.Pointer(&out)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("forged length: got %v", err)
	}
}
