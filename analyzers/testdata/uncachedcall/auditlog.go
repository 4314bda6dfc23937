package uncachedcall

import (
	"context"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
)

// The runtime's audit log is a table in the app's database: recording an
// event is a write and reading it back a query, though the engine does
// not analyse dash's own packages.

var events *audit.Log

var recentEvents = dash.CacheData(func(ctx context.Context, page string) ([]audit.Event, error) {
	return events.Recent(ctx, audit.Query{Page: page}) // fine: in a cache
})

func auditPage(ui *dash.UI) {
	ctx := ui.Context()
	events.Record(ctx, audit.Event{Action: "viewed"}) // want `^auditPage → \(\*audit.Log\).Record: database write runs on every rerun; run it only behind a trigger`
	events.Recent(ctx, audit.Query{Page: "home"})     // want `^auditPage → \(\*audit.Log\).Recent: database query runs on every rerun; move it into a loading function wrapped in dash.CacheData$`
	recentEvents.Get(ctx, "home")
	events.TableName()
	if ui.Button("Approve") {
		events.Record(ctx, audit.Event{Action: "approved"}) // fine: behind a trigger
	}
}
