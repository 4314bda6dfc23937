package chart

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"
)

// Bar charts are drawn here rather than with go-chart, whose bar chart
// draws the grid over the bars, puts the x labels below the bottom of its
// own canvas (clipped by the viewBox) and stretches a single bar across the
// whole plot. The layout is simple enough to own: a y axis with round
// ticks, one slot per label, a group of bars per slot.

// Bar chart layout, in SVG units.
const (
	barTop       = 16 // above the highest tick label
	barRight     = 16
	barBottom    = 44 // room for one line of x labels inside the viewBox
	barFontSize  = 12
	barCharWidth = 6.6 // average advance of the sans-serif font at barFontSize
	maxBarWidth  = 56  // a few bars stay bars, not slabs
	barGap       = 2   // between the bars of one group
)

// barLayout is where the bars of a chart go, for drawing and for the
// client's tooltips.
type barLayout struct {
	left, right, top, bottom float64 // the plot area
	slot                     float64 // width per label
	barWidth                 float64
	lo, hi                   float64 // y range
}

func newBarLayout(labels []string, series []Series, tickLabels []string, lo, hi float64) barLayout {
	widest := 0
	for _, t := range tickLabels {
		widest = max(widest, utf8.RuneCountInString(t))
	}
	l := barLayout{
		left:   math.Ceil(float64(widest)*barCharWidth) + 14,
		right:  Width - barRight,
		top:    barTop,
		bottom: Height - barBottom,
		lo:     lo, hi: hi,
	}
	l.slot = (l.right - l.left) / float64(len(labels))
	n := float64(len(series))
	// A group takes at most 70% of its slot, so neighbouring groups stay
	// apart; a bar at most maxBarWidth.
	l.barWidth = math.Max(1, math.Min(maxBarWidth, (l.slot*0.7-barGap*(n-1))/n))
	return l
}

// y maps a value to its SVG y coordinate.
func (l barLayout) y(v float64) float64 {
	return l.bottom - (v-l.lo)/(l.hi-l.lo)*(l.bottom-l.top)
}

// barX returns the left edge of bar j of label i.
func (l barLayout) barX(i, j, n int) float64 {
	group := float64(n)*l.barWidth + float64(n-1)*barGap
	return l.left + (float64(i)+0.5)*l.slot - group/2 + float64(j)*(l.barWidth+barGap)
}

// center returns the x coordinate of label i's slot.
func (l barLayout) center(i int) float64 { return l.left + (float64(i)+0.5)*l.slot }

// renderBars draws a bar chart as SVG: grid first, then bars, then the
// axis line at zero and the labels, all inside the viewBox. labels are
// already escaped for XML.
func renderBars(labels []string, series []Series) []byte {
	yr, yt := yAxis(series, true)
	tickLabels := make([]string, len(yt))
	for i, t := range yt {
		tickLabels[i] = t.Label
	}
	l := newBarLayout(labels, series, tickLabels, yr.Min, yr.Max)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="%d">`,
		Width, Height, Width, Height, barFontSize)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, Width, Height)

	// Grid lines and y tick labels, under the bars.
	b.WriteString(`<g class="grid" stroke="#e3e5ea" stroke-width="1">`)
	for _, t := range yt {
		y := l.y(t.Value)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, l.left, y, l.right, y)
	}
	b.WriteString(`</g><g class="y-labels" fill="#555" text-anchor="end">`)
	for _, t := range yt {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" dy="0.35em">%s</text>`, l.left-8, l.y(t.Value), t.Label)
	}
	b.WriteString(`</g>`)

	// The bars, from zero up (or down, for negative values).
	zero := l.y(math.Max(l.lo, math.Min(0, l.hi)))
	b.WriteString(`<g class="bars">`)
	for i := range labels {
		for j, s := range series {
			v := s.Values[i]
			y := l.y(v)
			top, h := math.Min(y, zero), math.Abs(zero-y)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`,
				l.barX(i, j, len(series)), top, l.barWidth, h, Color(j))
		}
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-width="1"/>`, l.left, zero, l.right, zero)

	// x labels: every n-th one when they would crowd, each cut to its
	// share of the width so neighbours do not overlap.
	every := (len(labels) + maxTicks - 1) / maxTicks
	room := int(l.slot*float64(every)/barCharWidth) - 1
	b.WriteString(`<g class="x-labels" fill="#555" text-anchor="middle">`)
	for i := 0; i < len(labels); i += every {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, l.center(i), l.bottom+barFontSize+8, cut(labels[i], room))
	}
	b.WriteString(`</g></svg>`)
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
