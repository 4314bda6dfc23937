// Package wire carries values of the types copyable's shared rule accepts
// from one process to another: dash's shared data caches write them to
// Redis with it. Decoding what Encode wrote gives what copyable.Copy would
// have given, aliasing included; the tests prove it over the rule's type
// tables.
package wire

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/dashvet/dashvet/dash/copyable"
)

// The codec writes a value of a type accepted by copyable's shared rule
// as bytes and rebuilds it in another process as copyable.Copy would have
// copied it: every field, exported or not; nil and empty slices and maps
// kept apart; a copied slice with cap == len; and the same aliasing. An
// object that Copy copies once however often it is reached (a pointer's
// target, a map, a slice of non-plain elements) is written once and
// referred to by number afterwards, so shared objects stay shared and
// cycles terminate; a slice of plain elements is written each time it is
// reached, as Copy clones it each time.
//
// Immutable types are carried by value: time.Time as seconds, nanoseconds
// and its location (by name, offset as fallback; the monotonic clock
// reading cannot leave the process and is dropped, as MarshalBinary does),
// netip types through their binary marshalling.
//
// Format: little-endian, varints for integers and lengths. Pointers, maps
// and slices start with a tag: 0 nil, 1 a new object (followed by its
// contents), 2 a reference (followed by the number of an object written
// earlier in the same value, numbered in the order they were first
// written). The format carries no type information: Fingerprint goes into
// the Redis key instead, so a build whose value type differs reads none of
// another build's entries.

const (
	codecVersion = 1
	tagNil       = 0
	tagNew       = 1
	tagRef       = 2
)

// ErrMalformed is wrapped by every decoding error: the bytes were not
// written by this codec for this type (or were damaged).
var ErrMalformed = errors.New("malformed shared cache value")

type encFunc func(e *encoder, p unsafe.Pointer)
type decFunc func(d *decoder, p unsafe.Pointer) error

type cplan struct {
	t     reflect.Type
	plain bool // no mutable memory: no aliasing to keep
	// minSize is the fewest bytes a value takes, to bound lengths read
	// from untrusted input before allocating.
	minSize int
	enc     encFunc
	dec     decFunc
}

// Codec encodes and decodes values of one type. It is safe for concurrent
// use.
type Codec struct {
	t           reflect.Type
	p           *cplan
	key         bool
	fingerprint string
}

// NewCodec checks t under the shared rule (the key rule when key is true)
// and prepares its codec. The error is a *copyable.Problem.
func NewCodec(t reflect.Type, key bool) (*Codec, error) {
	check := copyable.CheckSharedReflect
	if key {
		check = copyable.CheckSharedKeyReflect
	}
	if p := check(t); p != nil {
		return nil, p
	}
	return &Codec{t: t, p: planFor(t), key: key, fingerprint: fingerprint(t)}, nil
}

// Fingerprint identifies the type's layout (names of types and fields
// included) and the codec's version: 16 hex digits.
func (c *Codec) Fingerprint() string { return c.fingerprint }

// Encode appends the encoding of the value of c's type at p to buf.
func (c *Codec) Encode(buf []byte, p unsafe.Pointer) []byte {
	e := encoder{buf: buf, key: c.key}
	c.p.enc(&e, p)
	return e.buf
}

// Decode rebuilds into p (zeroed memory of c's type) the value encoded in
// b. Bytes that this codec did not write for this type yield an error
// wrapping ErrMalformed, never a panic.
func (c *Codec) Decode(b []byte, p unsafe.Pointer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	d := decoder{buf: b}
	if err := c.p.dec(&d, p); err != nil {
		return err
	}
	if d.off != len(d.buf) {
		return fmt.Errorf("%w: %d bytes left over", ErrMalformed, len(d.buf)-d.off)
	}
	return nil
}

// EncodeValue and DecodeValue are the typed forms of Encode and Decode.
func EncodeValue[T any](c *Codec, buf []byte, v T) []byte {
	return c.Encode(buf, unsafe.Pointer(&v))
}

