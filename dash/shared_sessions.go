package dash

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sync"
	"time"

	"github.com/dashvet/dashvet/dash/copyable/wire"
)

// Shared sessions: with [cache] sessions = true (or the SharedSessions
// option), a session's page, State and widget values are written to the
// shared store after every run, so that a reconnect or a reload that lands
// on another replica, or on this one after a restart, resumes it.
//
// A State value crosses the wire with its dynamic type, which the reading
// replica must know by name before it reads it: types are registered, as
// with encoding/gob. The predeclared types, their slices and string-keyed
// maps, time.Time and the widgets' value types are registered by dash; an
// app registers its own with RegisterStateType at init, in every replica.
// Set with a value of an unregistered type panics: the run shows the error,
// instead of the value being lost silently on the next replica.

// sessionMargin is how much longer than SessionTTL a snapshot is kept after
// the session's last run: a session that stays connected without running
// must still be resumable if its replica dies.
const sessionMargin = time.Hour

// RegisterStateType makes values of type T storable in shared sessions
// (ui.State().Set). Call it at init, in every replica, for each type an
// app stores in State. T must satisfy copyable's shared rule
// (copyable.CheckSharedReflect): RegisterStateType panics otherwise, with
// the path.
func RegisterStateType[T any]() { registerStateType(reflect.TypeFor[T]()) }

type stateType struct {
	name  string
	t     reflect.Type
	codec *wire.Codec
}

var stateTypes struct {
	mu     sync.RWMutex
	byName map[string]*stateType
	byType map[reflect.Type]*stateType
}

func stateTypeName(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

func registerStateType(t reflect.Type) *stateType {
	c, err := wire.NewCodec(t, false)
	if err != nil {
		panic(fmt.Sprintf("dash.RegisterStateType: values of type %s cannot be stored in shared sessions: %v", t, err))
	}
	st := &stateType{name: stateTypeName(t), t: t, codec: c}
	stateTypes.mu.Lock()
	defer stateTypes.mu.Unlock()
	if stateTypes.byName == nil {
		stateTypes.byName = make(map[string]*stateType)
		stateTypes.byType = make(map[reflect.Type]*stateType)
	}
	if old := stateTypes.byName[st.name]; old != nil {
		if old.t != t {
			panic(fmt.Sprintf("dash.RegisterStateType: two types are named %s", st.name))
		}
		return old
	}
	stateTypes.byName[st.name] = st
	stateTypes.byType[t] = st
	return st
}

func init() {
	for _, v := range []any{
		false, "", 0, int8(0), int16(0), int32(0), int64(0),
		uint(0), uint8(0), uint16(0), uint32(0), uint64(0), float32(0), 0.0,
		[]byte(nil), []string(nil), []int(nil), []int64(nil), []float64(nil), []bool(nil),
		map[string]string(nil), map[string]int(nil), map[string]float64(nil), map[string]bool(nil),
		time.Time{}, [2]int{}, [2]float64{},
	} {
		registerStateType(reflect.TypeOf(v))
	}
}

// errNotStorable is wrapped by State.Set's panic for values shared
// sessions cannot store.
var errNotStorable = errors.New("cannot be stored in shared sessions")

// storableType returns the registered type of v, or an error saying what
// to do.
func storableType(v any) (*stateType, error) {
	if v == nil {
		return nil, nil
	}
	t := reflect.TypeOf(v)
	stateTypes.mu.RLock()
	st := stateTypes.byType[t]
	stateTypes.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	if _, err := wire.NewCodec(t, false); err != nil {
		return nil, fmt.Errorf("values of type %s %w: %v", t, errNotStorable, err)
	}
	return nil, fmt.Errorf("values of type %s %w until registered: call dash.RegisterStateType[%s]() at init, in every replica", t, errNotStorable, t)
}

// checkStorable is State's check in a session kept in the shared store.
func checkStorable(key string, v any) {
	if _, err := storableType(v); err != nil {
		panic(fmt.Errorf("dash: State.Set(%q): %w", key, err))
	}
}

// sessionSnapshot is what the shared store keeps of a session.
type sessionSnapshot struct {
	seq    uint64
	page   string
	state  map[string]any
	values map[string]any
}

const snapshotVersion = 1

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendValues writes the entries whose values are storable; the widget
// values of uploads (files on this replica's disk) are skipped.
func appendValues(b []byte, m map[string]any) []byte {
	type entry struct {
		k  string
		st *stateType
		v  any
	}
	var es []entry
	for k, v := range m {
		st, err := storableType(v)
		if err != nil {
			continue
		}
		es = append(es, entry{k, st, v})
	}
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		b = appendString(b, e.k)
		if e.st == nil {
			b = appendString(b, "")
			continue
		}
		b = appendString(b, e.st.name)
		p := reflect.New(e.st.t)
		p.Elem().Set(reflect.ValueOf(e.v))
		enc := e.st.codec.Encode(nil, p.UnsafePointer())
		b = binary.AppendUvarint(b, uint64(len(enc)))
		b = append(b, enc...)
	}
	return b
}

