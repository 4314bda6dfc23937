package rerunresource

import (
	"database/sql"
	"sync"

	"github.com/dashvet/dashvet/dash"
	"github.com/redis/go-redis/v9"
)

// Lazy initialisation of a package variable: once per process, but
// sessions rerun at the same time, and without a lock several can pass the
// nil test together.

var (
	lazyDB   *sql.DB
	helperDB *sql.DB
	lockedDB *sql.DB
	lazyMu   sync.Mutex
)

func lazyPage(ui *dash.UI) {
	if lazyDB == nil {
		lazyDB, _ = sql.Open("postgres", "postgres://db/sales") // want `^lazyPage → sql.Open: opens a connection pool into a package variable tested for nil without a lock: sessions rerun at the same time, so several can each open one \(a data race\); create it once with dash.CacheSingleton`
	}
}

// getDB is the same in a helper, with an early return.
func getDB() *sql.DB {
	if helperDB != nil {
		return helperDB
	}
	helperDB, _ = sql.Open("postgres", "postgres://db/sales")
	return helperDB
}

func lazyHelperPage(ui *dash.UI) {
	getDB().Ping() // want `^lazyHelperPage → getDB → sql.Open: opens a connection pool into a package variable tested for nil without a lock`
}

// Under a lock, the lazy initialisation is correct.
func lockedPage(ui *dash.UI) {
	lazyMu.Lock()
	defer lazyMu.Unlock()
	if lockedDB == nil {
		lockedDB, _ = sql.Open("postgres", "postgres://db/sales")
	}
}

// A lock taken after the nil test, for something else, protects nothing
// before it.
func lockedLater(ui *dash.UI) {
	if lazyDB == nil {
		lazyDB, _ = sql.Open("postgres", "postgres://db/sales") // want `^lockedLater → sql.Open: opens a connection pool into a package variable tested for nil without a lock`
	}
	lazyMu.Lock()
	if lockedDB == nil {
		lockedDB, _ = sql.Open("postgres", "postgres://db/sales")
	}
	lazyMu.Unlock()
}

// A nil test that assigns another variable guards nothing.
func notLazy(ui *dash.UI) {
	if lazyDB == nil {
		db, _ := sql.Open("postgres", "postgres://db/sales") // want `^notLazy → sql.Open: opens a new connection pool on every rerun`
		helperDB = db
	}
}

// The same into a field of a package variable, or of one it points to.
var (
	clients struct {
		mu  sync.Mutex
		red *redis.Client
	}
	reports = &struct{ db *sql.DB }{}
)

func lazyFieldLocked(ui *dash.UI) {
	clients.mu.Lock()
	defer clients.mu.Unlock()
	if clients.red == nil {
		clients.red = redis.NewClient(&redis.Options{})
	}
}

func lazyFieldRacy(ui *dash.UI) {
	if reports.db == nil {
		reports.db, _ = sql.Open("postgres", "postgres://db/reports") // want `^lazyFieldRacy → sql.Open: opens a connection pool into a package variable tested for nil without a lock`
	}
}

// The same in a method, into a field of its receiver (a package-level
// singleton's).
type lazyClient struct {
	sync.Mutex
	c *redis.Client
}

func (l *lazyClient) get() *redis.Client {
	l.Lock()
	defer l.Unlock()
	if l.c == nil {
		l.c = redis.NewClient(&redis.Options{})
	}
	return l.c
}

type racyClient struct{ c *redis.Client }

func (r *racyClient) get() *redis.Client {
	if r.c == nil {
		r.c = redis.NewClient(&redis.Options{})
	}
	return r.c
}

var (
	lockedClient lazyClient
	racyOne      racyClient
)

func lazyMethods(ui *dash.UI) {
	lockedClient.get().Ping(ui.Context())
	racyOne.get().Ping(ui.Context()) // want `^lazyMethods → \(\*racyClient\).get → redis.NewClient: opens a connection pool into a package variable tested for nil without a lock`
}

// The same methods on a value made in the page: a new client every rerun,
// lock or not.
func lazyOnFresh(ui *dash.UI) {
	var l lazyClient
	l.get().Ping(ui.Context())               // want `^lazyOnFresh → \(\*lazyClient\).get → redis.NewClient: opens a new connection pool on every rerun`
	(&racyClient{}).get().Ping(ui.Context()) // want `^lazyOnFresh → \(\*racyClient\).get → redis.NewClient: opens a new connection pool on every rerun`
}
