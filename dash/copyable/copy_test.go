package copyable_test

import (
	"errors"
	"net/netip"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/copyable/internal/typetable"
)

type node struct {
	Name  string
	Next  *node
	Tags  []string
	Attrs map[string]int
	Kids  []*node
	Extra any
}

func mustCopy[T any](t *testing.T, v T) T {
	t.Helper()
	c, err := copyable.Copy(v)
	if err != nil {
		t.Fatalf("Copy(%T): %v", v, err)
	}
	return c
}

func TestCopyIsIndependent(t *testing.T) {
	orig := &node{
		Name:  "root",
		Tags:  []string{"a", "b"},
		Attrs: map[string]int{"x": 1},
		Kids:  []*node{{Name: "kid", Tags: []string{"k"}}},
		Extra: map[string]any{"list": []any{1, "two", []int{3}}},
	}
	c := mustCopy(t, orig)
	if !reflect.DeepEqual(orig, c) {
		t.Fatalf("copy differs from original:\n%+v\n%+v", orig, c)
	}
	c.Name = "changed"
	c.Tags[0] = "z"
	c.Attrs["x"] = 99
	c.Kids[0].Name = "changed"
	c.Kids[0].Tags[0] = "z"
	c.Extra.(map[string]any)["list"].([]any)[2].([]int)[0] = 42
	if orig.Name != "root" || orig.Tags[0] != "a" || orig.Attrs["x"] != 1 ||
		orig.Kids[0].Name != "kid" || orig.Kids[0].Tags[0] != "k" ||
		orig.Extra.(map[string]any)["list"].([]any)[2].([]int)[0] != 3 {
		t.Fatalf("mutating the copy changed the original: %+v", orig)
	}
}

func TestCopyPreservesAliasingAndCycles(t *testing.T) {
	shared := &node{Name: "shared"}
	a := &node{Name: "a", Kids: []*node{shared, shared}, Extra: shared}
	a.Next = a // a cycle through a pointer
	c := mustCopy(t, a)
	if c == a || c.Kids[0] == shared {
		t.Fatal("copy shares pointers with the original")
	}
	if c.Next != c {
		t.Error("cycle not preserved: c.Next != c")
	}
	if c.Kids[0] != c.Kids[1] || c.Extra.(*node) != c.Kids[0] {
		t.Error("a pointer reached three times was copied more than once")
	}
}

type selfMap map[string]selfMap
type selfSlice []any

func TestCopyCyclesThroughMapsAndSlices(t *testing.T) {
	m := selfMap{}
	m["me"] = m
	cm := mustCopy(t, m)
	if reflect.ValueOf(cm).UnsafePointer() == reflect.ValueOf(m).UnsafePointer() {
		t.Fatal("map not copied")
	}
	if reflect.ValueOf(cm["me"]).UnsafePointer() != reflect.ValueOf(cm).UnsafePointer() {
		t.Error("map cycle not preserved")
	}

	s := make(selfSlice, 2)
	s[0] = s
	s[1] = "leaf"
	cs := mustCopy(t, s)
	inner := cs[0].(selfSlice)
	if &inner[0] != &cs[0] {
		t.Error("slice cycle not preserved")
	}
	if &cs[0] == &s[0] {
		t.Error("slice not copied")
	}
}

func TestCopyNilEmptyAndCapacity(t *testing.T) {
	type shape struct {
		NilS   []int
		EmptyS []int
		NilM   map[string]int
		EmptyM map[string]int
		NilP   *int
		NilI   any
	}
	c := mustCopy(t, shape{EmptyS: []int{}, EmptyM: map[string]int{}})
	if c.NilS != nil || c.EmptyS == nil || c.NilM != nil || c.EmptyM == nil || c.NilP != nil || c.NilI != nil {
		t.Errorf("nil/empty not preserved: %+v", c)
	}

	// A short slice with spare capacity must not let appends to the copy
	// write into the original's array.
	backing := []string{"a", "b", "c"}
	short := backing[:1]
	cs := mustCopy(t, short)
	cs = append(cs, "x")
	if backing[1] != "b" {
		t.Errorf("append to the copy wrote into the original: %v", backing)
	}
	type tagged struct{ T []*int }
	one := 1
	ps := make([]*int, 1, 4)
	ps[0] = &one
	ct := mustCopy(t, tagged{T: ps})
	ct.T = append(ct.T, nil)
	if ps[:2][1] != nil {
		t.Error("append to a copied pointer slice wrote into the original")
	}
}

type tags []string
type counts map[string]int
type region string

func TestCopyNamedTypesOnFastPaths(t *testing.T) {
	tg := tags{"a", "b"}
	ct := mustCopy(t, tg)
	ct[0] = "z"
	if tg[0] != "a" {
		t.Error("named []string shares memory with its copy")
	}
	cn := counts{"a": 1}
	cc := mustCopy(t, cn)
	cc["a"] = 2
	if cn["a"] != 1 {
		t.Error("named map[string]int shares memory with its copy")
	}
	rm := map[region][]float64{"eu": {1, 2}}
	cr := mustCopy(t, rm)
	cr["eu"][0] = 9
	if rm["eu"][0] != 1 {
		t.Error("map of named keys to slices shares memory with its copy")
	}
	b := []byte("hello")
	cb := mustCopy(t, b)
	cb[0] = 'j'
	if string(b) != "hello" {
		t.Error("[]byte shares memory with its copy")
	}
}