func (sn *sessionSnapshot) encode() []byte {
	b := []byte{snapshotVersion}
	b = binary.AppendUvarint(b, sn.seq)
	b = appendString(b, sn.page)
	b = appendValues(b, sn.state)
	return appendValues(b, sn.values)
}

type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errors.New("length beyond the end")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *snapReader) values() map[string]any {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		if r.err == nil {
			r.err = errors.New("count beyond the end")
		}
		return nil
	}
	m := make(map[string]any, n)
	for range n {
		k := string(r.bytes())
		name := string(r.bytes())
		if r.err != nil {
			return nil
		}
		if name == "" {
			m[k] = nil
			continue
		}
		enc := r.bytes()
		stateTypes.mu.RLock()
		st := stateTypes.byName[name]
		stateTypes.mu.RUnlock()
		if st == nil {
			// Written by a replica that registers a type this one does
			// not: the value cannot be rebuilt here.
			r.err = fmt.Errorf("state type %s is not registered in this replica", name)
			return nil
		}
		p := reflect.New(st.t)
		if err := st.codec.Decode(enc, p.UnsafePointer()); err != nil {
			r.err = err
			return nil
		}
		m[k] = p.Elem().Interface()
	}
	return m
}

func decodeSnapshot(b []byte) (*sessionSnapshot, error) {
	if len(b) == 0 || b[0] != snapshotVersion {
		return nil, errors.New("dash: shared session of an unknown version")
	}
	r := &snapReader{b: b[1:]}
	sn := &sessionSnapshot{seq: r.uvarint(), page: string(r.bytes())}
	sn.state = r.values()
	sn.values = r.values()
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("bytes left over")
	}
	if r.err != nil {
		return nil, fmt.Errorf("dash: shared session snapshot: %w", r.err)
	}
	return sn, nil
}

// SharedSessions is an Option: sessions are kept in store (nil: the
// process's store of [cache] redis_url) as well as in memory, so that a
// reconnect or reload on another replica, or after a restart, resumes them
// within their TTL. The same as [cache] sessions = true. State values must
// be of registered types (RegisterStateType); uploaded files stay on the
// replica that received them.
func SharedSessions(store *SharedStore) Option {
	return optionFunc(func(c *Config) {
		c.Cache.Sessions = true
		c.Cache.sessionStore = store
	})
}

// sharedSessions returns the store sessions are kept in, nil when they are
// kept in memory only.
func (srv *server) sharedSessions() *SharedStore {
	if !srv.cfg.Cache.Sessions {
		return nil
	}
	if s := srv.cfg.Cache.sessionStore; s != nil {
		return s
	}
	return defaultShared.Load()
}

// loadSharedSession reads the snapshot of session id, nil when there is
// none or the store is unavailable (the session then starts fresh, as
// without a store).
func (srv *server) loadSharedSession(id string) *sessionSnapshot {
	st := srv.sharedSessions()
	if st == nil || id == "" {
		return nil
	}
	b, err := st.s.LoadSession(srv.ctx, id)
	if err != nil {
		srv.log.Warn("dash: shared session not loaded", "err", err)
		return nil
	}
	if b == nil {
		return nil
	}
	sn, err := decodeSnapshot(b)
	if err != nil {
		srv.log.Warn("dash: shared session not restored", "err", err)
		return nil
	}
	return sn
}

// prepareShared makes State refuse values the shared store cannot keep.
func (srv *server) prepareShared(s *session) {
	if srv.cfg.Cache.Sessions {
		s.state.mu.Lock()
		s.state.check = checkStorable
		s.state.mu.Unlock()
	}
}

// restoreShared replaces the session's state and widget values with sn's
// when sn is newer than what the session last saved or restored: the user
// ran it on another replica since.
func (s *session) restoreShared(sn *sessionSnapshot) bool {
	if sn == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sn.seq <= s.sharedSeq {
		return false
	}
	// The page stays the one the client asked for: its URL is what the
	// user sees.
	s.sharedSeq = sn.seq
	s.values = sn.values
	s.state.mu.Lock()
	s.state.m = sn.state
	s.state.mu.Unlock()
	s.dirty = true
	return true
}

// saveShared writes the session's snapshot after a run.
func (s *session) saveShared() {
	st := s.srv.sharedSessions()
	if st == nil {
		return
	}
	s.mu.Lock()
	s.sharedSeq++
	sn := sessionSnapshot{seq: s.sharedSeq, page: s.page, values: maps.Clone(s.values)}
	s.mu.Unlock()
	s.state.mu.Lock()
	sn.state = maps.Clone(s.state.m)
	s.state.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := st.s.SaveSession(ctx, s.id, sn.encode(), s.srv.cfg.Server.SessionTTL+sessionMargin); err != nil {
		s.srv.log.Debug("dash: shared session not saved; it lives on in memory", "session", s.logID(), "err", err)
	}
}