func DecodeValue[T any](c *Codec, b []byte) (T, error) {
	var v T
	if reflect.TypeFor[T]() != c.t {
		return v, fmt.Errorf("wire: codec of %s used for %s", c.t, reflect.TypeFor[T]())
	}
	err := c.Decode(b, unsafe.Pointer(&v))
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

type objKey struct {
	p unsafe.Pointer
	t reflect.Type
	n int
}

type encoder struct {
	buf  []byte
	key  bool // encoding a key: +0 and -0 are one key
	ids  map[objKey]uint64
	next uint64
}

// object returns whether the object was written before (and then writes
// the reference to it) or numbers it as new (and writes the new tag).
func (e *encoder) object(k objKey) (seen bool) {
	if id, ok := e.ids[k]; ok {
		e.buf = append(e.buf, tagRef)
		e.buf = binary.AppendUvarint(e.buf, id)
		return true
	}
	if e.ids == nil {
		e.ids = make(map[objKey]uint64)
	}
	e.ids[k] = e.next
	e.next++
	e.buf = append(e.buf, tagNew)
	return false
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

type decObj struct {
	t reflect.Type
	p unsafe.Pointer
	n int
}

type decoder struct {
	buf  []byte
	off  int
	objs []decObj
}

func (d *decoder) fail(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrMalformed, d.off, fmt.Sprintf(format, args...))
}

func (d *decoder) byte() (byte, error) {
	if d.off >= len(d.buf) {
		return 0, d.fail("unexpected end")
	}
	b := d.buf[d.off]
	d.off++
	return b, nil
}

func (d *decoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		return 0, d.fail("bad varint")
	}
	d.off += n
	return v, nil
}

func (d *decoder) varint() (int64, error) {
	v, n := binary.Varint(d.buf[d.off:])
	if n <= 0 {
		return 0, d.fail("bad varint")
	}
	d.off += n
	return v, nil
}

