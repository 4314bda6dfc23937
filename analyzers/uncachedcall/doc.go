// Package uncachedcall defines an Analyzer that reports database, HTTP and
// RPC calls that run on every rerun of a dash app.
//
// # Analyzer uncachedcall
//
// uncachedcall: report database, HTTP and RPC calls on the rerun path
//
// A dash app function runs from the top on every widget interaction. A
// query made in it, directly or through any chain of calls, runs again on
// every slider move of every user: the database sees one query per
// interaction instead of one per cache period. Wrap the loading function
// in dash.CacheData and call Get instead.
//
// Calls that run only after a Button, SubmitButton or DownloadButton click
// are not reported. Writes (Exec, a go-redis write command, http.Post or a
// request sent with POST, PUT, PATCH or DELETE, a query whose SQL inserts,
// updates or deletes, also when a helper is handed that method or SQL) are
// reported with other advice: put them behind such a trigger, since a
// cache would skip them. File reads (os.ReadFile, os.Open) are reported
// too, as the lower-severity "file is read on every rerun".
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/uncachedcall.md
package uncachedcall
