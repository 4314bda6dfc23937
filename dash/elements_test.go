package dash

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDuplicateWidgetKeyIsAnError(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		a := ui.Checkbox("first", true, Key("k"))
		b := ui.Checkbox("second", true, Key("k"))
		ui.Text(fmt.Sprintf("a=%v b=%v", a, b))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("a=true b=true")
	alerts := find(els, kindAlert)
	if len(alerts) != 1 || !strings.Contains(alerts[0].props["text"].(string), `Duplicate widget key "k"`) {
		t.Errorf("want one duplicate-key error element: %s", dump(els))
	}
	if n := len(find(els, kindCheckbox)); n != 1 {
		t.Errorf("%d checkboxes rendered, want only the first", n)
	}
}

func TestSameLabelWidgetsAreDistinct(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		a := ui.Checkbox("x", false)
		b := ui.Checkbox("x", false)
		ui.Text(fmt.Sprintf("a=%v b=%v", a, b))
	})
	c := dial(t, hs, "", "/")
	boxes := find(c.waitText("a=false b=false"), kindCheckbox)
	if len(boxes) != 2 || boxes[0].id == boxes[1].id {
		t.Fatalf("want two checkboxes with distinct ids: %s", dump(boxes))
	}
	c.set(boxes[1].id, true)
	c.waitText("a=false b=true")
}

func TestWidgetKeepsValueWhenElementsAppearAbove(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		if ui.Checkbox("banner", false) {
			ui.Warning("a banner above the slider")
		}
		n := ui.Slider("n", 0, 10, 0)
		ui.Text(fmt.Sprintf("n=%d", n))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("n=0")
	c.set(widgetID(t, els, kindSlider, "n"), 6)
	els = c.waitText("n=6")
	c.set(widgetID(t, els, kindCheckbox, "banner"), true)
	els = c.waitRender("the banner", func(els []element) bool { return len(find(els, kindAlert)) == 1 })
	if !hasText(els, "n=6") {
		t.Errorf("the slider lost its value when an element appeared above it: %s", dump(els))
	}
}

func TestSubmitButtonOutsideFormIsAnError(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Text(fmt.Sprintf("submitted=%v", ui.SubmitButton("Go")))
		ui.Form("f", func(f *UI) {
			f.TextInput("no submit here", "")
		})
		ui.Form("outer", func(f *UI) {
			f.Form("inner", func(*UI) {})
			f.SubmitButton("ok")
		})
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("submitted=false")
	var texts []string
	for _, a := range find(els, kindAlert) {
		texts = append(texts, a.props["text"].(string))
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"SubmitButton(\"Go\") is outside a Form", `Form "f" has no SubmitButton`, "forms cannot be nested"} {
		if !strings.Contains(all, want) {
			t.Errorf("alerts %q: want one containing %q", all, want)
		}
	}
	if n := len(find(els, kindSubmit)); n != 1 {
		t.Errorf("%d submit buttons rendered, want 1 (the one inside a form)", n)
	}
}

func TestSubmitRejectsForeignWidgets(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		outside := ui.TextInput("outside", "")
		ui.Form("f", func(f *UI) {
			f.TextInput("inside", "")
			f.SubmitButton("ok")
		})
		ui.Text("outside=" + outside)
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("outside=")
	outside, submit := widgetID(t, els, kindTextInput, "outside"), widgetID(t, els, kindSubmit, "ok")
	c.send(map[string]any{"type": "submit", "form": "f:f", "id": submit, "values": map[string]any{outside: "sneaky"}})
	if msg := c.expectError(); !strings.Contains(msg, "not an input of that form") {
		t.Errorf("error %q", msg)
	}
	c.send(map[string]any{"type": "trigger", "id": submit})
	if msg := c.expectError(); !strings.Contains(msg, "wrong message") {
		t.Errorf("trigger on a submit button: error %q", msg)
	}
}

func TestStopKeepsOutputSoFar(t *testing.T) {
	var after atomic.Bool
	hs, _ := startPage(t, func(ui *UI) {
		ui.Text("one")
		ui.Stop()
		after.Store(true)
		ui.Text("two")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("one")
	if hasText(els, "two") || after.Load() {
		t.Errorf("code after Stop ran: %s", dump(els))
	}
}

func TestAppGoexitEndsRunLikeStop(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Text("one")
		runtime.Goexit()
	})
	c := dial(t, hs, "", "/")
	c.waitText("one")
}

func TestOnChangeRunsBeforeTheRerun(t *testing.T) {
	var calls atomic.Int32
	hs, _ := startPage(t, func(ui *UI) {
		n := ui.Slider("n", 0, 10, 0, OnChange(func(cb *UI) {
			calls.Add(1)
			cb.State().Set("changed", true)
		}))
		ui.Text(fmt.Sprintf("n=%d changed=%v", n, ValueOr(ui.State(), "changed", false)))
	})
	c := dial(t, hs, "", "/")
	id := widgetID(t, c.waitText("n=0 changed=false"), kindSlider, "n")
	c.set(id, 0) // no change: a rerun, but no callback
	c.waitText("n=0 changed=false")
	c.set(id, 2)
	c.waitText("n=2 changed=true")
	if got := calls.Load(); got != 1 {
		t.Errorf("OnChange called %d times, want 1", got)
	}
}

