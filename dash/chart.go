package dash

import (
	"encoding/base64"
	"errors"

	"github.com/dashvet/dashvet/dash/internal/chart"
)

const kindChart = "chart"

// charts remembers recently drawn charts across sessions: the same chart of
// shared, cached data is otherwise drawn again on every rerun of every
// session. 256 charts or 32 MiB at most.
var charts = chart.NewMemo(256, 32<<20)

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
	svg, err := charts.Render(kind, labels, cs)
	if err != nil {
		if errors.Is(err, chart.ErrNoData) {
			ui.emit(kindCaption, textProps{Text: "No data to chart."})
			return
		}
		ui.alert("error", "Chart: "+err.Error())
		return
	}
	p := chartProps{Kind: kind.String(), Src: "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)}
	if len(series) > 1 || (len(series) == 1 && series[0].Name != "") {
		for i, s := range series {
			p.Legend = append(p.Legend, legendEntry{Name: s.Name, Color: chart.Color(i)})
		}
	}
	ui.emit(kindChart, p)
}
