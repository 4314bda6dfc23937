package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// reconnects counts, after the load, users that moved the Day slider,
// disconnected and connected again through the proxy: how many landed on
// another replica, and how many of those found their slider where they
// left it (their session resumed with its widget values).
type reconnects struct {
	total, elsewhere, keptElsewhere int
}

type wsElement struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Props    json.RawMessage `json:"props"`
	Children []wsElement     `json:"children"`
}

type wsMsg struct {
	Type    string      `json:"type"`
	Session string      `json:"session"`
	Running bool        `json:"running"`
	Main    []wsElement `json:"main"`
}

// wsClient is the part of the protocol (docs/protocol.md) the check needs.
type wsClient struct {
	c       *websocket.Conn
	session string
	props   map[string]json.RawMessage // renders omit unchanged props
	kinds   map[string]string
}

func dialWS(ctx context.Context, base, session string) (*wsClient, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/_dash/ws",
		&websocket.DialOptions{HTTPHeader: map[string][]string{"Origin": {base}}})
	if err != nil {
		return nil, err
	}
	w := &wsClient{c: c, props: map[string]json.RawMessage{}, kinds: map[string]string{}}
	if err := w.send(ctx, map[string]any{"type": "hello", "session": session, "page": "/"}); err != nil {
		c.CloseNow()
		return nil, err
	}
	return w, nil
}

func (w *wsClient) send(ctx context.Context, msg any) error {
	b, _ := json.Marshal(msg)
	return w.c.Write(ctx, websocket.MessageText, b)
}

// final reads until a run's final render and returns the props of every
// element by kind and label-free order: the text, the caption, the slider.
func (w *wsClient) final(ctx context.Context) error {
	for {
		_, b, err := w.c.Read(ctx)
		if err != nil {
			return err
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		switch m.Type {
		case "welcome":
			w.session = m.Session
		case "render":
			w.remember(m.Main)
			if !m.Running {
				return nil
			}
		}
	}
}

func (w *wsClient) remember(els []wsElement) {
	for _, e := range els {
		w.kinds[e.ID] = e.Kind
		if len(e.Props) > 0 {
			w.props[e.ID] = e.Props
		}
		w.remember(e.Children)
	}
}

// prop returns the named prop of the first element of kind whose props
// have it.
func (w *wsClient) find(kind, prop string) (id string, v any) {
	for eid, k := range w.kinds {
		if k != kind {
			continue
		}
		var p map[string]any
		json.Unmarshal(w.props[eid], &p)
		if x, ok := p[prop]; ok {
			return eid, x
		}
	}
	return "", nil
}

func checkReconnects(base string, users int) reconnects {
	var mu sync.Mutex
	var r reconnects
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			w, err := dialWS(ctx, base, "")
			if err != nil || w.final(ctx) != nil {
				return
			}
			slider, _ := w.find("slider", "value")
			day := 2 + i%19
			if w.send(ctx, map[string]any{"type": "set", "id": slider, "value": day}) != nil || w.final(ctx) != nil {
				return
			}
			_, before := w.find("caption", "text")
			w.c.Close(websocket.StatusNormalClosure, "")

			w2, err := dialWS(ctx, base, w.session)
			if err != nil || w2.final(ctx) != nil {
				return
			}
			defer w2.c.CloseNow()
			_, after := w2.find("caption", "text")
			_, value := w2.find("slider", "value")
			mu.Lock()
			defer mu.Unlock()
			r.total++
			if fmt.Sprint(after) != fmt.Sprint(before) {
				r.elsewhere++
				if fmt.Sprint(value) == fmt.Sprint(day) {
					r.keptElsewhere++
				}
			}
		}()
	}
	wg.Wait()
	return r
}
