package dash

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

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
//
// The message is assembled by hand: props are JSON already (marshalled at
// emission), and encoding/json would re-validate and re-compact every one
// of them on every frame, which was a fifth of the cost of a rerun.
type frameEncoder struct {
	sent map[string]json.RawMessage
	buf  *[]byte // borrowed from encodeBufs until release
}

// encodeBufs holds render message buffers between writes. A connection
// borrows one for a message and gives it back once written, so an idle
// session holds no buffer (a 100-element page left 14 KiB in every idle
// session) while busy connections still reuse grown buffers.
var encodeBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuf keeps the buffer of an exceptionally large message out of
// the pool, where it would outlive its use by two GC cycles.
const maxPooledBuf = 4 << 20

// release gives the encoder's buffer back; the bytes encode returned are
// invalid afterwards.
func (e *frameEncoder) release() {
	if e.buf == nil {
		return
	}
	if cap(*e.buf) <= maxPooledBuf {
		encodeBufs.Put(e.buf)
	}
	e.buf = nil
}

// encode returns the render message for f. The bytes are valid until the
// next call of encode or release.
func (e *frameEncoder) encode(f *frame) ([]byte, error) {
	next := e.sent
	if !f.running || next == nil {
		// A final frame lists the whole page: start a fresh map so props
		// of elements that disappeared are not kept.
		next = make(map[string]json.RawMessage, len(e.sent))
	}
	if e.buf == nil {
		e.buf = encodeBufs.Get().(*[]byte)
	}
	b := append((*e.buf)[:0], `{"type":"render","seq":`...)
	b = strconv.AppendUint(b, f.seq, 10)
	b = append(b, `,"page":`...)
	b = appendJSONString(b, f.page)
	b = append(b, `,"running":`...)
	b = strconv.AppendBool(b, f.running)
	b = append(b, `,"main":`...)
	b = e.appendNodes(b, f.main, next)
	b = append(b, `,"sidebar":`...)
	b = e.appendNodes(b, f.sidebar, next)
	b = append(b, '}')
	e.sent, *e.buf = next, b
	return b, nil
}

func (e *frameEncoder) appendNodes(b []byte, nodes []*node, next map[string]json.RawMessage) []byte {
	b = append(b, '[')
	for i, n := range nodes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendJSONString(b, n.id)
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, n.kind)
		if old, ok := e.sent[n.id]; !ok || !bytes.Equal(old, n.props) {
			b = append(b, `,"props":`...)
			b = append(b, n.props...)
		}
		next[n.id] = n.props
		if len(n.children) > 0 {
			b = append(b, `,"children":`...)
			b = e.appendNodes(b, n.children, next)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string. Ids, kinds and paths are
// plain ASCII almost always; anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
