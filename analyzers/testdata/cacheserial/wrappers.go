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

// Wrappers handing on a type built from their parameter: the page of a
// listing whose items hold a func (an opener), or plain rows.
type Attachment struct {
	Name string
	Open func(context.Context) (*sql.Rows, error)
}

func attachmentPage(ctx context.Context, cursor string) (cachex.Page[Attachment], error) {
	return cachex.Page[Attachment]{}, nil
}

func rowPage(ctx context.Context, cursor string) (cachex.Page[Row], error) {
	return cachex.Page[Row]{}, nil
}

var (
	attachments = cachex.Paged(attachmentPage)              // want `^dash.CacheData \(through cachex.Paged\) cannot deep-copy values of type cachex.Page\[Attachment\]: .*Items\[i\].Open`
	attachLoad  = cachex.PagedLoader("att", attachmentPage) // want `^dash.CacheData \(through cachex.PagedLoader\) cannot deep-copy values of type cachex.Page\[Attachment\]`
	rowPages    = cachex.Paged(rowPage)                     // plain data: fine
	rowLoad     = cachex.PagedLoader("rows", rowPage)       // fine
	counted     = cachex.Counted(count, Attachment{})       // the type argument is not cached: fine
)
