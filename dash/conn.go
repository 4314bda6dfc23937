package dash

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

const (
	helloTimeout    = 10 * time.Second // the client must say hello this soon
	writeTimeout    = 10 * time.Second // one message must be written this soon
	pingInterval    = 30 * time.Second // finds dead peers behind silent networks
	controlQueue    = 16               // error messages waiting to be written
	maxMalformed    = 50               // bad messages tolerated per connection per malformedWindow
	malformedWindow = time.Minute
	// rejectLogs is how many rejected messages of one connection are
	// logged one by one per malformedWindow; the rest are counted and
	// logged as one summary line, so a flood cannot flood the log.
	rejectLogs = 5
	// maxEchoed bounds the client-supplied text (a message type, a widget
	// id) that goes back in an error message or into the log.
	maxEchoed     = 256
	closeDeadline = 2 * time.Second // for the close handshake on shutdown
)

// conn is one WebSocket connection attached to a session. It has two
// goroutines, the reader (the HTTP handler's own) and the writer, and a
// third, the runner, while the session has runs to do. All end when ctx is
// cancelled.
type conn struct {
	srv    *server
	ws     *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc

	// The runner goroutine exists only while there are runs to do: an idle
	// session then costs no goroutine stack for it (4 KiB of the ~38 KiB an
	// idle session held when it waited on a channel).
	runMu      sync.Mutex
	runSess    *session // set by startRunner; until then wakes are only recorded
	runActive  bool     // a runner goroutine is running
	runPending bool     // a wake the runner has not acted on yet

	// Frames are not queued: the writer sends the newest one, so a slow
	// client costs memory for one frame, not for every run it missed.
	mu      sync.Mutex
	pending *frame
	notify  chan struct{} // capacity 1
	control chan []byte   // bounded; extra error messages are dropped

	enc frameEncoder
	// malformed counts bad messages since malformedSince. A legitimate
	// client sends some (a click on a widget that a run just removed), so
	// the count starts over every malformedWindow.
	malformed      int
	malformedSince time.Time
	unlogged       int // rejections counted but not logged one by one
	// client is the connection's clientKey; logState says whether its
	// rejections are logged: a client gets one logging connection a
	// minute, so that one opening connection after connection, each with
	// a bad message, cannot fill the log.
	client   string
	logState int8   // 0 undecided, 1 logged, -1 muted
	logID    string // the session's, once attached
}

func newConn(srv *server, ws *websocket.Conn) *conn {
	ctx, cancel := context.WithCancel(srv.ctx)
	return &conn{
		srv:     srv,
		ws:      ws,
		ctx:     ctx,
		cancel:  cancel,
		notify:  make(chan struct{}, 1),
		control: make(chan []byte, controlQueue),
	}
}

// wakeRunner asks for the session's pending runs to be done, starting the
// runner goroutine unless it is running. Many wakes before the runner acts
// on them count as one, as the runs they ask for coalesce.
func (c *conn) wakeRunner() {
	c.runMu.Lock()
	c.runPending = true
	start := c.runSess != nil && !c.runActive
	c.runActive = c.runActive || start
	c.runMu.Unlock()
	if start {
		go c.runner()
	}
}

// startRunner lets wakes start runs of s from now on, and acts on those
// that came before.
func (c *conn) startRunner(s *session) {
	c.runMu.Lock()
	c.runSess = s
	start := c.runPending && !c.runActive
	c.runActive = c.runActive || start
	c.runMu.Unlock()
	if start {
		go c.runner()
	}
}

// runner performs the session's runs until none is pending or the
// connection ends. A wake that arrives while it runs makes it look again
// before it exits, so no wake is lost.
func (c *conn) runner() {
	for {
		c.runMu.Lock()
		if !c.runPending || c.ctx.Err() != nil {
			c.runActive = false
			c.runMu.Unlock()
			return
		}
		c.runPending = false
		s := c.runSess
		c.runMu.Unlock()
		for c.ctx.Err() == nil && s.runOnce(c) {
		}
	}
}

// pushFrame replaces the frame waiting to be written.
func (c *conn) pushFrame(f *frame) {
	c.mu.Lock()
	c.pending = f
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *conn) takeFrame() *frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.pending
	c.pending = nil
	return f
}

// sendError queues an error message for the client. If the queue is full
// the client is not reading its errors anyway and the message is dropped.
func (c *conn) sendError(ref string, err error) {
	b, mErr := json.Marshal(errorMsg{Type: msgError, Error: clip(err.Error()), Ref: clip(ref)})
	if mErr != nil {
		return
	}
	select {
	case c.control <- b:
	default:
	}
}

func (c *conn) write(b []byte) error {
	ctx, cancel := context.WithTimeout(c.ctx, writeTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// writeLoop writes frames and error messages until the connection ends.
func (c *conn) writeLoop() {
	defer c.cancel()
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	for {
		var err error
		select {
		case <-c.ctx.Done():
			return
		case b := <-c.control:
			err = c.write(b)
		case <-c.notify:
			f := c.takeFrame()
			if f == nil {
				continue
			}
			var b []byte
			if b, err = c.enc.encode(f); err == nil {
				err = c.write(b)
			}
			c.enc.release()
		case <-ping.C:
			ctx, cancel := context.WithTimeout(c.ctx, writeTimeout)
			err = c.ws.Ping(ctx)
			cancel()
		}
		if err != nil {
			if c.ctx.Err() == nil {
				c.srv.log.Debug("dash: websocket write failed", "err", err)
			}
			return
		}
	}
}

// readLoop dispatches client messages to sess until the connection ends.
func (c *conn) readLoop(sess *session) {
	defer c.cancel()
	c.logID = sess.logID()
	defer c.logUnlogged()
	for {
		typ, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.logReadEnd(err)
			return
		}
		// Every kind of bad message counts toward the limit: binary
		// frames and malformed JSON as much as well-formed nonsense.
		ref, err := c.handle(sess, typ, data)
		if err == nil {
			continue
		}
		c.reject(ref, err, len(data))
		if c.malformed > maxMalformed {
			c.srv.log.Warn("dash: closing a connection that keeps sending bad messages",
				"session", c.logID, "bad_messages", c.malformed, "within", malformedWindow)
			c.ws.Close(websocket.StatusPolicyViolation, "too many malformed messages")
			return
		}
	}
}

// handle decodes and dispatches one message. It returns the message's type,
// when it could be read, with the error that rejects the message.
func (c *conn) handle(sess *session, typ websocket.MessageType, data []byte) (ref string, err error) {
	if typ != websocket.MessageText {
		return "", errors.New("binary messages are not part of the protocol")
	}
	var m clientMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("malformed message: %w", err)
	}
	return m.Type, c.dispatch(sess, &m)
}

