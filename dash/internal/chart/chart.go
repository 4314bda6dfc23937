// Package chart renders dash's line, area and bar charts to SVG on the
// server, so a page needs no chart library, no CDN and no network access to
// show them. The SVG is drawn here by hand: the layout (a y axis with round
// ticks, one slot per label) is small, and owning it lets the page place
// its tooltips exactly where the points and bars are (Positions).
package chart

import (
	"errors"
	"fmt"
	"html"
	"math"
)

// Kind is the type of chart.
type Kind int

const (
	Line Kind = iota
	Area
	Bar
)

func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case Area:
		return "area"
	case Bar:
		return "bar"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Series is one named sequence of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Size of the rendered SVG's coordinate system. The SVG scales to the
// width of its container in the browser; these set its aspect ratio and
// the size of text relative to the plot.
const (
	Width  = 800
	Height = 320
)

// maxTicks bounds the labels drawn on the x axis; with more points every
// n-th label is drawn so they do not overlap.
const maxTicks = 12

// palette is the series colours, chosen to be told apart by most forms of
// colour blindness (Okabe–Ito).
var palette = []string{
	"#0072b2", "#e69f00", "#009e73", "#d55e00",
	"#cc79a7", "#56b4e9", "#f0e442", "#000000",
}

// Color returns the CSS colour of series i, for a legend drawn next to
// the chart.
func Color(i int) string { return palette[i%len(palette)] }

// ErrNoData is returned for a chart with no labels or no series.
var ErrNoData = errors.New("the chart has no data")

// Render draws the chart as an SVG document. Every series must have one
// finite value per label.
func Render(kind Kind, labels []string, series []Series) ([]byte, error) {
	if len(labels) == 0 || len(series) == 0 {
		return nil, ErrNoData
	}
	for _, s := range series {
		if len(s.Values) != len(labels) {
			return nil, fmt.Errorf("series %q has %d values for %d labels", s.Name, len(s.Values), len(labels))
		}
		for i, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("series %q: value %d (%s) is %v", s.Name, i, labels[i], v)
			}
		}
	}
	// Labels go into the SVG as text: escape them so "R&D" stays
	// well-formed XML and no label can inject markup.
	esc := make([]string, len(labels))
	for i, l := range labels {
		esc[i] = html.EscapeString(l)
	}
	// A line needs two points; a single label is drawn as bars.
	if kind == Bar || len(labels) == 1 {
		return renderBars(esc, series), nil
	}
	return renderLines(kind, esc, series), nil
}

// Positions returns, for each label, the x coordinate of its point or bar
// group as a fraction of the chart's width: where the page shows the
// label's tooltip. It assumes Render accepted the same arguments.
func Positions(kind Kind, labels []string, series []Series) []float64 {
	l := newLayout(labels, series, kind != Line || len(labels) == 1)
	out := make([]float64, len(labels))
	for i := range labels {
		out[i] = l.center(i) / Width
	}
	return out
}

// axisRange is the value range of the y axis.
type axisRange struct{ Min, Max float64 }

// tick is a y axis tick: a value and its label.
type tick struct {
	Value float64
	Label string
}

// yAxis returns the y axis range, rounded out to multiples of a round
// step, and its ticks at those multiples, so the grid lines and the labels
// line up on round numbers. Areas and bars include zero: their filled
// shapes would otherwise exaggerate differences.
func yAxis(series []Series, fromZero bool) (axisRange, []tick) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.Values {
			// Values come from users: NaN and ±Inf have no place on an
			// axis (and would make every bound below NaN).
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		lo, hi = 0, 0 // no finite value
	}
	if fromZero {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	// hi/5 - lo/5, not (hi-lo)/5: the difference of two values near
	// ±MaxFloat64 overflows to +Inf.
	step := niceStep(hi/5 - lo/5)
	if hi == lo {
		// A flat series: go-chart cannot draw a zero-height range.
		step = niceStep(math.Max(math.Abs(hi)/5, 1))
	}
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	lo, hi = math.Max(lo, -math.MaxFloat64), math.Min(hi, math.MaxFloat64) // rounding past the largest float
	if hi == lo {
		hi += step
	}
	var ticks []tick
	// Counting steps, not adding them, keeps float error out of labels.
	// The range spans about five steps; the bound guards against a range
	// that rounding made degenerate.
	for i := 0; i <= maxYTicks; i++ {
		v := lo + float64(i)*step
		if v > hi+step/2 {
			break
		}
		ticks = append(ticks, tick{Value: v, Label: compact(v)})
	}
	return axisRange{Min: lo, Max: hi}, ticks
}

// maxYTicks bounds the ticks of the y axis.
const maxYTicks = 12

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// compact formats axis values briefly: 1.2k, 3.4M.
func compact(v any) string {
	f, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	a := math.Abs(f)
	switch {
	case a >= 1e9:
		return trim(f/1e9) + "G"
	case a >= 1e6:
		return trim(f/1e6) + "M"
	case a >= 1e3:
		return trim(f/1e3) + "k"
	}
	return trim(f)
}

func trim(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
