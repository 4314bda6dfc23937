// Package browsertest drives a real headless Chromium with chromedp for
// dash's end-to-end tests: it finds the browser (skipping the test with
// install instructions when there is none), starts it isolated (fresh
// profile, no network services of its own), and saves a screenshot when a
// step fails.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds one test's use of the browser.
const Timeout = 60 * time.Second

// candidates are the names Chromium goes by; DASH_CHROMIUM overrides them.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// FindChromium returns the path of a Chromium-based browser, or "".
func FindChromium() string {
	if p := os.Getenv("DASH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one headless browser tab for one test.
type Browser struct {
	t   testing.TB
	ctx context.Context
	// FailureDir is where a screenshot of the page is saved when Run
	// fails: $DASH_BROWSER_FAILURES, or testdata/failures of the test's
	// package.
	FailureDir string
}

// New starts a headless Chromium for t, or skips t when none is installed.
// The browser ends with the test.
func New(t testing.TB) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	path := FindChromium()
	if path == "" {
		t.Skip("browser test: no Chromium found; install it (Debian/Ubuntu: apt-get install chromium) or set DASH_CHROMIUM to its path")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // containers run as root without user namespaces
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), // small /dev/shm in containers
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, Timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, so a browser that cannot start fails here
	// with its own error rather than in the first step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	dir := os.Getenv("DASH_BROWSER_FAILURES")
	if dir == "" {
		dir = filepath.Join("testdata", "failures")
	}
	return &Browser{t: t, ctx: ctx, FailureDir: dir}
}

// Context is the tab's context, for chromedp calls not wrapped here.
func (b *Browser) Context() context.Context { return b.ctx }

// Run performs actions; if one fails, it saves a screenshot and fails the
// test with what was being done.
func (b *Browser) Run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.Fail(fmt.Sprintf("%s: %v", what, err))
	}
}

// Fail saves a screenshot of the page and fails the test with msg.
func (b *Browser) Fail(msg string) {
	b.t.Helper()
	if shot := b.saveScreenshot(); shot != "" {
		msg += "\nscreenshot of the page: " + shot
	}
	b.t.Fatal(msg)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (b *Browser) saveScreenshot() string {
	// The test's context may be what failed (a timeout): take the shot
	// with a short context of its own on the same tab.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG
	if err != nil || len(png) == 0 {
		b.t.Logf("no screenshot: %v", err)
		return ""
	}
	if err := os.MkdirAll(b.FailureDir, 0o755); err != nil {
		b.t.Logf("no screenshot: %v", err)
		return ""
	}
	name := filepath.Join(b.FailureDir, unsafeName.ReplaceAllString(b.t.Name(), "_")+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Logf("no screenshot: %v", err)
		return ""
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return name
}

// WaitFor polls the JavaScript expression js (which must yield a boolean)
// until it is true.
func WaitFor(js string) chromedp.Action[chromedp.Void] {
	return Discard(chromedp.PollFunction[bool]("() => { try { return !!("+js+"); } catch (e) { return false; } }",
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// Discard runs a and drops its value, to use it among steps.
func Discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// Store runs a and stores its value in *dst, to use it among steps.
func Store[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		if err == nil {
			*dst = v
		}
		return chromedp.Void{}, err
	}
}

// Eval evaluates the JavaScript expression js and ignores its value.
func Eval(js string) chromedp.Action[chromedp.Void] {
	return Discard(chromedp.Evaluate[any](js))
}

// Text stores the rendered text of the first element matching the CSS
// selector sel in *dst. It reads the page with JavaScript rather than
// through a DOM node id, so an element the frontend re-creates between the
// lookup and the read cannot fail the step.
func Text(sel string, dst *string) chromedp.Action[chromedp.Void] {
	return Store(dst, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) throw new Error("no element " + %[1]s);
		return el.innerText;
	})()`, jsString(sel))))
}

// Click clicks the first element matching the CSS selector sel, with the
// same protection as Text against elements re-created by a render.
func Click(sel string) chromedp.Action[chromedp.Void] {
	return Eval(fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) throw new Error("no element " + %[1]s);
		el.click();
		return true;
	})()`, jsString(sel)))
}

// Upload sets the files of the <input type=file> matching sel.
func Upload(sel string, files ...string) chromedp.Action[chromedp.Void] {
	return chromedp.SetUploadFiles(chromedp.CSS(sel), files)
}

// TextOf is a JavaScript expression: the text of the page's main area and
// sidebar, for WaitFor conditions.
const TextOf = `(document.getElementById("dash-main").innerText + "\n" + document.getElementById("dash-sidebar").innerText)`

// WaitText waits until the page shows text.
func WaitText(text string) chromedp.Action[chromedp.Void] {
	return WaitFor(TextOf + ".includes(" + jsString(text) + ")")
}

// WaitIdle waits until no run is in progress: the status line is empty and
// no element is greyed as stale.
func WaitIdle() chromedp.Action[chromedp.Void] {
	return WaitFor(`document.getElementById("dash-status").textContent === "" && !document.querySelector(".dash-stale")`)
}

// SetRange sets an <input type=range> (or any input) found by sel to value
// and fires input and change, as a user dragging it does.
func SetRange(sel, value string) chromedp.Action[chromedp.Void] {
	return Eval(fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) throw new Error("no element " + %[1]s);
		el.value = %s;
		el.dispatchEvent(new Event("input", { bubbles: true }));
		el.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})()`, jsString(sel), jsString(value)))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`, "<", `\x3c`)
	return `"` + r.Replace(s) + `"`
}

// JS returns s quoted as a JavaScript string literal, for building
// expressions.
func JS(s string) string { return jsString(s) }
