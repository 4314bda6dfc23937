// Package suppressed exercises the //dashvet:ignore directives: one that
// holds, one without a reason and one that suppresses nothing.
package suppressed

import (
	"database/sql"

	"example.com/mistakes/store"
	"github.com/dashvet/dashvet/dash"
)

var db *sql.DB

// App has three directives; see the test for what each must produce.
func App(ui *dash.UI) {
	//dashvet:ignore uncachedcall the sales table has ten rows and lives in memory
	sales, _ := store.Sales(ui.Context(), db, "EMEA")
	ui.Table(sales)

	ui.State().Set("count", 0) //dashvet:ignore stateinit

	//dashvet:ignore rerunresource nothing here creates a resource
	ui.Text("done")
}
