// Package redis mimics the shape of go-redis v9 that the catalogue
// matches: commands are methods of the unexported cmdable, promoted into
// Client by embedding.
package redis

import "context"

type Options struct{ Addr string }

type StringCmd struct{ val string }

func (c *StringCmd) Result() (string, error) { return c.val, nil }

type cmdable func(ctx context.Context) error

func (c cmdable) Get(ctx context.Context, key string) *StringCmd { return &StringCmd{} }

type Client struct {
	cmdable
}

func NewClient(opt *Options) *Client { return &Client{} }

func (c *Client) Close() error { return nil }