func (d *decoder) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(d.buf)-d.off {
		return nil, d.fail("length %d beyond the end", n)
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

// length reads a count of items of at least minSize bytes each and checks
// that the input can hold them, so a forged length cannot allocate more
// than the input's size (or, for items of no size, 64 Ki of them).
func (d *decoder) length(minSize int) (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	limit := uint64(1 << 16)
	if minSize > 0 {
		limit = uint64(len(d.buf)-d.off) / uint64(minSize)
	}
	if n > limit {
		return 0, d.fail("length %d is more than the input holds", n)
	}
	return int(n), nil
}

// tag reads an object tag; for a reference it returns the object, checked
// to be of type t (and length n for slices).
func (d *decoder) tag(t reflect.Type, n int) (byte, decObj, error) {
	tg, err := d.byte()
	if err != nil {
		return 0, decObj{}, err
	}
	switch tg {
	case tagNil, tagNew:
		return tg, decObj{}, nil
	case tagRef:
		id, err := d.uvarint()
		if err != nil {
			return 0, decObj{}, err
		}
		if id >= uint64(len(d.objs)) {
			return 0, decObj{}, d.fail("reference to object %d of %d", id, len(d.objs))
		}
		o := d.objs[id]
		if o.t != t || (n >= 0 && o.n != n) {
			return 0, decObj{}, d.fail("reference to an object of another type")
		}
		return tg, o, nil
	}
	return 0, decObj{}, d.fail("bad tag %d", tg)
}

var (
	plans  sync.Map // reflect.Type -> *cplan, complete plans only
	planMu sync.Mutex
)

func planFor(t reflect.Type) *cplan {
	if p, ok := plans.Load(t); ok {
		return p.(*cplan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	b := planBuilder{local: make(map[reflect.Type]*cplan)}
	p := b.build(t)
	// Recursive types' plans refer to each other: publish them together.
	for t, lp := range b.local {
		plans.Store(t, lp)
	}
	return p
}

type planBuilder struct{ local map[reflect.Type]*cplan }

var (
	timeType     = reflect.TypeFor[time.Time]()
	locationType = reflect.TypeFor[time.Location]()
	binMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
	binUnmarsh   = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

func (b *planBuilder) build(t reflect.Type) *cplan {
	if p, ok := plans.Load(t); ok {
		return p.(*cplan)
	}
	if p, ok := b.local[t]; ok {
		return p // possibly still being built: functions read it when they run
	}
	p := &cplan{t: t}
	b.local[t] = p
	switch {
	case t == timeType:
		p.plain, p.minSize, p.enc, p.dec = true, 3, encTime, decTime
		return p
	case t == locationType:
		p.plain, p.minSize, p.enc, p.dec = true, 1, encLocationValue, decLocationValue
		return p
	case t.PkgPath() == "net/netip" && t.Implements(binMarshaler) && reflect.PointerTo(t).Implements(binUnmarsh):
		p.plain, p.minSize = true, 1
		p.enc, p.dec = binaryCodec(t)
		return p
	}
	switch t.Kind() {
	case reflect.Bool:
		p.plain, p.minSize = true, 1
		p.enc = func(e *encoder, ptr unsafe.Pointer) {
			if *(*bool)(ptr) {
				e.buf = append(e.buf, 1)
			} else {
				e.buf = append(e.buf, 0)
			}
		}
		p.dec = func(d *decoder, ptr unsafe.Pointer) error {
			v, err := d.byte()
			if err != nil {
				return err
			}
			if v > 1 {
				return d.fail("bad bool %d", v)
			}
			*(*bool)(ptr) = v == 1
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.plain, p.minSize = true, 1
		p.enc, p.dec = intCodec(t)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.plain, p.minSize = true, 1
		p.enc, p.dec = uintCodec(t)
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		p.plain, p.minSize = true, int(t.Size())
		p.enc, p.dec = floatCodec(t)
	case reflect.String:
		p.plain, p.minSize = true, 1
		p.enc = func(e *encoder, ptr unsafe.Pointer) {
			s := *(*string)(ptr)
			e.uvarint(uint64(len(s)))
			e.buf = append(e.buf, s...)
		}
		p.dec = func(d *decoder, ptr unsafe.Pointer) error {
			n, err := d.length(1)
			if err != nil {
				return err
			}
			bs, err := d.bytes(n)
			if err != nil {
				return err
			}
			*(*string)(ptr) = string(bs)
			return nil
		}
	case reflect.Array:
		b.array(p)
	case reflect.Struct:
		b.structure(p)
	case reflect.Pointer:
		b.pointer(p)
	case reflect.Slice:
		b.slice(p)
	case reflect.Map:
		b.mapping(p)
	default:
		// The shared rule refuses every other kind before a plan is built.
		panic(fmt.Sprintf("wire: no codec for %s", t))
	}
	return p
}

// intCodec and uintCodec read and write integers by size: a named
// integer type has the layout of its underlying type.
func intCodec(t reflect.Type) (encFunc, decFunc) {
	bits := t.Bits()
	var get func(unsafe.Pointer) int64
	var set func(unsafe.Pointer, int64)
	switch bits {
	case 8:
		get = func(p unsafe.Pointer) int64 { return int64(*(*int8)(p)) }
		set = func(p unsafe.Pointer, v int64) { *(*int8)(p) = int8(v) }
	case 16:
		get = func(p unsafe.Pointer) int64 { return int64(*(*int16)(p)) }
		set = func(p unsafe.Pointer, v int64) { *(*int16)(p) = int16(v) }
	case 32:
		get = func(p unsafe.Pointer) int64 { return int64(*(*int32)(p)) }
		set = func(p unsafe.Pointer, v int64) { *(*int32)(p) = int32(v) }
	default:
		get = func(p unsafe.Pointer) int64 { return *(*int64)(p) }
		set = func(p unsafe.Pointer, v int64) { *(*int64)(p) = v }
	}
	return func(e *encoder, ptr unsafe.Pointer) {
			e.buf = binary.AppendVarint(e.buf, get(ptr))
		}, func(d *decoder, ptr unsafe.Pointer) error {
			v, err := d.varint()
			if err != nil {
				return err
			}
			if bits < 64 && (v < -(1<<(bits-1)) || v >= 1<<(bits-1)) {
				return d.fail("%d overflows %s", v, t)
			}
			set(ptr, v)
			return nil
		}
}

func uintCodec(t reflect.Type) (encFunc, decFunc) {
	bits := t.Bits()
	var get func(unsafe.Pointer) uint64
	var set func(unsafe.Pointer, uint64)
	switch bits {
	case 8:
		get = func(p unsafe.Pointer) uint64 { return uint64(*(*uint8)(p)) }
		set = func(p unsafe.Pointer, v uint64) { *(*uint8)(p) = uint8(v) }
	case 16:
		get = func(p unsafe.Pointer) uint64 { return uint64(*(*uint16)(p)) }
		set = func(p unsafe.Pointer, v uint64) { *(*uint16)(p) = uint16(v) }
	case 32:
		get = func(p unsafe.Pointer) uint64 { return uint64(*(*uint32)(p)) }
		set = func(p unsafe.Pointer, v uint64) { *(*uint32)(p) = uint32(v) }
	default:
		get = func(p unsafe.Pointer) uint64 { return *(*uint64)(p) }
		set = func(p unsafe.Pointer, v uint64) { *(*uint64)(p) = v }
	}
	return func(e *encoder, ptr unsafe.Pointer) {
			e.uvarint(get(ptr))
		}, func(d *decoder, ptr unsafe.Pointer) error {
			v, err := d.uvarint()
			if err != nil {
				return err
			}
			if bits < 64 && v >= 1<<bits {
				return d.fail("%d overflows %s", v, t)
			}
			set(ptr, v)
			return nil
		}
}

func floatCodec(t reflect.Type) (encFunc, decFunc) {
	size := int(t.Size())
	half := size
	if t.Kind() == reflect.Complex64 || t.Kind() == reflect.Complex128 {
		half = size / 2
	}
	return func(e *encoder, ptr unsafe.Pointer) {
			for off := 0; off < size; off += half {
				q := unsafe.Add(ptr, off)
				if half == 4 {
					f := *(*float32)(q)
					if e.key && f == 0 {
						f = 0 // -0 == +0: one key
					}
					e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(f))
				} else {
					f := *(*float64)(q)
					if e.key && f == 0 {
						f = 0
					}
					e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(f))
				}
			}
		}, func(d *decoder, ptr unsafe.Pointer) error {
			bs, err := d.bytes(size)
			if err != nil {
				return err
			}
			for off := 0; off < size; off += half {
				q := unsafe.Add(ptr, off)
				if half == 4 {
					*(*float32)(q) = math.Float32frombits(binary.LittleEndian.Uint32(bs[off:]))
				} else {
					*(*float64)(q) = math.Float64frombits(binary.LittleEndian.Uint64(bs[off:]))
				}
			}
			return nil
		}
}

func binaryCodec(t reflect.Type) (encFunc, decFunc) {
	return func(e *encoder, ptr unsafe.Pointer) {
			bs, err := reflect.NewAt(t, ptr).Elem().Interface().(encoding.BinaryMarshaler).MarshalBinary()
			if err != nil {
				// netip's marshallers do not fail; keep the zero value
				// rather than write a half value.
				bs = nil
			}
			e.uvarint(uint64(len(bs)))
			e.buf = append(e.buf, bs...)
		}, func(d *decoder, ptr unsafe.Pointer) error {
			n, err := d.length(1)
			if err != nil {
				return err
			}
			bs, err := d.bytes(n)
			if err != nil {
				return err
			}
			if err := reflect.NewAt(t, ptr).Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(bs); err != nil {
				return d.fail("%s: %v", t, err)
			}
			return nil
		}
}

func (b *planBuilder) array(p *cplan) {
	t := p.t
	n, size := t.Len(), t.Elem().Size()
	ep := b.build(t.Elem())
	p.plain = n == 0 || ep.plain
	p.minSize = n * ep.minSize
	p.enc = func(e *encoder, ptr unsafe.Pointer) {
		for i := range n {
			ep.enc(e, unsafe.Add(ptr, uintptr(i)*size))
		}
	}
	p.dec = func(d *decoder, ptr unsafe.Pointer) error {
		for i := range n {
			if err := ep.dec(d, unsafe.Add(ptr, uintptr(i)*size)); err != nil {
				return err
			}
		}
		return nil
	}
}

func (b *planBuilder) structure(p *cplan) {
	t := p.t
	type field struct {
		off uintptr
		p   *cplan
	}
	fields := make([]field, t.NumField())
	p.plain = true
	for i := range fields {
		f := t.Field(i)
		fp := b.build(f.Type)
		fields[i] = field{f.Offset, fp}
		p.plain = p.plain && fp.plain
		p.minSize += fp.minSize
	}
	p.enc = func(e *encoder, ptr unsafe.Pointer) {
		for _, f := range fields {
			f.p.enc(e, unsafe.Add(ptr, f.off))
		}
	}
	p.dec = func(d *decoder, ptr unsafe.Pointer) error {
		for _, f := range fields {
			if err := f.p.dec(d, unsafe.Add(ptr, f.off)); err != nil {
				return err
			}
		}
		return nil
	}
}

func (b *planBuilder) pointer(p *cplan) {
	t := p.t
	elem := t.Elem()
	p.minSize = 1
	if elem == locationType {
		// Immutable and shared by Copy: written by name each time.
		p.plain = true
		p.enc = func(e *encoder, ptr unsafe.Pointer) {
			loc := *(**time.Location)(ptr)
			if loc == nil {
				e.buf = append(e.buf, tagNil)
				return
			}
			e.buf = append(e.buf, tagNew)
			_, off := time.Now().In(loc).Zone()
			encLocation(e, loc, off)
		}
		p.dec = func(d *decoder, ptr unsafe.Pointer) error {
			tg, err := d.byte()
			if err != nil {
				return err
			}
			switch tg {
			case tagNil:
				*(**time.Location)(ptr) = nil
				return nil
			case tagNew:
				loc, err := decLocation(d, time.Now())
				*(**time.Location)(ptr) = loc
				return err
			}
			return d.fail("bad tag %d", tg)
		}
		return
	}
	ep := b.build(elem)
	p.enc = func(e *encoder, ptr unsafe.Pointer) {
		q := *(*unsafe.Pointer)(ptr)
		if q == nil {
			e.buf = append(e.buf, tagNil)
			return
		}
		if e.object(objKey{p: q, t: t}) {
			return
		}
		ep.enc(e, q)
	}
	p.dec = func(d *decoder, ptr unsafe.Pointer) error {
		tg, o, err := d.tag(t, -1)
		if err != nil {
			return err
		}
		switch tg {
		case tagNil:
			*(*unsafe.Pointer)(ptr) = nil
		case tagRef:
			*(*unsafe.Pointer)(ptr) = o.p
		case tagNew:
			q := reflect.New(elem).UnsafePointer()
			d.objs = append(d.objs, decObj{t: t, p: q})
			if err := ep.dec(d, q); err != nil {
				return err
			}
			*(*unsafe.Pointer)(ptr) = q
		}
		return nil
	}
}

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func (b *planBuilder) slice(p *cplan) {
	t := p.t
	elem := t.Elem()
	ep := b.build(elem)
	size := elem.Size()
	p.minSize = 1
	if elem.Kind() == reflect.Uint8 {
		// []byte and its named forms: the bytes as they are.
		p.enc = func(e *encoder, ptr unsafe.Pointer) {
			h := *(*sliceHeader)(ptr)
			if h.data == nil {
				e.buf = append(e.buf, tagNil)
				return
			}
			e.buf = append(e.buf, tagNew)
			e.uvarint(uint64(h.len))
			e.buf = append(e.buf, unsafe.Slice((*byte)(h.data), h.len)...)
		}
		p.dec = func(d *decoder, ptr unsafe.Pointer) error {
			tg, err := d.byte()
			if err != nil {
				return err
			}
			if tg == tagNil {
				return nil
			}
			if tg != tagNew {
				return d.fail("bad tag %d", tg)
			}
			n, err := d.length(1)
			if err != nil {
				return err
			}
			bs, err := d.bytes(n)
			if err != nil {
				return err
			}
			ns := reflect.MakeSlice(t, n, n)
			copy(unsafe.Slice((*byte)(ns.UnsafePointer()), n), bs)
			*(*sliceHeader)(ptr) = sliceHeader{data: ns.UnsafePointer(), len: n, cap: n}
			return nil
		}
		return
	}
	// Copy clones a slice of plain elements each time it meets it and
	// copies a slice of other elements once per (array, length).
	track := !ep.plain
	p.enc = func(e *encoder, ptr unsafe.Pointer) {
		h := *(*sliceHeader)(ptr)
		if h.data == nil {
			e.buf = append(e.buf, tagNil)
			return
		}
		if track {
			if e.object(objKey{p: h.data, t: t, n: h.len}) {
				return
			}
		} else {
			e.buf = append(e.buf, tagNew)
		}
		e.uvarint(uint64(h.len))
		for i := range h.len {
			ep.enc(e, unsafe.Add(h.data, uintptr(i)*size))
		}
	}
	p.dec = func(d *decoder, ptr unsafe.Pointer) error {
		tg, o, err := d.tag(t, -1)
		if err != nil {
			return err
		}
		switch tg {
		case tagNil:
			*(*sliceHeader)(ptr) = sliceHeader{}
			return nil
		case tagRef:
			if !track {
				return d.fail("reference to a slice of plain elements")
			}
			*(*sliceHeader)(ptr) = sliceHeader{data: o.p, len: o.n, cap: o.n}
			return nil
		}
		n, err := d.length(ep.minSize)
		if err != nil {
			return err
		}
		ns := reflect.MakeSlice(t, n, n)
		q := ns.UnsafePointer()
		if track {
			d.objs = append(d.objs, decObj{t: t, p: q, n: n})
		}
		for i := range n {
			if err := ep.dec(d, unsafe.Add(q, uintptr(i)*size)); err != nil {
				return err
			}
		}
		*(*sliceHeader)(ptr) = sliceHeader{data: q, len: n, cap: n}
		return nil
	}
}

func (b *planBuilder) mapping(p *cplan) {
	t := p.t
	kt, vt := t.Key(), t.Elem()
	kp, vp := b.build(kt), b.build(vt)
	p.minSize = 1
	p.enc = func(e *encoder, ptr unsafe.Pointer) {
		m := *(*unsafe.Pointer)(ptr)
		if m == nil {
			e.buf = append(e.buf, tagNil)
			return
		}
		if e.object(objKey{p: m, t: t}) {
			return
		}
		mv := reflect.NewAt(t, ptr).Elem()
		e.uvarint(uint64(mv.Len()))
		key, val := reflect.New(kt).Elem(), reflect.New(vt).Elem()
		it := mv.MapRange()
		for it.Next() {
			key.SetIterKey(it)
			val.SetIterValue(it)
			kp.enc(e, key.Addr().UnsafePointer())
			vp.enc(e, val.Addr().UnsafePointer())
		}
	}
	p.dec = func(d *decoder, ptr unsafe.Pointer) error {
		tg, o, err := d.tag(t, -1)
		if err != nil {
			return err
		}
		switch tg {
		case tagNil:
			*(*unsafe.Pointer)(ptr) = nil
			return nil
		case tagRef:
			*(*unsafe.Pointer)(ptr) = o.p
			return nil
		}
		n, err := d.length(kp.minSize + vp.minSize)
		if err != nil {
			return err
		}
		nm := reflect.MakeMapWithSize(t, n)
		d.objs = append(d.objs, decObj{t: t, p: nm.UnsafePointer()})
		*(*unsafe.Pointer)(ptr) = nm.UnsafePointer()
		for range n {
			key, val := reflect.New(kt), reflect.New(vt)
			if err := kp.dec(d, key.UnsafePointer()); err != nil {
				return err
			}
			if err := vp.dec(d, val.UnsafePointer()); err != nil {
				return err
			}
			nm.SetMapIndex(key.Elem(), val.Elem())
		}
		return nil
	}
}

// Locations: 0 UTC, 1 Local, 2 a name and the zone's offset at the
// instant. A reader loads the name from its time zone database and falls
// back to a fixed zone of that name and offset when it has no such zone
// (or one that disagrees about the offset).
const (
	locUTC   = 0
	locLocal = 1
	locNamed = 2
)

func encLocation(e *encoder, loc *time.Location, offset int) {
	switch loc {
	case time.UTC:
		e.buf = append(e.buf, locUTC)
	case time.Local:
		e.buf = append(e.buf, locLocal)
	default:
		e.buf = append(e.buf, locNamed)
		name := loc.String()
		e.uvarint(uint64(len(name)))
		e.buf = append(e.buf, name...)
		e.buf = binary.AppendVarint(e.buf, int64(offset))
	}
}

var loaded sync.Map // zone name -> *time.Location, or nil when unknown here

func decLocation(d *decoder, at time.Time) (*time.Location, error) {
	tg, err := d.byte()
	if err != nil {
		return nil, err
	}
	switch tg {
	case locUTC:
		return time.UTC, nil
	case locLocal:
		return time.Local, nil
	case locNamed:
	default:
		return nil, d.fail("bad location tag %d", tg)
	}
	n, err := d.length(1)
	if err != nil {
		return nil, err
	}
	nb, err := d.bytes(n)
	if err != nil {
		return nil, err
	}
	off, err := d.varint()
	if err != nil {
		return nil, err
	}
	if off < -24*3600 || off > 24*3600 {
		return nil, d.fail("zone offset %d out of range", off)
	}
	name := string(nb)
	if name != "" && name != "UTC" && name != "Local" {
		l, ok := loaded.Load(name)
		if !ok {
			ll, err := time.LoadLocation(name)
			if err != nil {
				ll = nil
			}
			l, _ = loaded.LoadOrStore(name, ll)
		}
		if loc, _ := l.(*time.Location); loc != nil {
			if _, o := at.In(loc).Zone(); o == int(off) {
				return loc, nil
			}
		}
	}
	return time.FixedZone(name, int(off)), nil
}

func encTime(e *encoder, ptr unsafe.Pointer) {
	t := *(*time.Time)(ptr)
	e.buf = binary.AppendVarint(e.buf, t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	_, off := t.Zone()
	encLocation(e, t.Location(), off)
}

func decTime(d *decoder, ptr unsafe.Pointer) error {
	sec, err := d.varint()
	if err != nil {
		return err
	}
	nsec, err := d.uvarint()
	if err != nil {
		return err
	}
	if nsec >= 1e9 {
		return d.fail("nanoseconds %d out of range", nsec)
	}
	at := time.Unix(sec, int64(nsec))
	loc, err := decLocation(d, at)
	if err != nil {
		return err
	}
	*(*time.Time)(ptr) = at.In(loc)
	return nil
}

func encLocationValue(e *encoder, ptr unsafe.Pointer) {
	loc := (*time.Location)(ptr)
	_, off := time.Now().In(loc).Zone()
	encLocation(e, loc, off)
}

func decLocationValue(d *decoder, ptr unsafe.Pointer) error {
	loc, err := decLocation(d, time.Now())
	if err != nil {
		return err
	}
	reflect.NewAt(locationType, ptr).Elem().Set(reflect.ValueOf(loc).Elem())
	return nil
}

// fingerprint hashes a description of t's layout: kinds, sizes of arrays,
// names of defined types (with their package paths) and of every field.
func fingerprint(t reflect.Type) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dash-shared-codec-%d;", codecVersion)
	describe(&b, t, map[reflect.Type]int{})
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

func describe(b *strings.Builder, t reflect.Type, seen map[reflect.Type]int) {
	if t.Name() != "" {
		fmt.Fprintf(b, "%s.%s", t.PkgPath(), t.Name())
		if t == timeType || t == locationType || t.PkgPath() == "net/netip" {
			return
		}
		if id, ok := seen[t]; ok {
			fmt.Fprintf(b, "#%d", id)
			return
		}
		seen[t] = len(seen)
		b.WriteByte('=')
	}
	switch t.Kind() {
	case reflect.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		describe(b, t.Elem(), seen)
	case reflect.Slice:
		b.WriteString("[]")
		describe(b, t.Elem(), seen)
	case reflect.Pointer:
		b.WriteString("*")
		describe(b, t.Elem(), seen)
	case reflect.Map:
		b.WriteString("map[")
		describe(b, t.Key(), seen)
		b.WriteString("]")
		describe(b, t.Elem(), seen)
	case reflect.Struct:
		b.WriteString("struct{")
		for i := range t.NumField() {
			f := t.Field(i)
			b.WriteString(f.Name)
			b.WriteByte(' ')
			describe(b, f.Type, seen)
			b.WriteByte(';')
		}
		b.WriteString("}")
	default:
		b.WriteString(t.Kind().String())
	}
}
