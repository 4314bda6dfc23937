package dash

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/http"
	"strings"
)

// Element kinds of the output elements in this file.
const (
	kindCode       = "code"
	kindJSON       = "json"
	kindImage      = "image"
	kindProgress   = "progress"
	kindSpinner    = "spinner"
	kindDivider    = "divider"
	kindEmpty      = "empty"
	kindPageConfig = "page_config"
	kindErrorValue = "error_value"
)

// maxImageBytes bounds an image sent inline with the page. Larger images
// belong on a static file server; inlining them would make every render
// that shows them that large.
const maxImageBytes = 8 << 20

type codeProps struct {
	Code     string `json:"code"`
	Language string `json:"language,omitempty"`
}

type jsonProps struct {
	JSON string `json:"json"` // indented JSON text
}

type imageProps struct {
	Src     string `json:"src"` // a data: URL
	Caption string `json:"caption,omitempty"`
	Width   int    `json:"width,omitempty"`
}

type progressProps struct {
	Value float64 `json:"value"` // 0..1
	Text  string  `json:"text,omitempty"`
}

type errorValueProps struct {
	Message string `json:"message"`
	Type    string `json:"type"` // the error's Go type, such as *fs.PathError
}

type pageConfigProps struct {
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
	Wide  bool   `json:"wide,omitempty"`
}

// Code shows source code in a monospaced block; language ("go", "sql", ...)
// labels it and may be "".
func (ui *UI) Code(code, language string) {
	ui.emit(kindCode, codeProps{Code: code, Language: language})
}

// JSON shows v as indented, collapsible JSON. A value that cannot be
// encoded shows an error element instead.
func (ui *UI) JSON(v any) {
	if !ui.enter() {
		return
	}
	var b []byte
	var err error
	if raw, ok := v.(json.RawMessage); ok {
		var buf bytes.Buffer
		if err = json.Indent(&buf, raw, "", "  "); err == nil {
			b = buf.Bytes()
		}
	} else {
		b, err = json.MarshalIndent(v, "", "  ")
	}
	if err != nil {
		ui.alert("error", "JSON: "+err.Error())
		return
	}
	ui.emit(kindJSON, jsonProps{JSON: string(b)})
}

// Exception shows err in an error box with its Go type, without stopping
// the run. A nil err shows nothing.
func (ui *UI) Exception(err error) {
	if err == nil {
		return
	}
	ui.emit(kindErrorValue, errorValueProps{Message: err.Error(), Type: fmt.Sprintf("%T", err)})
}

// Image shows an image: encoded bytes ([]byte of a PNG, JPEG, GIF or WebP,
// recognised by content) or an image.Image (encoded as PNG). caption may be
// "". Images are sent inline, up to 8 MiB.
func (ui *UI) Image(img any, caption string) {
	if !ui.enter() {
		return
	}
	src, err := imageDataURL(img)
	if err != nil {
		ui.alert("error", "Image: "+err.Error())
		return
	}
	ui.emit(kindImage, imageProps{Src: src, Caption: caption})
}

func imageDataURL(img any) (string, error) {
	var data []byte
	switch v := img.(type) {
	case []byte:
		data = v
	case image.Image:
		var buf bytes.Buffer
		if err := png.Encode(&buf, v); err != nil {
			return "", fmt.Errorf("encoding PNG: %w", err)
		}
		data = buf.Bytes()
	case nil:
		return "", fmt.Errorf("nil image")
	default:
		return "", fmt.Errorf("want []byte or image.Image, got %T", img)
	}
	if len(data) > maxImageBytes {
		return "", fmt.Errorf("image of %d bytes exceeds the inline limit of %d", len(data), maxImageBytes)
	}
	// The type comes from the bytes, never from a name: an SVG or HTML
	// document passed as an "image" is refused rather than inlined.
	ct := http.DetectContentType(data)
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
	default:
		return "", fmt.Errorf("content is %s, not a PNG, JPEG, GIF, WebP or BMP image", ct)
	}
	return "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data), nil
}

// Progress shows a progress bar filled to fraction (clamped to [0, 1])
// with an optional text. To move it during a long run, draw it in an
// Empty placeholder and draw it again.
func (ui *UI) Progress(fraction float64, text string) {
	if math.IsNaN(fraction) {
		fraction = 0
	}
	ui.emit(kindProgress, progressProps{Value: math.Max(0, math.Min(1, fraction)), Text: text})
}

// Divider draws a horizontal rule.
func (ui *UI) Divider() { ui.emit(kindDivider, nil) }

// Empty returns a placeholder: every element written to it replaces what
// it showed before, so a later call updates it in place (a progress bar, a
// status line, a result that replaces its spinner). Written to nothing, it
// shows nothing.
func (ui *UI) Empty() *UI {
	return ui.emitContainer(kindEmpty, nil)
}

// clear empties a placeholder returned by Empty.
func (ui *UI) clear() {
	if !ui.enter() || ui.c == nil || ui.c.kind != kindEmpty {
		return
	}
	ui.r.mu.Lock()
	ui.c.children = nil
	ui.r.version++
	ui.r.mu.Unlock()
}

// Spinner shows an animated spinner with text while fn runs, then removes
// it. Long runs are sent to the browser as they go, so a slow cache miss
// inside fn shows the spinner instead of a frozen page:
//
//	ui.Spinner("Loading orders…", func() { orders, err = ordersCache.Get(ctx, f) })
func (ui *UI) Spinner(text string, fn func()) {
	if !ui.enter() {
		fn()
		return
	}
	ph := ui.Empty()
	ph.emit(kindSpinner, textProps{Text: text})
	fn()
	ph.clear()
}

// PageConfig configures how the page is shown; see SetPageConfig.
type PageConfig struct {
	Title string // the browser tab's title; default the page's title
	Icon  string // an emoji shown as the tab's icon
	Wide  bool   // use the full width of the window for the main area
}

// SetPageConfig sets the browser tab's title and icon and the page's
// width for the current run. Call it once, early; the last call wins.
func (ui *UI) SetPageConfig(cfg PageConfig) {
	// Only an emoji or a short symbol makes sense as an icon; anything
	// longer would be a layout accident in the favicon.
	if n := len([]rune(cfg.Icon)); n > 8 {
		cfg.Icon = string([]rune(cfg.Icon)[:8])
	}
	cfg.Title = strings.TrimSpace(cfg.Title)
	ui.emit(kindPageConfig, pageConfigProps(cfg))
}
