package dash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// benchClient is a WebSocket client for load benchmarks. Unlike testClient
// it does not rebuild the tree from every render: it only looks for the
// text the round trip is waiting for, so that the numbers measure the
// server and the socket, not a test client's JSON decoding.
type benchClient struct {
	ws     *websocket.Conn
	slider string // id of the slider labelled "n" in benchApps
	value  int    // the value the next round trip sends
}

// dialBench connects to the trivial bench app at url, says hello, and waits
// for the first final render to learn the slider's id.
func dialBench(ctx context.Context, url string) (*benchClient, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	ws.SetReadLimit(64 << 20)
	c := &benchClient{ws: ws}
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","page":"/"}`)); err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("hello: %w", err)
	}
	for c.slider == "" {
		_, data, err := ws.Read(ctx)
		if err != nil {
			ws.CloseNow()
			return nil, fmt.Errorf("waiting for the first render: %w", err)
		}
		var r renderMsg
		if err := json.Unmarshal(data, &r); err != nil || r.Type != msgRender || r.Running {
			continue // the welcome, or a partial frame
		}
		c.slider = findKind(r.Main, kindSlider)
		if c.slider == "" {
			ws.CloseNow()
			return nil, errors.New("the first render has no slider")
		}
	}
	return c, nil
}

func findKind(nodes []*wireNode, kind string) string {
	for _, n := range nodes {
		if n.Kind == kind {
			return n.ID
		}
		if id := findKind(n.Children, kind); id != "" {
			return id
		}
	}
	return ""
}

// roundTrip moves the slider to the next value and waits for the render
// that shows it (the bench apps print "n=<value>").
func (c *benchClient) roundTrip(ctx context.Context) error {
	c.value++
	msg := fmt.Appendf(nil, `{"type":"set","id":%q,"value":%d}`, c.slider, c.value)
	if err := c.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("set: %w", err)
	}
	want := []byte(`"n=` + strconv.Itoa(c.value) + `"`)
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			return fmt.Errorf("waiting for n=%d: %w", c.value, err)
		}
		if bytes.HasPrefix(data, []byte(`{"type":"error"`)) {
			return fmt.Errorf("server error: %s", data)
		}
		if bytes.Contains(data, want) {
			return nil
		}
	}
}

func (c *benchClient) close() { c.ws.Close(websocket.StatusNormalClosure, "") }

// dialBenchMany opens n sessions, a few at a time, and returns them once
// each has had its first render.
func dialBenchMany(ctx context.Context, url string, n int) ([]*benchClient, error) {
	clients := make([]*benchClient, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range clients {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			clients[i], errs[i] = dialBench(ctx, url)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range clients {
			if c != nil {
				c.ws.CloseNow()
			}
		}
		return nil, fmt.Errorf("opening %d sessions: %w", n, err)
	}
	return clients, nil
}

// benchTimeout bounds every network step of a benchmark, so a stuck server
// fails the benchmark instead of hanging it.
const benchTimeout = 30 * time.Second
