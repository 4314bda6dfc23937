// Package rerunresource defines an Analyzer that reports connection pools,
// clients and caches constructed on the rerun path of a dash app.
//
// # Analyzer rerunresource
//
// rerunresource: report pools, clients and caches created on the rerun path
//
// sql.Open, pgxpool.New, redis.NewClient, grpc.NewClient, mongo.Connect and
// a new http.Transport each own a pool of connections. Made
// in the app function, a new pool is made on every rerun of every session
// and the old ones linger until collected: the database runs out of
// connections ("too many clients") under a handful of users. Create the
// resource once, with dash.CacheSingleton or dash.CacheResource, or at
// package level.
//
// A dash.CacheData, CacheResource or CacheSingleton constructed on the rerun
// path is reported too: a new cache starts empty on every rerun and never
// hits.
//
// URL: https://github.com/dashvet/dashvet/blob/main/docs/analyzers/rerunresource.md
package rerunresource
