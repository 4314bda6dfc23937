package chart

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

// wellFormed parses svg as XML: a browser refuses to show an <img> whose
// SVG is not well-formed.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%.400s", err, svg)
		}
	}
}

func TestRenderKinds(t *testing.T) {
	labels := []string{"2024-01", "2024-02", "R&D <3>"}
	series := []Series{{Name: "a", Values: []float64{1, 2.5, 1200}}, {Name: "b", Values: []float64{3, 0, -2}}}
	for _, k := range []Kind{Line, Area, Bar} {
		svg, err := Render(k, labels, series)
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		wellFormed(t, svg)
		s := string(svg)
		if !strings.HasPrefix(s, "<svg") {
			t.Errorf("%v: not an SVG: %.60s", k, s)
		}
		if !strings.Contains(s, "R&amp;D &lt;3&gt;") || strings.Contains(s, "<3>") {
			t.Errorf("%v: label not escaped", k)
		}
		if !strings.Contains(s, "2024-01") {
			t.Errorf("%v: first label missing", k)
		}
		if k == Area && !strings.Contains(s, `<polygon points=`) || k == Area && !strings.Contains(s, `fill="#0072b2" fill-opacity="0.24"`) {
			t.Errorf("area chart has no filled area in the first series colour")
		}
	}
}

func TestRenderEdgeCases(t *testing.T) {
	if _, err := Render(Line, nil, nil); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v", err)
	}
	if _, err := Render(Bar, []string{"a"}, []Series{{Values: []float64{1, 2}}}); err == nil {
		t.Error("mismatched lengths: want an error")
	}
	if _, err := Render(Line, []string{"a", "b"}, []Series{{Values: []float64{1, nan()}}}); err == nil {
		t.Error("NaN: want an error")
	}
	// A flat series, a single point, and many labels all render.
	for _, c := range []struct {
		labels []string
		vals   []float64
	}{
		{[]string{"a", "b"}, []float64{5, 5}},
		{[]string{"a"}, []float64{0}},
		{make([]string, 500), make([]float64, 500)},
	} {
		for _, k := range []Kind{Line, Area, Bar} {
			svg, err := Render(k, c.labels, []Series{{Values: c.vals}})
			if err != nil {
				t.Errorf("%v with %d points: %v", k, len(c.vals), err)
				continue
			}
			wellFormed(t, svg)
		}
	}
}

func nan() float64 { var z float64; return z / z }

func TestNiceStepAndCompact(t *testing.T) {
	for in, want := range map[float64]float64{0.3: 0.5, 7: 10, 120: 200, 1: 1, 0: 1} {
		if got := niceStep(in); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[float64]string{1500: "1.5k", 2e6: "2M", 12: "12", -3000: "-3k", 0.25: "0.2"} {
		if got := compact(in); got != want {
			t.Errorf("compact(%v) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkRenderLine(b *testing.B) {
	labels := make([]string, 24)
	vals := make([]float64, 24)
	for i := range labels {
		labels[i] = "m"
		vals[i] = float64(i * i)
	}
	for b.Loop() {
		if _, err := Render(Line, labels, []Series{{Values: vals}}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestYAxisRoundTicks(t *testing.T) {
	r, ticks := yAxis([]Series{{Values: []float64{81000, 152000}}}, false)
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if r.Min != 80000 || r.Max != 160000 || strings.Join(labels, " ") != "80k 100k 120k 140k 160k" {
		t.Errorf("range [%v, %v], ticks %v", r.Min, r.Max, labels)
	}
	r, _ = yAxis([]Series{{Values: []float64{-3, 4}}}, true)
	if r.Min != -4 || r.Max != 4 {
		t.Errorf("range with negatives [%v, %v]", r.Min, r.Max)
	}
	r, ticks = yAxis([]Series{{Values: []float64{7, 7}}}, false)
	if r.Max <= r.Min || len(ticks) < 2 {
		t.Errorf("flat series: range [%v, %v], %d ticks", r.Min, r.Max, len(ticks))
	}
}

// TestRenderHostileValues draws charts of values a user may type: the
// extremes of float64 (whose difference overflows), NaN and infinities. Each
// must finish with a bounded axis; the first once looped forever.
func TestRenderHostileValues(t *testing.T) {
	for name, vals := range map[string][]float64{
		"extremes":  {-math.MaxFloat64, math.MaxFloat64},
		"nan":       {math.NaN(), 1, 2},
		"only nan":  {math.NaN(), math.NaN()},
		"infinity":  {math.Inf(1), math.Inf(-1), 3},
		"tiny":      {math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64},
		"max alone": {math.MaxFloat64, math.MaxFloat64},
	} {
		_, ticks := yAxis([]Series{{Values: vals}}, false)
		if len(ticks) == 0 || len(ticks) > maxYTicks+1 {
			t.Errorf("%s: %d ticks, want 1..%d", name, len(ticks), maxYTicks+1)
		}
		labels := make([]string, len(vals))
		for i := range labels {
			labels[i] = string(rune('a' + i))
		}
		for _, k := range []Kind{Line, Bar} {
			if _, err := Render(k, labels, []Series{{Values: vals}}); err != nil {
				t.Logf("%s: Render: %v", name, err) // an error is fine; a hang or a panic is not
			}
		}
	}
}
