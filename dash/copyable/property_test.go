package copyable_test

import (
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"
	"time"

	"github.com/dashvet/dashvet/dash/copyable"
)

// quickShape mixes every kind the copier handles, for random values.
type quickShape struct {
	N      int
	S      string
	B      []byte
	F      []float64
	M      map[string]int
	MS     map[int][]string
	P      *quickLeaf
	PS     []*quickLeaf
	Arr    [3]quickLeaf
	Nested map[string]map[string]*quickLeaf
	Named  quickTags
}

type quickLeaf struct {
	ID   int64
	Name string
	Vals []int32
}

type quickTags []string

// references collects the addresses of the mutable memory v references.
func references(v reflect.Value, out map[uintptr]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		out[v.Pointer()] = v.Type().String()
		references(v.Elem(), out)
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 {
			return
		}
		out[v.Pointer()] = v.Type().String()
		for i := range v.Len() {
			references(v.Index(i), out)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		out[v.Pointer()] = v.Type().String()
		it := v.MapRange()
		for it.Next() {
			references(it.Key(), out)
			references(it.Value(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			references(v.Field(i), out)
		}
	case reflect.Array:
		for i := range v.Len() {
			references(v.Index(i), out)
		}
	case reflect.Interface:
		if !v.IsNil() {
			references(v.Elem(), out)
		}
	}
}

func TestCopyPropertyEqualAndDisjoint(t *testing.T) {
	cfg := &quick.Config{MaxCount: 300, Rand: rand.New(rand.NewSource(time.Now().UnixNano()))}
	prop := func(v quickShape) bool {
		c, err := copyable.Copy(v)
		if err != nil {
			t.Log(err)
			return false
		}
		if !reflect.DeepEqual(v, c) {
			t.Logf("copy differs:\n%+v\n%+v", v, c)
			return false
		}
		orig, cp := map[uintptr]string{}, map[uintptr]string{}
		references(reflect.ValueOf(v), orig)
		references(reflect.ValueOf(c), cp)
		for p, typ := range cp {
			if _, shared := orig[p]; shared {
				t.Logf("copy shares a %s with the original", typ)
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, cfg); err != nil {
		t.Fatal(err)
	}
}
