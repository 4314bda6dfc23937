package extrasinks

import (
	"dashapp/extrasinks/slowapi"
	"github.com/dashvet/dashvet/dash"
)

func quote(c *slowapi.Client) float64 { return c.Quote("ACME") }

func app(ui *dash.UI) {
	slowapi.Fetch("ACME")    // want `^app → slowapi.Fetch: expensive call runs on every rerun; move it into a loading function wrapped in dash.CacheData$`
	quote(&slowapi.Client{}) // want `app → quote → \(\*slowapi.Client\).Quote`
}