func TestCopyImmutableTypesByValue(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	type ev struct {
		At   time.Time
		Loc  *time.Location
		Addr netip.Addr
	}
	orig := ev{At: time.Date(2026, 1, 2, 3, 4, 5, 0, loc), Loc: loc, Addr: netip.MustParseAddr("fe80::1%eth0")}
	c := mustCopy(t, orig)
	if c.Loc != loc || !c.At.Equal(orig.At) || c.At.Location() != loc {
		t.Error("time values not kept by value")
	}
	if c.Addr != orig.Addr {
		t.Error("netip.Addr with a zone no longer compares equal after copying")
	}
}

func TestCopyRejectsBadDynamicValues(t *testing.T) {
	type wrapper struct {
		Name  string
		Items []any
	}
	_, err := copyable.Copy(wrapper{Items: []any{1, map[string]any{"c": make(chan int)}}})
	var p *copyable.Problem
	if !errors.As(err, &p) {
		t.Fatalf("want a *Problem, got %v", err)
	}
	if want := "wrapper.Items[i].(map[string]any)[k].(chan int)"; p.Path != want || p.Type != "chan int" {
		t.Errorf("got Path %q Type %q, want %q %q", p.Path, p.Type, want, "chan int")
	}

	_, err = copyable.Copy[any](&sync.Mutex{})
	if !errors.As(err, &p) || p.Path != "any.(*sync.Mutex)" || p.Type != "*sync.Mutex" {
		t.Errorf("mutex in any: got %v", err)
	}
}

func TestCopyRejectsBadStaticTypes(t *testing.T) {
	for _, c := range typetable.Cases {
		if c.WantType == "" {
			continue
		}
		// Copy's type check is CheckReflect's; NewCopier is the generic
		// entry point, exercised here through reflect.
		if p := copyable.CheckReflect(c.Type); p == nil {
			t.Errorf("%s: copyable", c.Alias)
		}
	}
	_, err := copyable.Copy(make(chan int))
	var p *copyable.Problem
	if !errors.As(err, &p) || p.Type != "chan int" || p.Path != "" {
		t.Errorf("Copy(chan): got %v", err)
	}
	_, err = copyable.NewCopier[typetable.ReportT]()
	// A cursor is live but serves one user: not a resource to share.
	if !errors.As(err, &p) || p.Path != "Report.Rows" || p.Resource {
		t.Errorf("NewCopier[Report]: got %v (Resource %v)", err, p != nil && p.Resource)
	}
	_, err = copyable.NewCopier[typetable.DBPtr]()
	if !errors.As(err, &p) || p.Type != "*sql.DB" || !p.Resource {
		t.Errorf("NewCopier[*sql.DB]: got %v (Resource %v)", err, p != nil && p.Resource)
	}
}

func TestCopyConcurrentReadersOfOneValue(t *testing.T) {
	v := map[string][]*node{"a": {{Name: "x", Attrs: map[string]int{"n": 1}}}}
	c, err := copyable.NewCopier[map[string][]*node]()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				cp, err := c.Copy(v)
				if err != nil {
					t.Error(err)
					return
				}
				cp["a"][0].Attrs["n"]++ // each copy is private
			}
		})
	}
	wg.Wait()
	if v["a"][0].Attrs["n"] != 1 {
		t.Error("copies were not private")
	}
}

func TestCopyPlainValuesAreReturnedAsIs(t *testing.T) {
	type point struct{ X, Y float64 }
	p := point{1, 2}
	if c := mustCopy(t, p); c != p {
		t.Errorf("got %v", c)
	}
	if c := mustCopy(t, "s"); c != "s" {
		t.Errorf("got %q", c)
	}
}

func TestCopyDecodedJSONCyclesAndAliasing(t *testing.T) {
	shared := map[string]any{"n": 1.0}
	doc := map[string]any{"a": shared, "b": shared, "list": []any{shared}}
	doc["self"] = doc
	c := mustCopy(t, doc)
	ca, cb := c["a"].(map[string]any), c["b"].(map[string]any)
	ca["n"] = 2.0
	if cb["n"] != 2.0 || c["list"].([]any)[0].(map[string]any)["n"] != 2.0 {
		t.Error("a map shared three times in the original is not shared in the copy")
	}
	if shared["n"] != 1.0 {
		t.Error("the copy shares a map with the original")
	}
	if self := c["self"].(map[string]any); reflect.ValueOf(self).UnsafePointer() != reflect.ValueOf(c).UnsafePointer() {
		t.Error("a map holding itself is not a cycle in the copy")
	}
}
