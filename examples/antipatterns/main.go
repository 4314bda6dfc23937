// Command antipatterns is the sales dashboard written the way that breaks
// in production. Every mistake the dashvet analyzers catch is here once or
// twice, marked on its line with a comment
//
//	// MISTAKE(analyzer): why
//
// on the exact line where that analyzer reports it; the tests check that
// dashvet reports exactly the marked lines. The mistakes are operational,
// not compile errors: the app builds and runs, and it shows what each
// mistake does (a counter that never counts, a query per slider move, a
// connection pool per rerun). docs/examples.md maps each mistake to its
// fix, which examples/sales applies.
//
//	go run ./examples/antipatterns   # http://localhost:8501
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/dashvet/dashvet/dash"
	"github.com/dashvet/dashvet/dash/audit"
	"github.com/dashvet/dashvet/examples/sales/pricing"
	salesstore "github.com/dashvet/dashvet/examples/sales/store"
)

// listenHost is where the server listens. A constant does not hide a
// loopback address from the bindaddr analyzer.
const listenHost = "localhost"

// The app reads its configuration from package variables set by main.
var (
	dialect    audit.Dialect
	dataSource string // the driver's data source name for dialect
	pricingURL string
	// closePools makes each rerun close the pool it opened: the half-fix
	// that stops the connection leak but still connects and queries on
	// every rerun (bench/incident.sh measures both).
	closePools bool
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("antipatterns", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "SQLite database file (created and seeded when missing), or a postgres:// URL")
	fs.BoolVar(&closePools, "close-pools", false, "close the pool each rerun opens (stops the leak; still one connection and all queries per rerun)")
	if err := fs.Parse(dash.AppArgs(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if err := serve(*db, logger); err != nil {
		logger.Error("antipatterns dashboard stopped", "err", err)
		return 1
	}
	return 0
}

func defaultDB() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "dashvet-antipatterns", "sales.db")
}

func serve(dsn string, logger *slog.Logger) error {
	var err error
	if dialect, dataSource, err = audit.ParseDSN(dsn); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	// Creating and seeding the database once, before serving, is fine:
	// main is not on the rerun path.
	if err := prepare(dsn); err != nil {
		return err
	}
	prices, err := pricing.Start()
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := prices.Shutdown(ctx); err != nil {
			logger.Warn("pricing service", "err", err)
		}
	}()
	pricingURL = prices.URL()
	defer pool.Forget()
	a := dash.NewApp(dash.Address(listenHost), dash.Logger(logger)) // MISTAKE(bindaddr): loopback is unreachable from outside a container; keep the default and pass --server.address=0.0.0.0 there
	return a.Page("/", "Sales", salesPage).Run()
}

func prepare(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if dialect == audit.SQLite && filepath.Dir(dsn) != "." {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return fmt.Errorf("creating the data directory: %w", err)
		}
	}
	db, d, err := audit.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := salesstore.Migrate(ctx, db, d); err != nil {
		return err
	}
	if _, err := salesstore.Seed(ctx, db, d, salesstore.DefaultSeed); err != nil {
		return err
	}
	l, err := audit.New(db, d)
	if err != nil {
		return err
	}
	return l.EnsureTable(ctx)
}
