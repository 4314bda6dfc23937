package dash

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
)

// widgetMeta is what the session knows about a widget the client may
// interact with: how to validate a value the client sends for it, which
// form holds it, and the callback to run when it changes.
type widgetMeta struct {
	kind     string
	form     string // id of the enclosing form, "" outside forms
	fragment string // id of the enclosing fragment, "" outside fragments
	trigger  bool   // a button: clicks, not values
	decode   func(json.RawMessage) (any, error)
	onChange func(*UI)
	current  any // the value the last run that emitted it rendered
	// upload reads a file upload for the widget (see serveUpload); nil
	// for widgets that take no uploads.
	upload func(*http.Request) (any, error)
	// serve answers GET requests for the widget's file (a DownloadButton,
	// see serveDownload); nil for other widgets.
	serve http.HandlerFunc
}

// widgetSpec describes a value widget to the engine. Widget methods in this
// and other files fill one in and call widget; the engine does identity,
// value lookup, validation, and emission.
type widgetSpec[T any] struct {
	kind  string
	label string
	def   T
	cfg   widgetConfig
	// decode turns a value sent by the client into a T, rejecting anything
	// the widget could not have produced (out of range, unknown option).
	decode func(json.RawMessage) (T, error)
	// fix brings a stored value back within the widget's current bounds,
	// which the app may have changed since the value was set. Optional.
	fix func(T) T
	// props returns the kind-specific props; the engine adds label, help,
	// disabled and value.
	props func() map[string]any
	// wire converts the value for the client when T does not marshal as the
	// client expects (a Selectbox sends its index). Optional.
	wire func(T) any
	// upload reads a file posted to the upload endpoint for this widget
	// (see serveUpload). The request body is already bounded by
	// MaxUploadSize. Only for upload widgets.
	upload func(*http.Request) (T, error)
}

// widget registers a value widget in the run and returns its current value:
// the last value the client sent for it, or the default.
func widget[T any](ui *UI, s widgetSpec[T]) T {
	if !ui.enter() {
		return s.def
	}
	id, ok := ui.claimWidget(s.kind, s.label, s.cfg.key)
	if !ok {
		return s.def
	}
	r := ui.r
	v := s.def
	r.mu.Lock()
	if raw, present := r.values[id]; present {
		if tv, ok := raw.(T); ok {
			v = tv
		}
	}
	r.mu.Unlock()
	if s.fix != nil {
		v = s.fix(v)
	}
	decode := s.decode
	meta := &widgetMeta{
		kind:     s.kind,
		form:     ui.formID(),
		fragment: ui.frag,
		decode: func(raw json.RawMessage) (any, error) {
			// The client never sends null; encoding/json would decode it
			// as a no-op, making it the zero value (a slider at 0, whatever
			// its range).
			if string(bytes.TrimSpace(raw)) == "null" {
				return nil, errNullValue
			}
			return decode(raw)
		},
		onChange: s.cfg.onChange,
		current:  v,
	}
	if up := s.upload; up != nil {
		meta.upload = func(r *http.Request) (any, error) { return up(r) }
	}
	ui.setWidgetMeta(id, meta)
	props := map[string]any{}
	if s.props != nil {
		props = s.props()
	}
	var wv any = v
	if s.wire != nil {
		wv = s.wire(v)
	}
	props["value"] = wv
	ui.addNode(id, s.kind, commonProps(props, s.label, s.cfg))
	return v
}

// triggerWidget registers a button-like widget and reports whether this
// run owns a click on it. A click is consumed by the first run that asks
// for it, so exactly one run sees true.
func (ui *UI) triggerWidget(kind, label string, cfg widgetConfig, props map[string]any) bool {
	if !ui.enter() {
		return false
	}
	id, ok := ui.claimWidget(kind, label, cfg.key)
	if !ok {
		return false
	}
	r := ui.r
	r.mu.Lock()
	fired := r.triggers[id]
	delete(r.triggers, id)
	r.mu.Unlock()
	ui.setWidgetMeta(id, &widgetMeta{kind: kind, form: ui.formID(), fragment: ui.frag, trigger: true, onChange: cfg.onChange, current: false})
	if props == nil {
		props = map[string]any{}
	}
	ui.addNode(id, kind, commonProps(props, label, cfg))
	return fired
}

func commonProps(props map[string]any, label string, cfg widgetConfig) map[string]any {
	props["label"] = label
	if cfg.help != "" {
		props["help"] = cfg.help
	}
	if cfg.disabled {
		props["disabled"] = true
	}
	return props
}

func (ui *UI) formID() string {
	if ui.form == nil {
		return ""
	}
	return ui.form.id
}

// claimWidget computes the widget's id and reserves it in the run. A widget
// with a Key is "k:<key>"; two of them with the same key in one run are an
// error, reported as an error element in place of the second. A widget
// without a Key is identified by its kind, label, form or fragment and its
// ordinal among widgets of the same kind and label there: it keeps its value
// when unrelated elements appear or disappear around it, and a fragment
// rerun, which sees only the fragment's widgets, computes the same ids as
// the full run.
func (ui *UI) claimWidget(kind, label, key string) (string, bool) {
	r := ui.r
	form := ui.formID()
	r.mu.Lock()
	var id string
	if key != "" {
		id = "k:" + key
		if _, dup := r.widgets[id]; dup {
			r.mu.Unlock()
			ui.addNode("", kindAlert, alertProps{Level: "error", Text: fmt.Sprintf(
				"Duplicate widget key %q: two widgets in one run have Key(%q); give each a distinct key.", key, key)})
			return "", false
		}
	} else {
		ck := kind + "\x00" + label + "\x00" + form + "\x00" + ui.frag
		n := r.ordinals[ck]
		r.ordinals[ck] = n + 1
		h := fnv.New64a()
		h.Write([]byte(ck))
		h.Write([]byte{0})
		h.Write(strconv.AppendInt(nil, int64(n), 10))
		id = "w" + strconv.FormatUint(h.Sum64(), 36)
	}
	r.widgets[id] = nil // reserved; setWidgetMeta fills it in
	r.mu.Unlock()
	return id, true
}

func (ui *UI) setWidgetMeta(id string, m *widgetMeta) {
	ui.r.mu.Lock()
	ui.r.widgets[id] = m
	ui.r.mu.Unlock()
}

// --- decoders shared by the part-1 widgets ---

func decodeBool(raw json.RawMessage) (bool, error) {
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, fmt.Errorf("want a boolean: %w", err)
	}
	return b, nil
}

func decodeFloat(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("want a number: %w", err)
	}
	return f, nil
}

func decodeString(maxLen int) func(json.RawMessage) (string, error) {
	return func(raw json.RawMessage) (string, error) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("want a string: %w", err)
		}
		if maxLen > 0 && len(s) > maxLen {
			return "", fmt.Errorf("text of %d bytes exceeds the limit of %d", len(s), maxLen)
		}
		return s, nil
	}
}

// errNullValue rejects a null sent as a widget's value.
var errNullValue = errors.New("null is not a value for this widget")
