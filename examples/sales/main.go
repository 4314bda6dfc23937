// Command sales is a sales dashboard built on dash: filters in the sidebar,
// metrics, tables, a form that adjusts a region's revenue target and writes
// an audit row, an audit log page, and price quotes from a REST service.
// It shows the patterns the dashvet analyzers check for; running dashvet on
// it reports nothing.
//
// It needs no external service: on first run it creates an embedded SQLite
// database and seeds it with a deterministic order history, and it starts
// its own pricing service on a loopback port.
//
//	go run ./examples/sales                             # http://127.0.0.1:8501
//	go run ./examples/sales --db postgres://user@host/db?sslmode=disable
//	go run ./examples/sales --server.address=0.0.0.0 --server.port=8080
//
// Flags in dash's namespaces (--server.*, --theme.*) configure the server;
// dash reads them from os.Args itself. The example's own flags are parsed
// from what remains.
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
	"github.com/dashvet/dashvet/examples/internal/cli"
	"github.com/dashvet/dashvet/examples/sales/pricing"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("sales", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "SQLite database file (created and seeded when missing), or a postgres:// URL")
	healthcheck := fs.Bool("healthcheck", false, "probe /healthz of the server configured by the --server.* flags and exit 0 when healthy (for a container HEALTHCHECK)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: sales [flags] [dash flags]\n\nflags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\ndash flags:\n%s", dash.ConfigUsage())
	}
	if err := fs.Parse(dash.AppArgs(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *healthcheck {
		return cli.Healthcheck(args, stderr)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if err := serve(*db, logger); err != nil {
		logger.Error("sales dashboard stopped", "err", err)
		return 1
	}
	return 0
}

// defaultDB is the SQLite file used without --db: sales.db in
// $SALES_DATA_DIR, or in the user's cache directory (the data is seeded
// again if the file is removed).
func defaultDB() string {
	dir := os.Getenv("SALES_DATA_DIR")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "dashvet-sales")
	}
	return filepath.Join(dir, "sales.db")
}

func serve(dsn string, logger *slog.Logger) error {
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
	logger.Info("pricing service listening", "url", prices.URL())

	d, err := newDashboard(dsn, prices.URL())
	if err != nil {
		return err
	}
	defer d.Close()
	return d.App(dash.Logger(logger)).Run()
}