func (c *conn) dispatch(s *session, m *clientMsg) error {
	switch m.Type {
	case msgSet:
		if m.ID == "" || len(m.Value) == 0 {
			return errors.New("set needs id and value")
		}
		return s.setValue(m.ID, m.Value)
	case msgTrigger:
		if m.ID == "" {
			return errors.New("trigger needs id")
		}
		return s.trigger(m.ID)
	case msgSubmit:
		if m.Form == "" || m.ID == "" {
			return errors.New("submit needs form and id")
		}
		return s.submit(m.Form, m.ID, m.Values)
	case msgNavigate:
		return s.navigate(m.Page)
	case msgRerun:
		if m.Fragment != "" {
			return s.rerunFragment(m.Fragment)
		}
		s.rerun()
		return nil
	case msgHello:
		return errors.New("hello may only be the first message")
	case "":
		return errors.New("message has no type")
	default:
		return fmt.Errorf("unknown message type %q", m.Type)
	}
}

// reject answers a bad message with an error message and logs it. Bad
// messages are counted; a client that sends little else is cut off.
func (c *conn) reject(ref string, err error, size int) {
	if now := time.Now(); now.Sub(c.malformedSince) > malformedWindow {
		c.logUnlogged()
		c.malformed, c.malformedSince = 0, now
	}
	c.malformed++
	if c.logState == 0 {
		c.logState = -1
		if c.srv.clientLogs.allow("rejected " + c.client) {
			c.logState = 1
		}
	}
	// A muted connection logs nothing: the client's rejections are being
	// logged on another connection this minute.
	switch {
	case c.logState < 0:
	case c.malformed <= rejectLogs:
		c.srv.log.Warn("dash: rejected client message", "session", c.logID, "type", clip(ref), "size", size, "err", clip(err.Error()))
	default:
		c.unlogged++
	}
	c.sendError(ref, err)
}

// logUnlogged writes the summary line for the rejections not logged one by
// one.
func (c *conn) logUnlogged() {
	if c.unlogged == 0 {
		return
	}
	c.srv.log.Warn("dash: more client messages rejected (not logged one by one)", "session", c.logID, "count", c.unlogged)
	c.unlogged = 0
}

// clip shortens client-supplied text for the log and for error messages.
func clip(s string) string {
	if len(s) <= maxEchoed {
		return s
	}
	return s[:maxEchoed] + "…"
}

func (c *conn) logReadEnd(err error) {
	// The read limit ends the read with ErrMessageTooBig, not with a close
	// status: the library sends the 1009 itself. One line a minute for the
	// whole server, however many connections send oversized messages.
	if errors.Is(err, websocket.ErrMessageTooBig) {
		if c.srv.clientLogs.allow("message too big") {
			c.srv.log.Warn("dash: closed a connection whose message exceeded the size limit (one line a minute)",
				"session", c.logID, "limit", c.srv.cfg.Server.MaxMessageSize)
		}
		return
	}
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway, websocket.StatusNoStatusRcvd:
		return
	}
	if c.ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		c.srv.log.Debug("dash: websocket read ended", "err", err)
	}
}

// readHello reads the first message, which must be a hello within
// timeout. A client that stays silent is closed with 1008 like one that
// sends something else, and one still silent when ctx ends (shutdown
// begins) with 1001, so that it does not hold shutdown for the rest of its
// timeout. Both get a close frame: a deadline on the read's context would
// drop the TCP connection without one.
func readHello(ctx context.Context, ws *websocket.Conn, timeout time.Duration) (*clientMsg, error) {
	var once sync.Once
	closed := make(chan struct{})
	closeWith := func(code websocket.StatusCode, reason string) {
		once.Do(func() {
			defer close(closed)
			ws.Close(code, reason)
		})
	}
	timer := time.AfterFunc(timeout, func() { closeWith(websocket.StatusPolicyViolation, "no hello in time") })
	stop := context.AfterFunc(ctx, func() { closeWith(websocket.StatusGoingAway, "server shutting down") })
	typ, data, err := ws.Read(context.Background())
	timedOut, shutDown := !timer.Stop(), !stop()
	if timedOut || shutDown {
		<-closed // the close handshake is over; nothing outlives the handler
		if shutDown && ctx.Err() != nil {
			return nil, fmt.Errorf("no hello before shutdown: %w", ctx.Err())
		}
		return nil, fmt.Errorf("no hello within %v", timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("reading hello: %w", err)
	}
	if typ != websocket.MessageText {
		return nil, errors.New("the first message must be a text hello")
	}
	var m clientMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("malformed hello: %w", err)
	}
	if m.Type != msgHello {
		return nil, fmt.Errorf("the first message must be a hello, got %q", m.Type)
	}
	return &m, nil
}
