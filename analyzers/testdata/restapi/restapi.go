// Package restapi is a client of an internal REST API written the usual
// way: one helper builds and sends every request, and each method passes
// it its HTTP method. Whether a call writes is decided at each call site.
package restapi

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
)

type Client struct {
	base string
	http *http.Client
}

func New(base string) *Client { return &Client{base: base, http: http.DefaultClient} }

func (c *Client) newRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("restapi: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

func (c *Client) do(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, path, nil)
	if err != nil {
		return nil, err
	}
	return c.http.Do(req)
}

// Orders reads.
func (c *Client) Orders(ctx context.Context) (*http.Response, error) {
	return c.do(ctx, http.MethodGet, "/orders")
}

// Ack changes an order.
func (c *Client) Ack(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodPut, "/orders/"+id+"/ack")
	return err
}

// Cancel deletes one.
func (c *Client) Cancel(ctx context.Context, id string) error {
	_, err := c.do(ctx, "delete", "/orders/"+id)
	return err
}

// Send sends a request its caller built.
func (c *Client) Send(req *http.Request) (*http.Response, error) { return c.http.Do(req) }

// Run runs the SQL its caller gives it.
func Run(ctx context.Context, db *sql.DB, stmt string, args ...any) error {
	rows, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}
