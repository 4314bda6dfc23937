// Package rerun is the engine shared by the dashvet analyzers: it finds the
// rerun entry points of a package (every function or function literal with
// a *dash.UI parameter), the calls on their rerun path, and, for every
// function of the program, whether it reaches a sink (a database, HTTP,
// RPC or file call) or constructs a resource (a pool, client or cache)
// outside a cache.
//
// # The rerun path
//
// The rerun path of an entry is its body, including the bodies of function
// literals declared in it (closures, deferred calls, goroutines), except:
//
//   - function literals that have a *dash.UI parameter: they are entries of
//     their own (form and fragment bodies, pages, OnChange callbacks);
//   - function literals given to dash.CacheData, dash.CacheResource,
//     dash.CacheSingleton, dash.Validate or dash.OnRelease: they run on a
//     cache miss or eviction, not on every rerun; and those given to
//     (*sync.Once).Do, which run once per process;
//   - function literals that escape, returned or stored in a composite
//     literal: they run later, elsewhere.
//
// A call on the rerun path reaches a sink when its static callee is in the
// sink catalogue, or is a function that (transitively, through static
// calls, method calls on concrete types and closures) calls one. Calls
// through interfaces are followed only where the interface method itself is
// catalogued (http.RoundTripper.RoundTrip, go-redis's Cmdable...). Calls to
// functions that take a *dash.UI are not followed: those are entries,
// reported where they are declared. Calls into package dash never reach a
// sink: (*DataCache).Get is a cached call.
//
// Code that runs only when a trigger widget (Button, SubmitButton,
// DownloadButton) returned true is trigger-guarded: it runs once per click,
// not on every rerun. Code under a Checkbox, Toggle or Selectbox is not
// guarded, since those keep their value across reruns. Code behind the
// "missing" branch of a presence test of a state key that sets the key
// is session-guarded: it runs once per session (a memo in the state), so
// its queries are not per-rerun queries and its pools are per-session
// pools. Code behind the nil test of a package variable it assigns is
// lazily guarded: once per process, but racing sessions can each run it
// unless the function takes a lock.
//
// # Cost
//
// The engine builds SSA (without the buildssa pass) only for the packages
// that pass the relevance test below. Packages that neither import dash nor
// import a database, HTTP, RPC or pool package or a package holding
// functions that reach one return at once (importing os alone does not
// count: nearly every package does, so file reads are found only in the
// packages analysed for another reason), and the standard library is covered by the catalogue
// rather than analysed, so a run over std costs next to nothing beyond type
// checking.
package rerun
