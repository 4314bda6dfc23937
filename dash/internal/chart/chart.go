// Package chart renders dash's line, area and bar charts to SVG on the
// server with github.com/wcharczuk/go-chart, so a page needs no chart
// library, no CDN and no network access to show them.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"math"

	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
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
var palette = []drawing.Color{
	{R: 0, G: 114, B: 178, A: 255},
	{R: 230, G: 159, B: 0, A: 255},
	{R: 0, G: 158, B: 115, A: 255},
	{R: 213, G: 94, B: 0, A: 255},
	{R: 204, G: 121, B: 167, A: 255},
	{R: 86, G: 180, B: 233, A: 255},
	{R: 240, G: 228, B: 66, A: 255},
	{R: 0, G: 0, B: 0, A: 255},
}

// Color returns the CSS colour of series i, for a legend drawn next to
// the chart.
func Color(i int) string {
	c := palette[i%len(palette)]
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

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
	// go-chart writes text into the SVG as it is: escape the labels so
	// "R&D" stays well-formed XML and no label can inject markup.
	esc := make([]string, len(labels))
	for i, l := range labels {
		esc[i] = html.EscapeString(l)
	}
	var buf bytes.Buffer
	var err error
	// A line needs two points; a single label is drawn as bars.
	if kind == Bar || len(labels) == 1 {
		buf.Write(renderBars(esc, series))
	} else {
		err = lineChart(kind, esc, series).Render(gochart.SVG, &buf)
	}
	if err != nil {
		return nil, fmt.Errorf("rendering the %s chart: %w", kind, err)
	}
	return buf.Bytes(), nil
}

// yAxis returns the y axis range, rounded out to multiples of a round
// step, and its ticks at those multiples, so the grid lines and the labels
// line up on round numbers. Areas and bars include zero: their filled
// shapes would otherwise exaggerate differences.
func yAxis(series []Series, fromZero bool) (*gochart.ContinuousRange, []gochart.Tick) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if fromZero {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	step := niceStep((hi - lo) / 5)
	if hi == lo {
		// A flat series: go-chart cannot draw a zero-height range.
		step = niceStep(math.Max(math.Abs(hi)/5, 1))
	}
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	if hi == lo {
		hi += step
	}
	var ticks []gochart.Tick
	// Counting steps, not adding them, keeps float error out of labels.
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if v > hi+step/2 {
			break
		}
		ticks = append(ticks, gochart.Tick{Value: v, Label: compact(v)})
	}
	return &gochart.ContinuousRange{Min: lo, Max: hi}, ticks
}

func gridLines(ticks []gochart.Tick) []gochart.GridLine {
	out := make([]gochart.GridLine, len(ticks))
	for i, t := range ticks {
		out[i] = gochart.GridLine{Value: t.Value}
	}
	return out
}

func ticks(labels []string) []gochart.Tick {
	every := (len(labels) + maxTicks - 1) / maxTicks
	out := make([]gochart.Tick, 0, maxTicks+1)
	for i := 0; i < len(labels); i += every {
		out = append(out, gochart.Tick{Value: float64(i), Label: labels[i]})
	}
	return out
}

func lineChart(kind Kind, labels []string, series []Series) gochart.Chart {
	xs := make([]float64, len(labels))
	for i := range xs {
		xs[i] = float64(i)
	}
	yr, yt := yAxis(series, kind == Area)
	c := gochart.Chart{
		Width:  Width,
		Height: Height,
		Background: gochart.Style{Padding: gochart.Box{
			Top: 16, Left: 8, Right: 24, Bottom: 8,
		}},
		XAxis: gochart.XAxis{
			Ticks: ticks(labels),
			Range: &gochart.ContinuousRange{Min: 0, Max: math.Max(1, float64(len(labels)-1))},
		},
		YAxis: gochart.YAxis{
			Range:          yr,
			Ticks:          yt,
			GridMajorStyle: gochart.Style{StrokeColor: drawing.ColorFromHex("e3e5ea"), StrokeWidth: 1},
			GridLines:      gridLines(yt),
		},
	}
	for i, s := range series {
		col := palette[i%len(palette)]
		style := gochart.Style{StrokeColor: col, StrokeWidth: 2, DotWidth: 0}
		if kind == Area {
			style.FillColor = col.WithAlpha(60)
		}
		c.Series = append(c.Series, gochart.ContinuousSeries{
			Name: html.EscapeString(s.Name), XValues: xs, YValues: s.Values, Style: style,
		})
	}
	return c
}

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
