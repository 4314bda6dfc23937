// Package cacheserial defines an Analyzer that reports dash.CacheData
// caches whose value type the runtime cannot deep-copy.
//
// # Analyzer cacheserial
//
// cacheserial: report dash.CacheData values that cannot be deep-copied
//
// A data cache hands every caller its own deep copy of the cached value, so
// that no session can change what another sees. Values that are not data
// cannot be copied: a *sql.Rows cursor, a *sql.DB pool, an open file, a
// channel, a mutex, an io.Reader. dash.CacheData rejects such a value type
// with a panic when the cache is constructed; this analyzer reports the
// same mistake at compile time, with the path to the offending part
// (Report.Rows: *sql.Rows), under exactly the runtime's rule (package
// github.com/dashvet/dashvet/dash/copyable). When the cached value itself
// is a resource, it offers to use dash.CacheResource instead.
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/cacheserial.md
package cacheserial
