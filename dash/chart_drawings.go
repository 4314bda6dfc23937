package dash

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/dashvet/dashvet/dash/internal/blobs"
	"github.com/dashvet/dashvet/dash/internal/cachecore"
	"github.com/dashvet/dashvet/dash/internal/chart"
)

// chartDrawings remembers the finished props of recently drawn charts (SVG,
// tooltips, legend) by their exact inputs. A dashboard draws the same chart
// of shared, cached data for every session and every rerun, and drawing is
// the costliest element of a typical page, so identical inputs are drawn
// once: concurrent misses share one drawing (a fresh server's sessions
// used to draw the same chart side by side, the long tail of their first
// runs), which runs on a goroutine of its own and finishes for the others
// when one caller's run is superseded. The props are a shared frame part:
// every session showing the chart holds the one copy.
var chartDrawings = cachecore.New(cachecore.Config[string, chartDrawing]{
	Name:       "dash.charts",
	MaxEntries: maxChartDrawings,
	MaxBytes:   maxChartDrawingBytes,
	Store:      func(d chartDrawing) (chartDrawing, int64, error) { return d, d.size, nil },
})

// The bound of chartDrawings, keys (the inputs) included.
const (
	maxChartDrawings     = 256
	maxChartDrawingBytes = 32 << 20
)

// testHookDraw, when set, runs at the start of every drawing with its key:
// tests hold a drawing with it to see who waits for it.
var testHookDraw atomic.Pointer[func(key string)]

type chartDrawing struct {
	props *blobs.Blob
	size  int64 // of the props and the key
}

// drawChart returns the props of a chart, drawn or remembered. It returns
// ctx's error if ctx ends first; the drawing goes on for other callers.
func drawChart(ctx context.Context, kind chart.Kind, labels []string, series []chart.Series) (*blobs.Blob, error) {
	key := chart.Key(kind, labels, series)
	// The drawing may outlive this caller, whose app could then reuse its
	// slices: it draws from copies.
	labels = slices.Clone(labels)
	series = slices.Clone(series)
	for i := range series {
		series[i].Values = slices.Clone(series[i].Values)
	}
	d, err := chartDrawings.Get(ctx, key, func(context.Context, string) (chartDrawing, error) {
		if hook := testHookDraw.Load(); hook != nil {
			(*hook)(key)
		}
		raw, err := chartPropsJSON(kind, labels, series)
		if err != nil {
			return chartDrawing{}, err
		}
		p := frameParts.Intern(raw)
		return chartDrawing{props: p, size: int64(p.Len() + len(key))}, nil
	})
	return d.props, err
}

// chartPropsJSON draws a chart and encodes its props.
func chartPropsJSON(kind chart.Kind, labels []string, series []chart.Series) ([]byte, error) {
	svg, err := chart.Render(kind, labels, series)
	if err != nil {
		return nil, err
	}
	p := chartProps{Kind: kind.String(), Src: "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)}
	p.Tips = chartTips{Labels: labels, X: chart.Positions(kind, labels, series)}
	for i, s := range series {
		ts := tipSeries{Name: s.Name, Color: chart.Color(i), Values: make([]string, len(s.Values))}
		for j, v := range s.Values {
			ts.Values[j] = tipValue(v)
		}
		p.Tips.Series = append(p.Tips.Series, ts)
	}
	if len(series) > 1 || (len(series) == 1 && series[0].Name != "") {
		for i, s := range series {
			p.Legend = append(p.Legend, legendEntry{Name: s.Name, Color: chart.Color(i)})
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding chart props: %w", err)
	}
	return raw, nil
}
