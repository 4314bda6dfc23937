package dash

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Protocol-level tests of the inputs, outputs, layout containers and the
// data frame: a real WebSocket client (wsclient_test.go) against the
// server, checking the props the browser gets and the values the app gets
// back.

func TestInputWidgets(t *testing.T) {
	day := time.Date(2024, 3, 15, 13, 45, 0, 0, time.UTC)
	hs, _ := startPage(t, func(ui *UI) {
		on := ui.Toggle("on", true)
		lo, hi := ui.SliderRange("range", 0, 100, 80, 20, Step(5))
		txt := ui.TextArea("notes", "a\nb")
		r := ui.Radio("size", []string{"S", "M", "L"}, Index(1))
		ms := ui.MultiSelect("regions", []string{"north", "south", "east"}, []string{"east", "north", "nowhere"})
		d := ui.DateInput("day", day)
		ui.Selectbox("pick", []string{"a", "b"})
		ui.Text(fmt.Sprintf("on=%v range=%d-%d txt=%q r=%s ms=%v d=%s", on, lo, hi, txt, r, ms, d.Format(time.RFC3339)))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText(`on=true range=20-80 txt="a\nb" r=M ms=[north east] d=2024-03-15T00:00:00Z`)

	rs := find(els, kindRangeSlider)[0]
	if fmt.Sprint(rs.props["value"]) != "[20 80]" || rs.props["step"] != 5.0 || rs.props["max"] != 100.0 {
		t.Errorf("range slider props: %s", rs.raw)
	}
	if v := find(els, kindRadio)[0].props["value"]; v != 1.0 {
		t.Errorf("radio value %v, want index 1", v)
	}
	if v := find(els, kindMultiSelect)[0].props["value"]; fmt.Sprint(v) != "[0 2]" {
		t.Errorf("multiselect value %v, want indices [0 2]", v)
	}
	if v := find(els, kindDateInput)[0].props["value"]; v != "2024-03-15" {
		t.Errorf("date value %v", v)
	}

	c.set(widgetID(t, els, kindToggle, "on"), false)
	c.set(widgetID(t, els, kindRangeSlider, "range"), []int{5, 95})
	c.set(widgetID(t, els, kindTextArea, "notes"), "x")
	c.set(widgetID(t, els, kindRadio, "size"), 2)
	c.set(widgetID(t, els, kindMultiSelect, "regions"), []int{2, 1})
	c.set(widgetID(t, els, kindDateInput, "day"), "2025-01-31")
	c.waitText(`on=false range=5-95 txt="x" r=L ms=[south east] d=2025-01-31T00:00:00Z`)

	for _, bad := range []struct {
		kind, label string
		value       any
		want        string
	}{
		{kindRangeSlider, "range", []int{60, 40}, "lo > hi"},
		{kindRangeSlider, "range", []int{0, 101}, "not an integer in"},
		{kindRangeSlider, "range", 5, "want [lo, hi]"},
		{kindRadio, "size", 3, "out of range"},
		{kindMultiSelect, "regions", []int{0, 7}, "out of range"},
		// Beyond int's range: int(1e300) would be negative and pass an
		// int comparison, then index out of range.
		{kindMultiSelect, "regions", []float64{1e300}, "out of range"},
		{kindSelectbox, "pick", 1e300, "out of range"},
		{kindSelectbox, "pick", 2, "out of range"},
		{kindDateInput, "day", "31/01/2025", "YYYY-MM-DD"},
	} {
		c.set(widgetID(t, els, bad.kind, bad.label), bad.value)
		if msg := c.expectError(); !strings.Contains(msg, bad.want) {
			t.Errorf("%s %v: error %q, want it to mention %q", bad.kind, bad.value, msg, bad.want)
		}
	}
}

func TestMultiSelectResultIsTheCallersCopy(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		got := ui.MultiSelect("m", []string{"a", "b"}, []string{"a"})
		shown := fmt.Sprint(got)
		got[0] = "mutated" // must change neither the stored value nor what a rerun sees
		if ui.Button("rerun") {
			shown += " clicked"
		}
		ui.Text(shown)
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("[a]")
	c.set(widgetID(t, els, kindMultiSelect, "m"), []int{1})
	els = c.waitText("[b]")
	c.click(widgetID(t, els, kindButton, "rerun"))
	c.waitText("[b] clicked")
}

func TestOutputElements(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	hs, _ := startPage(t, func(ui *UI) {
		ui.SetPageConfig(PageConfig{Title: " Sales ", Icon: "📈", Wide: true})
		ui.Code("SELECT 1", "sql")
		ui.JSON(map[string]any{"b": []int{1, 2}, "a": "x"})
		ui.JSON(json.RawMessage(`{"z":1}`))
		ui.JSON(func() {}) // cannot be encoded: an error element
		ui.Exception(fmt.Errorf("loading: %w", io.ErrUnexpectedEOF))
		ui.Exception(nil)
		ui.Image(img, "generated")
		ui.Image(pngBytes.Bytes(), "")
		ui.Image([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "")
		ui.Progress(1.7, "done")
		ui.Divider()
		ui.LineChart([]string{"Jan", "Feb"}, Series{Name: "Revenue", Values: []float64{1, 2}}, Series{Name: "Cost", Values: []float64{2, 1}})
		ui.BarChart([]string{"a"}, Series{Values: []float64{3}})
		ui.AreaChart(nil)
		ui.LineChart([]string{"a", "b"}, Series{Values: []float64{1}})
		ui.Text("end")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("end")

	if pc := find(els, kindPageConfig); len(pc) != 1 || string(pc[0].raw) != `{"title":"Sales","icon":"📈","wide":true}` {
		t.Errorf("page config: %s", dump(pc))
	}
	if code := find(els, kindCode)[0]; code.props["code"] != "SELECT 1" || code.props["language"] != "sql" {
		t.Errorf("code: %s", code.raw)
	}
	js := find(els, kindJSON)
	if len(js) != 2 || js[0].props["json"] != "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}" || js[1].props["json"] != "{\n  \"z\": 1\n}" {
		t.Errorf("json: %s", dump(js))
	}
	ev := find(els, kindErrorValue)
	if len(ev) != 1 || ev[0].props["message"] != "loading: unexpected EOF" || ev[0].props["type"] != "*fmt.wrapError" {
		t.Errorf("exception: %s", dump(ev))
	}
	imgs := find(els, kindImage)
	if len(imgs) != 2 || !strings.HasPrefix(imgs[0].props["src"].(string), "data:image/png;base64,") || imgs[0].props["caption"] != "generated" {
		t.Errorf("images: %s", dump(imgs))
	}
	if p := find(els, kindProgress)[0]; p.props["value"] != 1.0 || p.props["text"] != "done" {
		t.Errorf("progress not clamped: %s", p.raw)
	}
	if len(find(els, kindDivider)) != 1 {
		t.Error("no divider")
	}
	charts := find(els, kindChart)
	if len(charts) != 2 {
		t.Fatalf("charts: %s", dump(els))
	}
	if !strings.HasPrefix(charts[0].props["src"].(string), "data:image/svg+xml;base64,") || charts[0].props["kind"] != "line" {
		t.Errorf("line chart: %.200s", charts[0].raw)
	}
	if fmt.Sprint(charts[0].props["legend"]) != "[map[color:#0072b2 name:Revenue] map[color:#e69f00 name:Cost]]" {
		t.Errorf("legend: %v", charts[0].props["legend"])
	}
	if _, ok := charts[1].props["legend"]; ok {
		t.Errorf("an unnamed single series has no legend: %v", charts[1].props)
	}
	var alerts []string
	for _, a := range find(els, kindAlert) {
		alerts = append(alerts, a.props["text"].(string))
	}
	wantAlerts := []string{"JSON: json: unsupported type: func()", "Image: content is text/plain; charset=utf-8, not a PNG, JPEG, GIF, WebP or BMP image", "Chart: series \"\" has 1 values for 2 labels"}
	if fmt.Sprint(alerts) != fmt.Sprint(wantAlerts) {
		t.Errorf("error elements:\n got %q\nwant %q", alerts, wantAlerts)
	}
	if !hasText(els, "No data to chart.") {
		t.Error("an empty chart says so")
	}
}

func TestEmptyAndSpinner(t *testing.T) {
	release := make(chan struct{})
	hs, _ := startPage(t, func(ui *UI) {
		ph := ui.Empty()
		ph.Text("first")
		ph.Progress(0.5, "")
		ph.Text("last")
		ui.Empty() // never written: an empty container
		ui.Spinner("Loading…", func() {
			select {
			case <-release:
			case <-ui.Context().Done():
			}
		})
		ui.Text("loaded")
	})
	c := dial(t, hs, "", "/")
	// While the spinner's function blocks, partial frames show it.
	deadline := time.Now().Add(testTimeout)
	sawSpinner := false
	for !sawSpinner && time.Now().Before(deadline) {
		m := c.read()
		if m["type"] != msgRender {
			continue
		}
		els, _ := c.apply(m["raw"].(json.RawMessage))
		sawSpinner = len(find(els, kindSpinner)) == 1
	}
	if !sawSpinner {
		t.Fatal("the spinner never showed while its function ran")
	}
	close(release)
	els := c.waitText("loaded")
	if len(find(els, kindSpinner)) != 0 {
		t.Errorf("spinner left after its function returned: %s", dump(els))
	}
	empties := find(els, kindEmpty)
	if len(empties) != 3 {
		t.Fatalf("want 3 empty containers (placeholder, unused, spinner's): %s", dump(els))
	}
	var inFirst []element
	for _, e := range els {
		if strings.HasPrefix(e.id, empties[0].id+"/") {
			inFirst = append(inFirst, e)
		}
	}
	if len(inFirst) != 1 || inFirst[0].props["text"] != "last" {
		t.Errorf("the placeholder shows %s, want only the last write", dump(inFirst))
	}
}

func TestLayoutContainers(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		tabs := ui.Tabs("Chart", "Data")
		tabs[0].Text("in chart")
		n := tabs[1].Slider("n", 0, 10, 1)
		ex := ui.Expander("More", true)
		ex.Text(fmt.Sprintf("n=%d", n))
		box := ui.BorderedContainer()
		ui.Text("after box")
		box.Text("in box")
		ui.Container()
		ui.Tabs()
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=1")
	var got []string
	for _, e := range els {
		got = append(got, fmt.Sprintf("%d:%s", e.depth, e.kind))
	}
	want := "[0:tabs 1:tab 2:text 1:tab 2:slider 0:expander 1:text 0:container 1:text 0:text 0:container 0:alert]"
	if fmt.Sprint(got) != want {
		t.Errorf("tree:\n got %v\nwant %s%s", got, want, dump(els))
	}
	if tb := find(els, kindTabs)[0]; fmt.Sprint(tb.props["labels"]) != "[Chart Data]" {
		t.Errorf("tabs props %s", tb.raw)
	}
	if ex := find(els, kindExpander)[0]; ex.props["label"] != "More" || ex.props["expanded"] != true {
		t.Errorf("expander props %s", ex.raw)
	}
	// A widget in a tab keeps its value like any other.
	c.set(widgetID(t, els, kindSlider, "n"), 7)
	c.waitText("n=7")
}

func TestFragmentSendsOnlyItsOwnProps(t *testing.T) {
	var pageRuns atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		pageRuns.Add(1)
		ui.Title("Report")
		ui.Table([][]string{{"k", "v"}, {"a", "1"}})
		ui.Fragment("counter", func(f *UI) {
			n := f.Slider("n", 0, 10, 0)
			f.Text(fmt.Sprintf("n=%d", n))
		})
		ui.Fragment("nil", nil)
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=0")
	if a := find(els, kindAlert); len(a) != 1 || !strings.Contains(a[0].props["text"].(string), "nil function") {
		t.Errorf("nil fragment function: %s", dump(els))
	}
	runs := pageRuns.Load()
	c.set(widgetID(t, els, kindSlider, "n"), 4)
	// Read the raw render of the fragment run: nodes outside the fragment
	// come without props (the browser keeps what it has).
	for {
		m := c.read()
		if m["type"] != msgRender {
			continue
		}
		var r renderMsg
		if err := json.Unmarshal(m["raw"].(json.RawMessage), &r); err != nil {
			t.Fatal(err)
		}
		els, _ := c.apply(m["raw"].(json.RawMessage))
		if !hasText(els, "n=4") {
			continue
		}
		for _, n := range r.Main {
			if n.Kind != kindFragment && n.Props != nil {
				t.Errorf("%s %s outside the fragment was re-sent with props %s", n.Kind, n.ID, n.Props)
			}
		}
		break
	}
	if pageRuns.Load() != runs {
		t.Errorf("the page ran %d more times for a change inside the fragment", pageRuns.Load()-runs)
	}
}

func TestDataFramePaginatesOnTheServer(t *testing.T) {
	type row struct {
		ID    int
		Name  string
		Score float64
	}
	const n = 100_000
	data := make([]row, n)
	for i := range data {
		data[i] = row{ID: i, Name: fmt.Sprintf("r%06d", (i*7919)%n), Score: float64((i * 31) % 1000)}
	}
	hs, _ := startPage(t, func(ui *UI) {
		ui.DataFrame(data, PageSize(10))
		ui.DataFrame([][]string{{"only"}, {"x"}})
		ui.DataFrame(42)
	})
	c := dial(t, hs, "", "/")
	var first []byte
	els := c.waitRender("the data frame", func(els []element) bool { return len(find(els, kindDataFrame)) == 2 })
	df := find(els, kindDataFrame)[0]
	first = df.raw
	if df.props["totalRows"] != float64(n) || len(df.props["rows"].([]any)) != 10 || df.props["pageSize"] != 10.0 {
		t.Fatalf("first page: %.300s", first)
	}
	// One page, not the frame: the props stay small.
	if len(first) > 4<<10 {
		t.Errorf("data frame props are %d bytes for one page of 10 rows", len(first))
	}
	if a := find(els, kindAlert); len(a) != 1 || !strings.Contains(a[0].props["text"].(string), "DataFrame: ") {
		t.Errorf("DataFrame(42): want an error element: %s", dump(a))
	}

	id := df.id
	c.set(id, map[string]any{"page": 2, "sort": 2, "desc": true})
	els = c.waitRender("sorted page 3", func(els []element) bool {
		v := find(els, kindDataFrame)[0].props["value"].(map[string]any)
		return v["page"] == 2.0
	})
	rows := find(els, kindDataFrame)[0].props["rows"].([]any)
	// Scores are i*31 mod 1000: every score occurs 100 times, so sorted
	// descending, rows 20..29 all have score 999.
	for _, r := range rows {
		if r.([]any)[2] != "999" {
			t.Fatalf("page 3 sorted by score descending: %v", rows)
		}
	}
	c.set(id, map[string]any{"page": n / 10, "sort": -1})
	if msg := c.expectError(); !strings.Contains(msg, "out of range") {
		t.Errorf("page past the end: %q", msg)
	}
	c.set(id, map[string]any{"page": 0, "sort": 3})
	if msg := c.expectError(); !strings.Contains(msg, "out of range") {
		t.Errorf("sort by a missing column: %q", msg)
	}
}

func TestPageRowsSortsNumbersNumerically(t *testing.T) {
	tbl := &tableProps{Columns: []string{"n"}, Numeric: []bool{true}, Rows: [][]string{{"10"}, {"9"}, {""}, {"100"}}}
	got := pageRows(tbl, frameView{Sort: 0}, 10)
	if fmt.Sprint(got) != "[[] [9] [10] [100]]" {
		t.Errorf("ascending: %v", got)
	}
	if got := pageRows(tbl, frameView{Sort: 0, Desc: true, Page: 1}, 3); fmt.Sprint(got) != "[[]]" {
		t.Errorf("descending page 2: %v", got)
	}
}

func TestFullTableMergesMapChunks(t *testing.T) {
	rows := make([]map[string]any, maxTableRows+2)
	for i := range rows {
		rows[i] = map[string]any{"a": i}
	}
	// The last chunk (two rows) has a column the first lacks, and text in a.
	rows[len(rows)-2] = map[string]any{"a": "x", "b": 1}
	rows[len(rows)-1] = map[string]any{"a": "x", "b": 1}
	tbl, err := fullTable(rows)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tbl.Columns) != "[a b]" || len(tbl.Rows) != len(rows) || tbl.TotalRows != len(rows) {
		t.Fatalf("columns %v, %d rows", tbl.Columns, len(tbl.Rows))
	}
	if fmt.Sprint(tbl.Numeric) != "[false true]" {
		t.Errorf("numeric %v: a is text in the last chunk", tbl.Numeric)
	}
	if fmt.Sprint(tbl.Rows[0]) != "[0 ]" || fmt.Sprint(tbl.Rows[len(rows)-1]) != "[x 1]" {
		t.Errorf("rows realigned wrongly: %v ... %v", tbl.Rows[0], tbl.Rows[len(rows)-1])
	}
}

func TestZeroUIInputsAndOutputs(t *testing.T) {
	var ui UI
	ran := false
	ui.Spinner("x", func() { ran = true })
	if !ran {
		t.Error("Spinner on a zero UI must still run its function")
	}
	if lo, hi := ui.SliderRange("r", 0, 10, 2, 3); lo != 2 || hi != 3 {
		t.Errorf("SliderRange defaults %d, %d", lo, hi)
	}
	if got := len(ui.Tabs("a", "b")); got != 2 {
		t.Errorf("Tabs on a zero UI: %d handles", got)
	}
	ui.Fragment("f", func(f *UI) { f.Text("x") })
	ui.DataFrame([]int{1})
	if ui.FileUploader("f") != nil || ui.DownloadButton("d", nil, "x", "") {
		t.Error("upload and download widgets on a zero UI return nothing")
	}
	ui.Empty().Text("x")
	ui.LineChart([]string{"a"}, Series{Values: []float64{1}})
}

var errSentinel = errors.New("sentinel")

func TestExceptionShowsWrappedType(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Exception(errSentinel)
		ui.Text("ok")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("ok")
	if ev := find(els, kindErrorValue); len(ev) != 1 || ev[0].props["type"] != "*errors.errorString" {
		t.Errorf("exception: %s", dump(ev))
	}
}

// BenchmarkDataFrame100k measures what a rerun pays to show one sorted
// page of a 100,000-row frame: converting the rows, sorting, cutting the
// page.
func BenchmarkDataFrame100k(b *testing.B) {
	type row struct {
		ID    int
		Name  string
		Score float64
	}
	data := make([]row, 100_000)
	for i := range data {
		data[i] = row{i, fmt.Sprintf("r%06d", (i*7919)%len(data)), float64((i * 31) % 1000)}
	}
	b.ReportAllocs()
	for b.Loop() {
		t, err := fullTable(data)
		if err != nil {
			b.Fatal(err)
		}
		if rows := pageRows(t, frameView{Page: 3, Sort: 2, Desc: true}, 25); len(rows) != 25 {
			b.Fatal(len(rows))
		}
	}
}

func TestInferNumeric(t *testing.T) {
	tbl := &tableProps{
		Columns: []string{"n", "name", "mixed", "blank"},
		Numeric: []bool{false, false, false, false},
		Rows:    [][]string{{"10", "a", "1", ""}, {"", "b", "x", ""}, {"-2.5e3", "c", "2", ""}},
	}
	inferNumeric(tbl)
	if fmt.Sprint(tbl.Numeric) != "[true false false false]" {
		t.Errorf("numeric = %v", tbl.Numeric)
	}
}
