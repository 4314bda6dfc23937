package uncachedcall

import (
	"context"
	"database/sql"
	"sync"

	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
)

// Work a method does once per value of its receiver (a sync.Once in a
// field, a nil test of a field) runs once per process on a value made
// once, and on every rerun on a value the page makes.

type supplierService struct {
	db   *sql.DB
	once sync.Once
	list []Sale
}

func newSupplierService(db *sql.DB) *supplierService { return &supplierService{db: db} }

func (s *supplierService) Suppliers(ctx context.Context) []Sale {
	s.once.Do(func() { s.list, _ = loadSales(ctx, "suppliers") })
	return s.list
}

type regionCache struct {
	db      *sql.DB
	regions []Sale
}

func (c *regionCache) Regions(ctx context.Context) []Sale {
	if c.regions == nil {
		c.regions, _ = loadSales(ctx, "regions")
	}
	return c.regions
}

var (
	sharedSuppliers = newSupplierService(db)
	sharedRegions   = &regionCache{db: db}
	sharedCatalog   = store.NewCatalog(db)
)

func mySuppliers(ctx context.Context) []Sale {
	return newSupplierService(db).Suppliers(ctx)
}

func lifetimes(ui *dash.UI) {
	ctx := ui.Context()
	svc := newSupplierService(db)
	svc.Suppliers(ctx)                  // want `^lifetimes → \(\*supplierService\).Suppliers → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; \(\*supplierService\).Suppliers loads once per value of its receiver, and the value is made on every rerun: make it once \(in main, or with dash.CacheSingleton\)$`
	(&regionCache{db: db}).Regions(ctx) // want `lifetimes → \(\*regionCache\).Regions → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
	var local supplierService
	local.Suppliers(ctx)                 // want `lifetimes → \(\*supplierService\).Suppliers → loadSales`
	mySuppliers(ctx)                     // want `lifetimes → mySuppliers → \(\*supplierService\).Suppliers → loadSales`
	store.NewCatalog(db).Categories(ctx) // want `lifetimes → \(\*store.Catalog\).Categories → \(\*sql.DB\).QueryContext: database query runs on every rerun`

	// Made once: once per process.
	sharedSuppliers.Suppliers(ctx)
	sharedRegions.Regions(ctx)
	sharedCatalog.Categories(ctx)
}
