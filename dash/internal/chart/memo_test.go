package chart

import (
	"bytes"
	"testing"
)

func TestMemoReturnsWhatRenderDraws(t *testing.T) {
	m := NewMemo(8, 1<<20)
	labels := []string{"Jan", "Feb", "Mar"}
	series := []Series{{Name: "Revenue", Values: []float64{1, 2, 3}}}
	want, err := Render(Line, labels, series)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // a miss, then a hit
		got, err := m.Render(Line, labels, series)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("call %d: memo returned a different SVG than Render", i)
		}
	}
	if n := m.ll.Len(); n != 1 {
		t.Fatalf("memo holds %d charts after drawing one twice, want 1", n)
	}
}

func TestMemoKeepsDifferentInputsApart(t *testing.T) {
	m := NewMemo(8, 1<<20)
	a, _ := m.Render(Line, []string{"a", "b"}, []Series{{Values: []float64{1, 2}}})
	b, _ := m.Render(Line, []string{"a", "b"}, []Series{{Values: []float64{1, 3}}})
	c, _ := m.Render(Area, []string{"a", "b"}, []Series{{Values: []float64{1, 2}}})
	// Same strings split differently must not collide either.
	d, _ := m.Render(Line, []string{"ab", ""}, []Series{{Values: []float64{1, 2}}})
	if bytes.Equal(a, b) || bytes.Equal(a, c) || bytes.Equal(a, d) {
		t.Fatal("different inputs were answered with the same SVG")
	}
	if n := m.ll.Len(); n != 4 {
		t.Fatalf("memo holds %d charts, want 4", n)
	}
}

func TestMemoIsBounded(t *testing.T) {
	m := NewMemo(3, 1<<20)
	for i := range 10 {
		if _, err := m.Render(Bar, []string{"x"}, []Series{{Values: []float64{float64(i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.ll.Len(); n != 3 || len(m.items) != 3 {
		t.Fatalf("memo holds %d charts (%d keys), want 3", n, len(m.items))
	}
	small := NewMemo(100, 64) // smaller than any SVG: nothing is kept
	if _, err := small.Render(Bar, []string{"x"}, []Series{{Values: []float64{1}}}); err != nil {
		t.Fatal(err)
	}
	if small.ll.Len() != 0 || small.bytes != 0 {
		t.Fatalf("memo kept a chart larger than its byte bound")
	}
}

func TestMemoDoesNotRememberErrors(t *testing.T) {
	m := NewMemo(8, 1<<20)
	if _, err := m.Render(Line, []string{"a"}, []Series{{Values: []float64{1, 2}}}); err == nil {
		t.Fatal("want an error for a series longer than its labels")
	}
	if m.ll.Len() != 0 {
		t.Fatal("memo kept a failed draw")
	}
}

func BenchmarkRenderMemoHit(b *testing.B) {
	m := NewMemo(8, 1<<20)
	labels := []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
		"2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"}
	s := []Series{{Name: "Revenue", Values: []float64{97, 101, 83, 96, 112, 99, 100, 111, 101, 82, 137, 151}}}
	if _, err := m.Render(Line, labels, s); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Render(Line, labels, s); err != nil {
			b.Fatal(err)
		}
	}
}
