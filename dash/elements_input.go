package dash

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// Element kinds of the input widgets in this file.
const (
	kindToggle      = "toggle"
	kindRangeSlider = "range_slider"
	kindTextArea    = "text_area"
	kindRadio       = "radio"
	kindMultiSelect = "multiselect"
	kindDateInput   = "date_input"
)

// dateLayout is how a DateInput's value travels: the format of an HTML
// <input type=date>.
const dateLayout = "2006-01-02"

// Toggle is a Checkbox drawn as a switch: it returns whether it is on; def
// is the initial state.
func (ui *UI) Toggle(label string, def bool, opts ...WidgetOption) bool {
	return widget(ui, widgetSpec[bool]{
		kind: kindToggle, label: label, def: def, cfg: widgetOptions(opts),
		decode: decodeBool,
	})
}

// SliderRange is a slider with two handles: it returns the selected range
// lo <= hi within [min, max]; defLo and defHi are the initial ends and Step
// the increment (default 1).
func (ui *UI) SliderRange(label string, min, max, defLo, defHi int, opts ...WidgetOption) (lo, hi int) {
	cfg := widgetOptions(opts)
	if min > max {
		min, max = max, min
	}
	step := 1
	if cfg.step >= 1 {
		step = int(cfg.step)
	}
	clamp := func(v [2]int) [2]int {
		a, b := max2(min, min2(max, v[0])), max2(min, min2(max, v[1]))
		if a > b {
			a, b = b, a
		}
		return [2]int{a, b}
	}
	v := widget(ui, widgetSpec[[2]int]{
		kind: kindRangeSlider, label: label, def: clamp([2]int{defLo, defHi}), cfg: cfg,
		decode: func(raw json.RawMessage) ([2]int, error) {
			var fs []float64
			if err := json.Unmarshal(raw, &fs); err != nil || len(fs) != 2 {
				return [2]int{}, fmt.Errorf("want [lo, hi]: got %.40s", raw)
			}
			for _, f := range fs {
				if f != math.Trunc(f) || f < float64(min) || f > float64(max) {
					return [2]int{}, fmt.Errorf("%v is not an integer in [%d, %d]", f, min, max)
				}
			}
			if fs[0] > fs[1] {
				return [2]int{}, fmt.Errorf("range [%v, %v] has lo > hi", fs[0], fs[1])
			}
			return [2]int{int(fs[0]), int(fs[1])}, nil
		},
		fix:   clamp,
		props: func() map[string]any { return map[string]any{"min": min, "max": max, "step": step} },
	})
	return v[0], v[1]
}

// TextArea returns multi-line text; def is the initial text.
func (ui *UI) TextArea(label, def string, opts ...WidgetOption) string {
	return widget(ui, widgetSpec[string]{
		kind: kindTextArea, label: label, def: def, cfg: widgetOptions(opts),
		decode: decodeString(0),
	})
}

// Radio returns the chosen option of a group of radio buttons; Index picks
// the default (0). With no options it returns "".
func (ui *UI) Radio(label string, options []string, opts ...WidgetOption) string {
	cfg := widgetOptions(opts)
	def := defaultOption(options, &cfg)
	choices := slices.Clone(options) // the app may reuse its slice
	return widget(ui, widgetSpec[string]{
		kind: kindRadio, label: label, def: def, cfg: cfg,
		decode: func(raw json.RawMessage) (string, error) {
			i, err := decodeIndex(raw, len(choices))
			if err != nil {
				return "", err
			}
			return choices[i], nil
		},
		fix: func(v string) string {
			if slices.Contains(choices, v) {
				return v
			}
			return def
		},
		props: func() map[string]any { return map[string]any{"options": choices} },
		wire:  func(v string) any { return slices.Index(choices, v) },
	})
}

// MultiSelect returns the chosen options, in the order of options; def are
// the initially chosen ones (those not among options are ignored). The
// returned slice is the caller's to keep or modify.
func (ui *UI) MultiSelect(label string, options, def []string, opts ...WidgetOption) []string {
	cfg := widgetOptions(opts)
	choices := slices.Clone(options)
	// A selection is kept as a sorted list of option indices, so the value
	// compares equal however the client ordered it and survives the options
	// being relabelled by index.
	fix := func(v []string) []string {
		out := []string{}
		for _, o := range choices {
			if slices.Contains(v, o) && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
		return out
	}
	v := widget(ui, widgetSpec[[]string]{
		kind: kindMultiSelect, label: label, def: fix(def), cfg: cfg,
		decode: func(raw json.RawMessage) ([]string, error) {
			var idx []float64
			if err := json.Unmarshal(raw, &idx); err != nil {
				return nil, fmt.Errorf("want a list of option indices: %w", err)
			}
			chosen := make([]bool, len(choices))
			for _, f := range idx {
				// Compared as floats: int(1e300) is out of int's range.
				if f != math.Trunc(f) || f < 0 || f >= float64(len(choices)) {
					return nil, fmt.Errorf("option index %v out of range [0, %d)", f, len(choices))
				}
				chosen[int(f)] = true
			}
			out := []string{}
			for i, c := range chosen {
				if c {
					out = append(out, choices[i])
				}
			}
			return out, nil
		},
		fix:   fix,
		props: func() map[string]any { return map[string]any{"options": choices} },
		wire: func(v []string) any {
			idx := []int{}
			for i, o := range choices {
				if slices.Contains(v, o) {
					idx = append(idx, i)
				}
			}
			return idx
		},
	})
	return slices.Clone(v)
}

// DateInput returns a calendar date (midnight in def's location); def is
// the initial date. The zero def means today.
func (ui *UI) DateInput(label string, def time.Time, opts ...WidgetOption) time.Time {
	if def.IsZero() {
		def = time.Now()
	}
	loc := def.Location()
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	return widget(ui, widgetSpec[time.Time]{
		kind: kindDateInput, label: label, def: day(def), cfg: widgetOptions(opts),
		decode: func(raw json.RawMessage) (time.Time, error) {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return time.Time{}, fmt.Errorf("want a date string: %w", err)
			}
			t, err := time.ParseInLocation(dateLayout, s, loc)
			if err != nil {
				return time.Time{}, fmt.Errorf("want a date as YYYY-MM-DD: %w", err)
			}
			return t, nil
		},
		wire: func(t time.Time) any { return t.Format(dateLayout) },
	})
}

// decodeIndex reads an option index in [0, n).
func decodeIndex(raw json.RawMessage, n int) (int, error) {
	f, err := decodeFloat(raw)
	if err != nil {
		return 0, fmt.Errorf("want an option index: %w", err)
	}
	if f != math.Trunc(f) || f < 0 || f >= float64(n) {
		return 0, fmt.Errorf("option index %v out of range [0, %d)", f, n)
	}
	return int(f), nil
}
