package browsertest_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dashvet/dashvet/dash/audit"
	bt "github.com/dashvet/dashvet/dash/internal/browsertest"
)

// The example dashboard, examples/sales, in a real browser: the binary is
// built and started on a loopback port with a fresh SQLite database, as a
// user would run it.

var updateScreenshot = flag.Bool("update-screenshot", false, "write docs/sales.png, the README's screenshot of examples/sales")

// moduleRoot is the repository root, relative to this package.
const moduleRoot = "../../.."

type salesServer struct {
	url string
	db  string
}

// startSales builds examples/sales and runs it until the test ends.
func startSales(t *testing.T) *salesServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "sales")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./examples/sales")...)
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/sales: %v\n%s", err, out)
	}
	port := freePort(t)
	db := filepath.Join(dir, "sales.db")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--db", db, "--server.address=127.0.0.1", "--server.port="+strconv.Itoa(port))
	// Stop it the way a container runtime does, so it shuts down cleanly.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting examples/sales: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("examples/sales output:\n%s", logs.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("examples/sales exited: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("examples/sales did not become healthy:\n%s", logs.String())
		}
	}
	return &salesServer{url: url, db: db}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// widgetInput is a JavaScript expression: the input element of the widget
// labelled label.
func widgetInput(label, input string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(".dash-widget")].find((w) => { const l = w.querySelector(".dash-label"); return l && l.textContent === %s; }).querySelector(%s)`,
		bt.JS(label), bt.JS(input))
}

// setWidget sets the input of the widget labelled label to value and
// fires change, as a user does.
func setWidget(label, input, value string) chromedp.Action[chromedp.Void] {
	return bt.Eval(fmt.Sprintf(`(() => {
		const el = %s;
		el.value = %s;
		el.dispatchEvent(new Event("input", { bubbles: true }));
		el.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})()`, widgetInput(label, input), bt.JS(value)))
}

func clickText(sel, text string) chromedp.Action[chromedp.Void] {
	return bt.Eval(fmt.Sprintf(`(() => {
		const b = [...document.querySelectorAll(%s)].find((b) => b.textContent.trim() === %s);
		if (!b) throw new Error("nothing to click with text " + %[2]s);
		b.click();
		return true;
	})()`, bt.JS(sel), bt.JS(text)))
}

// monthlyRows counts the rows of the monthly figures table.
const monthlyRows = `document.querySelectorAll(".dash-expander .dash-table tbody tr").length`

func auditEvents(t *testing.T, db string) []audit.Event {
	t.Helper()
	ctx := context.Background()
	sqlDB, dialect, err := audit.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	log, err := audit.New(sqlDB, dialect)
	if err != nil {
		t.Fatal(err)
	}
	events, err := log.Recent(ctx, audit.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func TestBrowserSales(t *testing.T) {
	// The server first: building it can take minutes on a cold build
	// cache, which must not count against the browser's time limit.
	srv := startSales(t)
	b := bt.New(t)

	// The page renders: title, metrics, a chart drawn by the server.
	var chartLoaded bool
	b.Run("first render",
		chromedp.Navigate(srv.url+"/"),
		bt.WaitText("Revenue"),
		bt.WaitText("Adjust a monthly target"),
		bt.WaitIdle(),
		bt.WaitFor(`document.querySelector(".dash-chart img") && document.querySelector(".dash-chart img").complete`),
		bt.Store(&chartLoaded, chromedp.Evaluate[bool](`document.querySelector(".dash-chart img").naturalWidth > 0`)),
	)
	if !chartLoaded {
		b.Fail("the revenue chart did not load")
	}

	// The Months slider reruns the page and the monthly table follows it.
	var caption string
	b.Run("slider rerun",
		bt.WaitFor(monthlyRows+" === 12"),
		bt.Text(".dash-caption", &caption),
		setWidget("Months", "input[type=range]", "3"),
		bt.WaitFor(monthlyRows+" === 3"),
		bt.WaitIdle(),
	)
	var caption3 string
	b.Run("caption", bt.Text(".dash-caption", &caption3))
	if caption3 == caption {
		b.Fail(fmt.Sprintf("the period caption did not change with the slider: %q", caption))
	}

	// Tabs switch in the browser and keep the sidebar's state.
	b.Run("tabs",
		clickText(".dash-tab", "Largest orders"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) .dash-dataframe") !== null`),
		clickText(".dash-tab", "Trend"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) .dash-chart") !== null`),
		bt.WaitFor(monthlyRows+" === 3"),
	)

	// The form writes exactly one audit row on submit.
	if n := len(auditEvents(t, srv.db)); n != 0 {
		t.Fatalf("audit log has %d events before the submit", n)
	}
	b.Run("form submit",
		setWidget("Monthly target ($)", "input", "61000"),
		setWidget("Your name", "input", "Browser Test"),
		setWidget("Reason", "input", "end-to-end"),
		clickText("button", "Save target"),
		bt.WaitText("set to $61,000 (was"),
		bt.WaitText("You changed 1 target(s) in this session"),
		bt.WaitIdle(),
	)
	events := auditEvents(t, srv.db)
	if len(events) != 1 || events[0].Who != "Browser Test" || events[0].Action != "target.update" ||
		!strings.Contains(string(events[0].Details), `"target_cents":6100000`) {
		b.Fail(fmt.Sprintf("after one submit the audit log holds %+v", events))
	}

	// Another page has its own URL, shows the event, and coming back
	// finds the session's state.
	var session1, session2, path string
	b.Run("page switch",
		bt.Store(&session1, chromedp.Evaluate[string](`sessionStorage.getItem("dash.session")`)),
		bt.Click(`#dash-nav a[href$="/audit"]`),
		bt.WaitText("Browser Test"),
		bt.Store(&path, chromedp.Evaluate[string](`location.pathname`)),
		bt.Click(`#dash-nav a[href$="/"]`),
		bt.WaitText("You changed 1 target(s) in this session"),
		bt.Store(&session2, chromedp.Evaluate[string](`sessionStorage.getItem("dash.session")`)),
	)
	if path != "/audit" || session1 == "" || session1 != session2 {
		b.Fail(fmt.Sprintf("navigation: path %q, session %q → %q", path, session1, session2))
	}
	if n := len(auditEvents(t, srv.db)); n != 1 {
		b.Fail(fmt.Sprintf("navigating wrote audit rows: %d events", n))
	}
}

// TestScreenshotSales writes docs/sales.png, the screenshot at the top of
// the README: go test ./dash/internal/browsertest -run TestScreenshotSales -update-screenshot
func TestScreenshotSales(t *testing.T) {
	if !*updateScreenshot {
		t.Skip("writes docs/sales.png only when run with -update-screenshot")
	}
	// The server first: building it can take minutes on a cold build
	// cache, which must not count against the browser's time limit.
	srv := startSales(t)
	b := bt.New(t)
	var png []byte
	b.Run("screenshot",
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(srv.url+"/"),
		bt.WaitText("Adjust a monthly target"),
		bt.WaitIdle(),
		bt.WaitFor(`[...document.querySelectorAll(".dash-chart img")].every((i) => i.complete && i.naturalWidth > 0)`),
		// Fonts and the chart image settle after the last render.
		bt.Eval(`document.fonts.ready.then(() => true)`),
		bt.Store(&png, chromedp.CaptureScreenshot()),
	)
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		b.Fail(fmt.Sprintf("the screenshot is not a PNG (%d bytes)", len(png)))
	}
	out := filepath.Join(moduleRoot, "docs", "sales.png")
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, len(png))
}