func TestWidgetValues(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		f := ui.SliderFloat("f", 0, 1, 0.5)
		s := ui.Selectbox("s", []string{"a", "b", "c"}, Index(1))
		n := ui.NumberInput("n", 1.5, Step(0.5))
		ui.Text(fmt.Sprintf("f=%v s=%s n=%v", f, s, n))
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("f=0.5 s=b n=1.5")
	if sb := find(els, kindSelectbox)[0]; sb.props["value"] != 1.0 {
		t.Errorf("selectbox props %v: want the selected index 1", sb.props)
	}
	c.set(widgetID(t, els, kindSlider, "f"), 0.25)
	c.set(widgetID(t, els, kindSelectbox, "s"), 2)
	c.set(widgetID(t, els, kindNumberInput, "n"), -4)
	c.waitText("f=0.25 s=c n=-4")
	c.set(widgetID(t, els, kindSelectbox, "s"), 3)
	if msg := c.expectError(); !strings.Contains(msg, "out of range") {
		t.Errorf("bad option index: error %q", msg)
	}
}

func TestColumnsAndTable(t *testing.T) {
	type row struct {
		Name  string
		Sales int
		skip  int
	}
	hs, _ := startPage(t, func(ui *UI) {
		cols := ui.ColumnsWidths(2, 1)
		cols[0].Text("left")
		cols[1].Metric("m", "1", "")
		ui.Table([]row{{"a", 1, 0}, {"b", 22, 0}})
		ui.Columns(0)
		ui.Text("done")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("done")
	colsEl := find(els, kindColumns)
	if len(colsEl) != 1 {
		t.Fatalf("columns: %s", dump(els))
	}
	col := find(els, kindColumn)
	if len(col) != 2 || col[0].props["width"].(float64) < 0.66 || col[0].depth != 1 {
		t.Errorf("columns: %s", dump(els))
	}
	tbl := find(els, kindTable)[0].props
	if fmt.Sprint(tbl["columns"]) != "[Name Sales]" || fmt.Sprint(tbl["rows"]) != "[[a 1] [b 22]]" || fmt.Sprint(tbl["numeric"]) != "[false true]" {
		t.Errorf("table props = %v", tbl)
	}
	if alerts := find(els, kindAlert); len(alerts) != 1 || !strings.Contains(alerts[0].props["text"].(string), "Columns(0)") {
		t.Errorf("Columns(0): want an error element: %s", dump(els))
	}
}

func TestLongRunSendsPartialFrames(t *testing.T) {
	release := make(chan struct{})
	hs, _ := startServer(t, NewApp().Page("/", "", func(ui *UI) {
		ui.Text("early")
		if ui.Button("slow") {
			select {
			case <-release:
			case <-ui.Context().Done():
			}
		}
		ui.Text("late")
	}), func(srv *server) { srv.flushInterval = 5 * time.Millisecond })
	c := dial(t, hs, "", "/")
	c.click(widgetID(t, c.waitText("late"), kindButton, "slow"))
	for {
		m := c.read()
		if m["type"] != msgRender {
			continue
		}
		els, r := c.apply(m["raw"].(json.RawMessage))
		if r.Running {
			if !hasText(els, "early") || hasText(els, "late") {
				t.Errorf("partial frame: %s", dump(els))
			}
			close(release)
			break
		}
	}
	c.waitText("late")
}

func TestZeroUIIsHarmless(t *testing.T) {
	var ui UI
	ui.Title("x")
	ui.Table([]int{1})
	if ui.Button("b") || ui.Slider("s", 0, 10, 4) != 4 || ui.Selectbox("s", []string{"a", "b"}, Index(1)) != "b" {
		t.Error("a zero UI must return widget defaults")
	}
	ran := false
	ui.Form("f", func(f *UI) { ran = f.SubmitButton("x") == false })
	if !ran {
		t.Error("Form on a zero UI must run its body")
	}
	if cols := ui.Columns(3); len(cols) != 3 {
		t.Errorf("Columns(3) on a zero UI returned %d handles", len(cols))
	}
	if ui.Context() == nil {
		t.Error("Context of a zero UI is nil")
	}
	ui.State().Set("k", 1)
	if v, ok := Value[int](ui.State(), "k"); !ok || v != 1 {
		t.Error("the state of a zero UI does not keep values")
	}
	ui.Stop()
}

func TestOutputElementsProps(t *testing.T) {
	hs, _ := startPage(t, func(ui *UI) {
		ui.Header("h")
		ui.Subheader("s")
		ui.Caption("c")
		ui.Error("e")
		ui.Warning("w")
		ui.Info("i")
		ui.Success("ok")
		ui.Button("b", Help("tip"), Disabled(true))
		ui.Text("end")
	})
	c := dial(t, hs, "", "/")
	els := c.waitText("end")
	var got []string
	for _, e := range els {
		got = append(got, fmt.Sprintf("%s%v", e.kind, e.props))
	}
	want := []string{
		"headermap[text:h]", "subheadermap[text:s]", "captionmap[text:c]",
		"alertmap[level:error text:e]", "alertmap[level:warning text:w]", "alertmap[level:info text:i]",
		"alertmap[level:success text:ok]", "buttonmap[disabled:true help:tip label:b]", "textmap[text:end]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("elements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
