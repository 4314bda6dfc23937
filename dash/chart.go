package dash

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/dashvet/dashvet/dash/internal/chart"
)

const kindChart = "chart"

// Series is one named line, area or set of bars of a chart: one value per
// label of the chart.
type Series struct {
	Name   string
	Values []float64
}

type chartProps struct {
	Kind   string        `json:"kind"`
	Src    string        `json:"src"` // the SVG as a data: URL
	Legend []legendEntry `json:"legend,omitempty"`
	Tips   chartTips     `json:"tips"`
}

// chartTips is what the page's tooltips show: for the label nearest the
// pointer (or chosen with the arrow keys), each series' value. The SVG is
// an image, so the page cannot read it; the positions say where each
// label's point or bar group is.
type chartTips struct {
	Labels []string    `json:"labels"`
	X      []float64   `json:"x"` // each label's x, as a fraction of the chart's width
	Series []tipSeries `json:"series"`
}

type tipSeries struct {
	Name   string   `json:"name"`
	Color  string   `json:"color"`
	Values []string `json:"values"` // formatted for reading: "12,345.6"
}

type legendEntry struct {
	Name  string `json:"name"`
	Color string `json:"color"`
}

// LineChart draws series as lines over labels (the x axis, in order):
//
//	ui.LineChart(months, dash.Series{Name: "Revenue", Values: revenue})
//
// Charts are drawn on the server as SVG; the page loads no chart library.
func (ui *UI) LineChart(labels []string, series ...Series) { ui.chart(chart.Line, labels, series) }

// AreaChart draws series as filled areas over labels.
func (ui *UI) AreaChart(labels []string, series ...Series) { ui.chart(chart.Area, labels, series) }

// BarChart draws one bar per label, or a group of bars per label with
// several series.
func (ui *UI) BarChart(labels []string, series ...Series) { ui.chart(chart.Bar, labels, series) }

func (ui *UI) chart(kind chart.Kind, labels []string, series []Series) {
	if !ui.enter() {
		return
	}
	cs := make([]chart.Series, len(series))
	for i, s := range series {
		cs[i] = chart.Series{Name: s.Name, Values: s.Values}
	}
	props, err := drawChart(ui.Context(), kind, labels, cs)
	if err != nil {
		switch {
		case ui.Context().Err() != nil:
			ui.enter() // the run was superseded while it waited: this ends it
		case errors.Is(err, chart.ErrNoData):
			ui.emit(kindCaption, textProps{Text: "No data to chart."})
		default:
			ui.alert("error", "Chart: "+err.Error())
		}
		return
	}
	ui.appendNode("", kindChart, props.Bytes(), props)
}

// tipValue formats a chart value for its tooltip: whole numbers with
// thousands separators ("1,234,567"), others with up to two decimals.
func tipValue(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}
