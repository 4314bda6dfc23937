package chart

import "testing"

func TestKeyIsExact(t *testing.T) {
	base := Key(Line, []string{"a", "b"}, []Series{{Values: []float64{1, 2}}})
	if again := Key(Line, []string{"a", "b"}, []Series{{Values: []float64{1, 2}}}); again != base {
		t.Fatal("equal inputs gave different keys")
	}
	for name, k := range map[string]string{
		"another value": Key(Line, []string{"a", "b"}, []Series{{Values: []float64{1, 3}}}),
		"another kind":  Key(Area, []string{"a", "b"}, []Series{{Values: []float64{1, 2}}}),
		// The same characters split differently must not collide.
		"labels split differently": Key(Line, []string{"ab", ""}, []Series{{Values: []float64{1, 2}}}),
		"a series name":            Key(Line, []string{"a", "b"}, []Series{{Name: "x", Values: []float64{1, 2}}}),
		"two series":               Key(Line, []string{"a", "b"}, []Series{{Values: []float64{1}}, {Values: []float64{2}}}),
	} {
		if k == base {
			t.Errorf("%s: same key as the base chart", name)
		}
	}
}

func BenchmarkKey(b *testing.B) {
	labels := []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
		"2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"}
	s := []Series{{Name: "Revenue", Values: []float64{97, 101, 83, 96, 112, 99, 100, 111, 101, 82, 137, 151}}}
	for b.Loop() {
		Key(Line, labels, s)
	}
}
