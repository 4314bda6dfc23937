package browsertest_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/dashvet/dashvet/dash/internal/browsertest"
)

// hoverJS moves the pointer over the visible chart at fraction fx of its
// width, and returns the tooltip's text (or "" when none shows).
func hoverJS(fx float64) string {
	return fmt.Sprintf(`(() => {
		const plot = document.querySelector(".dash-tab-panel:not([hidden]) .dash-chart-plot") || document.querySelector(".dash-chart-plot");
		const r = plot.getBoundingClientRect();
		plot.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: r.left + %g * r.width, clientY: r.top + r.height / 2 }));
		const tip = plot.querySelector(".dash-chart-tip");
		return tip.hidden ? "" : tip.innerText;
	})()`, fx)
}

// keyJS sends key to the focused chart and returns the tooltip's text.
func keyJS(key string) string {
	return fmt.Sprintf(`(() => {
		const plot = document.activeElement;
		plot.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true, key: %s }));
		const tip = plot.querySelector(".dash-chart-tip");
		return tip.hidden ? "" : tip.innerText;
	})()`, bt.JS(key))
}

// svgTextsInside is a JavaScript expression: whether every text of the
// visible chart's SVG lies inside its viewBox (go-chart drew bar labels
// below it, where they were cut off).
const svgTextsInside = `(() => {
	const img = document.querySelector(".dash-tab-panel:not([hidden]) .dash-chart img");
	const svg = new DOMParser().parseFromString(atob(img.src.split(",")[1]), "image/svg+xml").documentElement;
	const h = svg.viewBox.baseVal.height;
	const texts = [...svg.querySelectorAll("text")];
	return texts.length > 0 && texts.every((t) => { const y = parseFloat(t.getAttribute("y")); return y > 0 && y + 4 <= h; });
})()`

// TestBrowserCharts: every chart of examples/sales has a tooltip at the
// pointer and from the keyboard, the bar chart's labels are inside the
// picture, and the largest orders' amounts are right-aligned with
// thousands separators.
func TestBrowserCharts(t *testing.T) {
	// The server first: building it can take minutes on a cold build
	// cache, which must not count against the browser's time limit.
	srv := startSales(t)
	b := bt.New(t)
	b.Run("first render",
		chromedp.Navigate(srv.url+"/"),
		bt.WaitText("Adjust a monthly target"),
		bt.WaitIdle(),
		bt.WaitFor(`document.querySelector(".dash-chart-plot") !== null`),
	)

	// The trend chart: hovering near the left and the right edge shows the
	// first and the last month, with a value.
	var first, last string
	b.Run("hover the trend chart",
		bt.Store(&first, chromedp.Evaluate[string](hoverJS(0.05))),
		bt.Store(&last, chromedp.Evaluate[string](hoverJS(0.98))),
	)
	money := regexp.MustCompile(`\d{1,3}(,\d{3})+`)
	if first == "" || last == "" || first == last || !money.MatchString(first) || !strings.Contains(first, "Revenue") {
		b.Fail(fmt.Sprintf("trend tooltips: first %q, last %q; want two different months with a revenue in thousands", first, last))
	}

	// The keyboard reaches the same tooltips: focus shows one, Home goes
	// to the first label, the arrow keys move, Escape hides.
	var focused, home, next, escaped string
	b.Run("keyboard on the trend chart",
		bt.Eval(`(() => { document.querySelector(".dash-chart-plot").focus(); return true; })()`),
		bt.Store(&focused, chromedp.Evaluate[string](`document.querySelector(".dash-chart-tip").hidden ? "" : document.querySelector(".dash-chart-tip").innerText`)),
		bt.Store(&home, chromedp.Evaluate[string](keyJS("Home"))),
		bt.Store(&next, chromedp.Evaluate[string](keyJS("ArrowRight"))),
		bt.Store(&escaped, chromedp.Evaluate[string](keyJS("Escape"))),
	)
	if focused == "" || home != first || next == "" || next == home || escaped != "" {
		b.Fail(fmt.Sprintf("keyboard tooltips: on focus %q, Home %q (want %q), ArrowRight %q, Escape %q", focused, home, first, next, escaped))
	}

	// The products tab's bar chart: labels inside the picture, tooltips.
	var inside bool
	var bar string
	b.Run("products bar chart",
		clickText(".dash-tab", "Products"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) .dash-chart img") !== null`),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) .dash-chart img").complete`),
		bt.Store(&inside, chromedp.Evaluate[bool](svgTextsInside)),
		bt.Store(&bar, chromedp.Evaluate[string](hoverJS(0.5))),
	)
	if !inside {
		b.Fail("a label of the products bar chart is outside its viewBox")
	}
	if bar == "" {
		b.Fail("no tooltip over the products bar chart")
	}

	// Largest orders: the amounts are numbers for reading, right-aligned.
	var amounts []string
	var aligned bool
	b.Run("largest orders",
		clickText(".dash-tab", "Largest orders"),
		bt.WaitFor(`document.querySelector(".dash-tab-panel:not([hidden]) .dash-dataframe tbody tr") !== null`),
		bt.Store(&amounts, chromedp.Evaluate[[]string](`(() => {
			const t = document.querySelector(".dash-tab-panel:not([hidden]) .dash-dataframe table");
			const col = [...t.querySelectorAll("th")].findIndex((th) => th.textContent.startsWith("Amount"));
			return [...t.querySelectorAll("tbody tr")].map((r) => r.children[col].textContent);
		})()`)),
		bt.Store(&aligned, chromedp.Evaluate[bool](`(() => {
			const t = document.querySelector(".dash-tab-panel:not([hidden]) .dash-dataframe table");
			const col = [...t.querySelectorAll("th")].findIndex((th) => th.textContent.startsWith("Amount"));
			const cells = [t.querySelectorAll("th")[col], ...[...t.querySelectorAll("tbody tr")].map((r) => r.children[col])];
			return cells.every((c) => getComputedStyle(c).textAlign === "right");
		})()`)),
	)
	amount := regexp.MustCompile(`^\$\d{1,3}(,\d{3})*$`)
	if len(amounts) == 0 || !aligned {
		b.Fail(fmt.Sprintf("largest orders: %d amounts, right-aligned %v", len(amounts), aligned))
	}
	for _, a := range amounts {
		if !amount.MatchString(a) {
			b.Fail(fmt.Sprintf("amount %q is not formatted like $12,345", a))
			break
		}
	}
}
