package dash

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/dashvet/dashvet/dash/internal/browsertest"
)

// Real-browser tests of the runtime's frontend: a headless Chromium
// (skipped when none is installed) against an app served on a loopback
// port. The example dashboard's own browser tests are in
// internal/browsertest.

// clickButton clicks the button whose text is label.
func clickButton(label string) chromedp.Action[chromedp.Void] {
	return bt.Eval(fmt.Sprintf(`(() => {
		const b = [...document.querySelectorAll("button, a.dash-button")].find((b) => b.textContent.trim() === %s);
		if (!b) throw new Error("no button " + %[1]s);
		b.click();
		return true;
	})()`, bt.JS(label)))
}

func TestBrowserRuntime(t *testing.T) {
	b := bt.New(t)
	var pageRuns atomic.Int32
	home := func(ui *UI) {
		ui.Title(fmt.Sprintf("Home, run %d", pageRuns.Add(1)))
		st := ui.State()
		tabs := ui.Tabs("One", "Two")
		tabs[0].Text("in tab one")
		// The slider's default comes from session state, so the value
		// survives a visit to another page (which forgets the widget).
		n := tabs[1].Slider("n", 0, 10, ValueOr(st, "n", 2))
		st.Set("n", n)
		ui.Text(fmt.Sprintf("n=%d", n))
		ui.Fragment("clicks", func(f *UI) {
			c := ValueOr(f.State(), "bumps", 0)
			if f.Button("bump") {
				c++
				f.State().Set("bumps", c)
			}
			f.Text(fmt.Sprintf("bumps=%d", c))
		})
		for _, f := range ui.FileUploader("Upload a file") {
			ui.Text(fmt.Sprintf("got %s %d", f.Name, f.Size))
		}
	}
	other := func(ui *UI) {
		ui.Title("Other")
		ui.Text(fmt.Sprintf("n from home: %d", ValueOr(ui.State(), "n", -1)))
	}
	hs, _ := startServer(t, NewApp(MaxUploadSize(1024)).Page("/", "Home", home).Page("/other", "Other", other))

	b.Run("first render",
		chromedp.Navigate(hs.URL+"/"),
		bt.WaitText("in tab one"),
		bt.WaitText("n=2"),
		bt.WaitText("bumps=0"),
		bt.WaitIdle(),
	)

	// A fragment rerun replaces only the fragment: the title element is
	// the same DOM node, with the same text (the page did not run).
	var before, after string
	var same bool
	b.Run("fragment rerun",
		bt.Text(".dash-title", &before),
		bt.Eval(`document.querySelector(".dash-title").dashMark = "kept"`),
		clickButton("bump"),
		bt.WaitText("bumps=1"),
		bt.WaitIdle(),
		bt.Text(".dash-title", &after),
		bt.Store(&same, chromedp.Evaluate[bool](`document.querySelector(".dash-title").dashMark === "kept"`)),
	)
	if before != after || !same {
		b.Fail(fmt.Sprintf("the fragment rerun touched the page: title %q → %q, same node %v", before, after, same))
	}

	// Tabs: switching shows the other panel; the slider in it reruns the
	// app, and switching away and back keeps its value.
	var value string
	b.Run("tabs",
		clickButton("Two"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) input[type=range]") !== null`),
		bt.SetRange(".dash-tab-panel:not([hidden]) input[type=range]", "7"),
		bt.WaitText("n=7"),
		bt.WaitIdle(),
		clickButton("One"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden])").innerText.includes("in tab one")`),
		clickButton("Two"),
		bt.Store(&value, chromedp.Value(chromedp.CSS(".dash-tab-panel:not([hidden]) input[type=range]"))),
	)
	if value != "7" {
		b.Fail(fmt.Sprintf("slider shows %q after switching tabs, want 7", value))
	}

	// Pages: each has its own URL; navigating keeps the session and its
	// state, and coming back restores the page from it.
	var session1, session2, path string
	b.Run("page switch",
		bt.Store(&session1, chromedp.Evaluate[string](`sessionStorage.getItem("dash.session")`)),
		bt.Click(`#dash-nav a[href$="/other"]`),
		bt.WaitText("n from home: 7"),
		bt.Store(&path, chromedp.Evaluate[string](`location.pathname`)),
		bt.Click(`#dash-nav a[href$="/"]`),
		bt.WaitText("n=7"),
		bt.WaitText("bumps=1"),
		bt.Store(&session2, chromedp.Evaluate[string](`sessionStorage.getItem("dash.session")`)),
	)
	if path != "/other" || session1 == "" || session1 != session2 {
		b.Fail(fmt.Sprintf("navigation: path %q, session %q → %q", path, session1, session2))
	}

	// Uploads: a file within the limit arrives; one over it is refused
	// with a message next to the widget.
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small.txt"), filepath.Join(dir, "big.bin")
	if err := os.WriteFile(small, []byte(strings.Repeat("s", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Run("upload within the limit",
		bt.Upload(`.dash-file-uploader input[type=file]`, small),
		bt.WaitText("got small.txt 100"),
	)
	var msg string
	b.Run("upload over the limit",
		bt.Upload(`.dash-file-uploader input[type=file]`, big),
		bt.WaitFor(`!document.querySelector(".dash-upload-error").hidden`),
		bt.Text(".dash-upload-error", &msg),
	)
	if !strings.Contains(msg, "File too large") || !strings.Contains(msg, "1 KiB") {
		b.Fail(fmt.Sprintf("upload error message %q", msg))
	}
}

// TestBrowserServerRefusesOversizedUpload posts past the client's own
// check, straight from the page, to see the server's 413 message reach the
// widget.
func TestBrowserServerRefusesOversizedUpload(t *testing.T) {
	b := bt.New(t)
	hs, _ := startPage(t, func(ui *UI) {
		ui.FileUploader("Upload")
		ui.Text("ready")
	}, MaxUploadSize(1024))
	var msg string
	b.Run("upload past the client check",
		chromedp.Navigate(hs.URL+"/"),
		bt.WaitText("ready"),
		// Pretend the server allowed more, as an out-of-date page would.
		bt.Eval(`window.dash.limits = () => ({ maxUploadSize: 1 << 30 })`),
		bt.Eval(`(() => {
			const input = document.querySelector(".dash-file-uploader input[type=file]");
			const dt = new DataTransfer();
			dt.items.add(new File([new Uint8Array(4096)], "big.bin"));
			input.files = dt.files;
			input.dispatchEvent(new Event("change", { bubbles: true }));
			return true;
		})()`),
		bt.WaitFor(`!document.querySelector(".dash-upload-error").hidden`),
		bt.Text(".dash-upload-error", &msg),
	)
	if !strings.Contains(msg, "upload exceeds the limit of 1024 bytes") {
		b.Fail(fmt.Sprintf("upload error message %q, want the server's 413 message", msg))
	}
}

// TestBrowserWidgets drives the input widgets the way a user does and
// checks what the app receives.
func TestBrowserWidgets(t *testing.T) {
	b := bt.New(t)
	rows := make([][]string, 1, 101)
	rows[0] = []string{"id", "score"}
	for i := 1; i <= 100; i++ {
		rows = append(rows, []string{fmt.Sprint(i), fmt.Sprint((i * 37) % 101)})
	}
	hs, _ := startPage(t, func(ui *UI) {
		lo, hi := ui.SliderRange("Range", 0, 100, 10, 90)
		on := ui.Toggle("On", false)
		picked := ui.MultiSelect("Pick", []string{"a", "b", "c"}, nil)
		size := ui.Radio("Size", []string{"S", "M", "L"})
		ui.Text(fmt.Sprintf("range=%d-%d on=%v picked=%v size=%s", lo, hi, on, picked, size))
		ui.DataFrame(rows, PageSize(10))
		ui.Expander("Details", false).Text(fmt.Sprintf("hi=%d", hi))
		ui.DownloadButton("Export", []byte(fmt.Sprintf("lo=%d", lo)), "range.txt", "")
	})
	var page2, sorted, download string
	var open bool
	b.Run("widgets",
		chromedp.Navigate(hs.URL+"/"),
		bt.WaitText("range=10-90 on=false picked=[] size=S"),
		bt.SetRange(".dash-range-slider input[aria-label=to]", "40"),
		bt.WaitText("range=10-40"),
		bt.Click(".dash-toggle label"),
		bt.WaitText("on=true"),
		bt.Eval(`(() => { const s = document.querySelector(".dash-multiselect select"); s.value = "2"; s.dispatchEvent(new Event("change")); return true; })()`),
		bt.WaitText("picked=[c]"),
		bt.Click(`.dash-radio input[value="2"]`),
		bt.WaitText("size=L"),
		bt.WaitIdle(),
		// Paging and sorting are server round trips.
		bt.Click(`.dash-pager button[aria-label="next page"]`),
		bt.WaitText("Rows 11–20 of 100"),
		bt.Text(".dash-dataframe tbody tr td", &page2),
		bt.Click(".dash-dataframe th:nth-child(2)"), // score ascending
		bt.Click(".dash-dataframe th:nth-child(2)"), // then descending
		bt.WaitFor(`document.querySelector(".dash-dataframe th:nth-child(2)").getAttribute("aria-sort") === "descending"`),
		bt.WaitIdle(),
		bt.Text(".dash-dataframe tbody tr td:nth-child(2)", &sorted),
		// An expander the user opened stays open across reruns.
		bt.Click(".dash-expander summary"),
		bt.SetRange(".dash-range-slider input[aria-label=to]", "50"),
		bt.WaitText("hi=50"),
		bt.WaitIdle(),
		bt.Store(&open, chromedp.Evaluate[bool](`document.querySelector(".dash-expander").open`)),
		// The download link serves the app's bytes to this session.
		bt.Eval(`(() => { const a = [...document.querySelectorAll("a.dash-button")].find((a) => a.textContent === "Export");
			a.addEventListener("click", (e) => e.preventDefault()); a.click(); return true; })()`),
		bt.Store(&download, chromedp.Evaluate[string](`fetch([...document.querySelectorAll("a.dash-button")].find((a) => a.textContent === "Export").href).then((r) => r.text())`, chromedp.EvalAwaitPromise)),
	)
	if page2 != "11" || sorted != "100" || !open || download != "lo=10" {
		b.Fail(fmt.Sprintf("page 2 starts with %q (want 11), sorted descending starts with score %q (want 100), expander open %v, download %q", page2, sorted, open, download))
	}
}
