package dash

import (
	"bytes"
	"encoding/json"

	"github.com/coder/websocket"
)

// The wire protocol: JSON text messages over one WebSocket per tab,
// documented in docs/protocol.md. Every message has a "type".

// Client → server message types.
const (
	msgHello    = "hello"    // first message: resume or start a session
	msgSet      = "set"      // a widget's new value
	msgTrigger  = "trigger"  // a button click
	msgSubmit   = "submit"   // a form submit with all its values
	msgNavigate = "navigate" // switch page
	msgRerun    = "rerun"    // rerun with unchanged inputs
)

// Server → client message types.
const (
	msgWelcome = "welcome"
	msgRender  = "render"
	msgError   = "error"
)

// Close codes beyond RFC 6455 (4000-4999 are for applications).
const (
	// closeTakenOver: another connection resumed this session (a reload
	// raced the old socket, or the session id was copied to another
	// tab). The client must not reconnect with the same session id.
	closeTakenOver websocket.StatusCode = 4001
)

// clientMsg is any message from the client; which fields matter depends
// on Type.
type clientMsg struct {
	Type    string          `json:"type"`
	Session string          `json:"session,omitempty"`
	Page    string          `json:"page,omitempty"`
	ID      string          `json:"id,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
	Form    string          `json:"form,omitempty"`
	// Fragment, in a rerun, reruns only that fragment.
	Fragment string                     `json:"fragment,omitempty"`
	Values   map[string]json.RawMessage `json:"values,omitempty"`
}

type pageInfo struct {
	Path  string `json:"path"`
	Title string `json:"title"`
}

type welcomeMsg struct {
	Type    string     `json:"type"`
	Session string     `json:"session"`
	Resumed bool       `json:"resumed"`
	Page    string     `json:"page"`
	Pages   []pageInfo `json:"pages"`
	Theme   themeInfo  `json:"theme"`
	Limits  limitsInfo `json:"limits"`
}

type themeInfo struct {
	PrimaryColor string `json:"primaryColor,omitempty"`
	Base         string `json:"base,omitempty"`
}

type limitsInfo struct {
	MaxMessageSize int64 `json:"maxMessageSize"`
	MaxUploadSize  int64 `json:"maxUploadSize"`
}

// renderMsg carries a run's tree. A node whose props are unchanged since
// this connection last received them carries no props: the client keeps
// the ones it has. Running is true for the partial frames of a run that is
// still going; the client keeps (greyed) the elements such a frame does not
// list, and drops them when the final frame comes.
type renderMsg struct {
	Type    string      `json:"type"`
	Seq     uint64      `json:"seq"`
	Page    string      `json:"page"`
	Running bool        `json:"running"`
	Main    []*wireNode `json:"main"`
	Sidebar []*wireNode `json:"sidebar"`
}

type wireNode struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Props    json.RawMessage `json:"props,omitempty"`
	Children []*wireNode     `json:"children,omitempty"`
}

type errorMsg struct {
	Type  string `json:"type"`
	Error string `json:"error"`
	// Ref is the type of the client message that caused the error, when
	// it could be read.
	Ref string `json:"ref,omitempty"`
}

// frameEncoder turns frames into render messages, leaving out the props
// this connection already has. It belongs to one connection's writer.
type frameEncoder struct {
	sent map[string]json.RawMessage
}

func (e *frameEncoder) encode(f *frame) ([]byte, error) {
	next := e.sent
	if !f.running || next == nil {
		// A final frame lists the whole page: start a fresh map so props
		// of elements that disappeared are not kept.
		next = make(map[string]json.RawMessage, len(e.sent))
	}
	msg := renderMsg{
		Type:    msgRender,
		Seq:     f.seq,
		Page:    f.page,
		Running: f.running,
		Main:    e.wire(f.main, next),
		Sidebar: e.wire(f.sidebar, next),
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	e.sent = next
	return b, nil
}

func (e *frameEncoder) wire(nodes []*node, next map[string]json.RawMessage) []*wireNode {
	out := make([]*wireNode, len(nodes))
	for i, n := range nodes {
		w := &wireNode{ID: n.id, Kind: n.kind}
		if old, ok := e.sent[n.id]; !ok || !bytes.Equal(old, n.props) {
			w.Props = n.props
		}
		next[n.id] = n.props
		if len(n.children) > 0 {
			w.Children = e.wire(n.children, next)
		}
		out[i] = w
	}
	return out
}
