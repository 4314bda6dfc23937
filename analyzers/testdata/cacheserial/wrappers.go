package cacheserial

// Generic helpers around dash.CacheData (cached in app.go, cachex in
// another package): the value type is judged where they are instantiated.

import (
	"context"
	"database/sql"

	"dashapp/cachex"
)

func openCursor(ctx context.Context, region string) (*sql.Rows, error) { return nil, nil }

func count(ctx context.Context, region string) (int, error) { return 0, nil }

var (
	cursors = cached(openCursor)                       // want `^dash.CacheData \(through cached\) cannot deep-copy values of type \*sql.Rows: `
	reports = cached[Report](loadReport)               // want `^dash.CacheData \(through cached\) cannot deep-copy values of type Report: Report.Rows: `
	plain   = cached(loadRows)                         // plain data: fine
	remote  = cachex.Cached(openCursor)                // want `^dash.CacheData \(through cachex.Cached\) cannot deep-copy values of type \*sql.Rows: `
	named   = cachex.Named("reports", loadReport)      // want `^dash.CacheData \(through cachex.Named\) cannot deep-copy values of type Report: `
	keyed   = cachex.Keyed(count)                      // fine
	inFunc  = func() any { return cached(openCursor) } // want `through cached\) cannot deep-copy values of type \*sql.Rows`
)
