package suppress

import (
	"context"
	"database/sql"

	"github.com/dashvet/dashvet/dash"
)

var db *sql.DB

func load(ctx context.Context) error {
	_, err := db.ExecContext(ctx, "SELECT 1")
	return err
}

func app(ui *dash.UI) {
	//dashvet:ignore uncachedcall the lookup table has three rows and lives in memory
	load(ui.Context())

	load(ui.Context()) //dashvet:ignore uncachedcall,stateinit same line works too

	//dashvet:ignore uncachedcall // want `dashvet directive for uncachedcall gives no reason`
	load(ui.Context())

	//dashvet:ignore uncachedcall nothing to suppress here // want `dashvet directive suppresses no uncachedcall finding: remove it`
	ui.Text("hello")

	//dashvet:ignore // want `dashvet directive names no analyzer`
	ui.Text("x")

	//dashvet:ignore uncachedcal typo // want `dashvet directive names unknown analyzer "uncachedcal"`
	load(ui.Context()) // want `app → load`

	//dashvet:ignore stateinit not this analyzer's finding
	load(ui.Context()) // want `app → load`
}
