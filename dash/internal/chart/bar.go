package chart

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"
)

// Every kind of chart shares one layout: a y axis with round ticks on the
// left, one slot per label, the label centred under its slot, and a point
// (lines, areas) or a group of bars at the slot's centre. Everything is
// inside the viewBox, and the grid is drawn before the data, so it runs
// behind it.

// Layout constants, in SVG units.
const (
	barTop       = 16 // above the highest tick label
	barRight     = 16
	barBottom    = 44 // room for one line of x labels inside the viewBox
	barFontSize  = 12
	barCharWidth = 6.6 // average advance of the sans-serif font at barFontSize
	maxBarWidth  = 56  // a few bars stay bars, not slabs
	barGap       = 2   // between the bars of one group
)

// layout is where the parts of a chart go, for drawing and for the
// page's tooltips (Positions).
type layout struct {
	left, right, top, bottom float64 // the plot area
	slot                     float64 // width per label
	barWidth                 float64
	lo, hi                   float64 // y range
	ticks                    []tick
}

// newLayout lays out a chart of labels and series; fromZero makes the y
// range include zero (areas and bars, whose filled shapes would otherwise
// exaggerate differences).
func newLayout(labels []string, series []Series, fromZero bool) layout {
	yr, yt := yAxis(series, fromZero)
	widest := 0
	for _, t := range yt {
		widest = max(widest, utf8.RuneCountInString(t.Label))
	}
	l := layout{
		left:   math.Ceil(float64(widest)*barCharWidth) + 14,
		right:  Width - barRight,
		top:    barTop,
		bottom: Height - barBottom,
		lo:     yr.Min, hi: yr.Max,
		ticks: yt,
	}
	l.slot = (l.right - l.left) / float64(len(labels))
	n := float64(len(series))
	// A group takes at most 70% of its slot, so neighbouring groups stay
	// apart; a bar at most maxBarWidth.
	l.barWidth = math.Max(1, math.Min(maxBarWidth, (l.slot*0.7-barGap*(n-1))/n))
	return l
}

// y maps a value to its SVG y coordinate.
func (l layout) y(v float64) float64 {
	return l.bottom - (v-l.lo)/(l.hi-l.lo)*(l.bottom-l.top)
}

// barX returns the left edge of bar j of label i.
func (l layout) barX(i, j, n int) float64 {
	group := float64(n)*l.barWidth + float64(n-1)*barGap
	return l.left + (float64(i)+0.5)*l.slot - group/2 + float64(j)*(l.barWidth+barGap)
}

// center returns the x coordinate of label i's slot.
func (l layout) center(i int) float64 { return l.left + (float64(i)+0.5)*l.slot }

// open writes the SVG's start, background, grid and y tick labels.
func (l layout) open(b *bytes.Buffer) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="%d">`,
		Width, Height, Width, Height, barFontSize)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`, Width, Height)
	b.WriteString(`<g class="grid" stroke="#e3e5ea" stroke-width="1">`)
	for _, t := range l.ticks {
		y := l.y(t.Value)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, l.left, y, l.right, y)
	}
	b.WriteString(`</g><g class="y-labels" fill="#555" text-anchor="end">`)
	for _, t := range l.ticks {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" dy="0.35em">%s</text>`, l.left-8, l.y(t.Value), t.Label)
	}
	b.WriteString(`</g>`)
}

// zero is the y coordinate of the value 0, or of the range's end nearest
// to it: the baseline of bars and areas.
func (l layout) zero() float64 { return l.y(math.Max(l.lo, math.Min(0, l.hi))) }

// close writes the x labels and the SVG's end. Labels are drawn every
// n-th one when they would crowd, each cut to its share of the width so
// neighbours do not overlap.
func (l layout) close(b *bytes.Buffer, labels []string) {
	every := (len(labels) + maxTicks - 1) / maxTicks
	room := int(l.slot*float64(every)/barCharWidth) - 1
	b.WriteString(`<g class="x-labels" fill="#555" text-anchor="middle">`)
	for i := 0; i < len(labels); i += every {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text>`, l.center(i), l.bottom+barFontSize+8, cut(labels[i], room))
	}
	b.WriteString(`</g></svg>`)
}

// renderBars draws a bar chart: one bar per label, or a group of bars per
// label in the series' colours. labels are already escaped for XML.
func renderBars(labels []string, series []Series) []byte {
	l := newLayout(labels, series, true)
	var b bytes.Buffer
	l.open(&b)
	zero := l.zero()
	b.WriteString(`<g class="bars">`)
	for i := range labels {
		for j, s := range series {
			y := l.y(s.Values[i])
			top, h := math.Min(y, zero), math.Abs(zero-y)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`,
				l.barX(i, j, len(series)), top, l.barWidth, h, Color(j))
		}
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-width="1"/>`, l.left, zero, l.right, zero)
	l.close(&b, labels)
	return b.Bytes()
}

// renderLines draws a line chart, or with kind Area each series also
// filled down to zero. labels are already escaped for XML.
func renderLines(kind Kind, labels []string, series []Series) []byte {
	l := newLayout(labels, series, kind == Area)
	var b bytes.Buffer
	l.open(&b)
	b.WriteString(`<g class="lines" fill="none" stroke-width="2" stroke-linejoin="round">`)
	for j, s := range series {
		var pts bytes.Buffer
		for i, v := range s.Values {
			if i > 0 {
				pts.WriteByte(' ')
			}
			fmt.Fprintf(&pts, "%.1f,%.1f", l.center(i), l.y(v))
		}
		if kind == Area {
			zero := l.zero()
			fmt.Fprintf(&b, `<polygon points="%.1f,%.1f %s %.1f,%.1f" fill="%s" fill-opacity="0.24" stroke="none"/>`,
				l.center(0), zero, pts.String(), l.center(len(labels)-1), zero, Color(j))
		}
		fmt.Fprintf(&b, `<polyline points="%s" stroke="%s"/>`, pts.String(), Color(j))
	}
	b.WriteString(`</g>`)
	l.close(&b, labels)
	return b.Bytes()
}

// cut shortens an escaped label to at most n visible characters, ending
// in "…", without splitting an entity such as "&amp;".
func cut(s string, n int) string {
	n = max(n, 2)
	visible, i := 0, 0
	for i < len(s) {
		if visible == n-1 && visibleLen(s[i:]) > 1 {
			return s[:i] + "…"
		}
		if s[i] == '&' {
			if k := bytes.IndexByte([]byte(s[i:]), ';'); k > 0 {
				i += k + 1
				visible++
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		visible++
	}
	return s
}

// visibleLen counts the characters of an escaped string as displayed.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if k := bytes.IndexByte([]byte(s[i:]), ';'); k > 0 {
				i += k + 1
				n++
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
