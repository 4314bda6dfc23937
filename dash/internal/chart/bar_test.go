package chart

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

// svgShapes parses the rects and texts of a bar chart.
type svgShapes struct {
	rects []struct{ x, y, w, h float64 }
	texts []struct {
		y    float64
		text string
	}
	order []string // class of each top-level group, in drawing order
}

func parseBars(t *testing.T, svg []byte) svgShapes {
	t.Helper()
	var s svgShapes
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	group := ""
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range el.Attr {
			attr[a.Name.Local] = a.Value
		}
		f := func(k string) float64 {
			v, err := strconv.ParseFloat(attr[k], 64)
			if err != nil && attr[k] != "" {
				t.Fatalf("%s=%q: %v", k, attr[k], err)
			}
			return v
		}
		switch el.Name.Local {
		case "g":
			group = attr["class"]
			s.order = append(s.order, group)
		case "rect":
			if group == "bars" {
				s.rects = append(s.rects, struct{ x, y, w, h float64 }{f("x"), f("y"), f("width"), f("height")})
			}
		case "text":
			var txt string
			if err := d.DecodeElement(&txt, &el); err != nil {
				t.Fatal(err)
			}
			s.texts = append(s.texts, struct {
				y    float64
				text string
			}{f("y"), txt})
		}
	}
	return s
}

// TestBarLayout: the defects go-chart's bar chart had. Labels are inside
// the viewBox, the grid is drawn before (under) the bars, one bar is a
// bar and not the whole width, and bars never overlap.
func TestBarLayout(t *testing.T) {
	for _, c := range []struct {
		name   string
		labels []string
		series []Series
	}{
		{"one bar", []string{"Widgets"}, []Series{{Values: []float64{1200}}}},
		{"five products", []string{"Widgets", "Gadgets", "Gizmos", "Doohickeys", "Thingamajigs"}, []Series{{Values: []float64{5, 40, 12, 33, 7}}}},
		{"groups", []string{"Q1", "Q2", "Q3"}, []Series{{Values: []float64{3, -2, 8}}, {Values: []float64{1, 4, 6}}}},
		{"many", make([]string, 200), []Series{{Values: make([]float64, 200)}}},
	} {
		svg, err := Render(Bar, c.labels, c.series)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wellFormed(t, svg)
		s := parseBars(t, svg)
		if got := strings.Join(s.order, " "); got != "grid y-labels bars x-labels" {
			t.Errorf("%s: drawing order %q, want the grid before the bars", c.name, got)
		}
		if len(s.rects) != len(c.labels)*len(c.series) {
			t.Errorf("%s: %d bars, want %d", c.name, len(s.rects), len(c.labels)*len(c.series))
		}
		for i, r := range s.rects {
			if r.w > maxBarWidth || r.w < 1 || r.x < 0 || r.x+r.w > Width || r.y < 0 || r.y+r.h > Height {
				t.Errorf("%s: bar %d at x=%.1f width %.1f y=%.1f height %.1f: outside the chart or too wide", c.name, i, r.x, r.w, r.y, r.h)
			}
			if i > 0 && r.x < s.rects[i-1].x+s.rects[i-1].w {
				t.Errorf("%s: bar %d overlaps bar %d", c.name, i, i-1)
			}
		}
		for _, tx := range s.texts {
			// The baseline plus the descent of the font stays inside.
			if tx.y+4 > Height || tx.y < 0 {
				t.Errorf("%s: label %q at y=%.1f is outside the %d-high viewBox", c.name, tx.text, tx.y, Height)
			}
		}
	}
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"Widgets", 10, "Widgets"},
		{"Thingamajigs", 6, "Thing…"},
		{"R&amp;D budget", 3, "R&amp;…"},
		{"Ärger", 5, "Ärger"},
	} {
		if got := cut(c.in, c.n); got != c.want {
			t.Errorf("cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
