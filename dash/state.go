package dash

import "sync"

// State is one browser session's key/value store. It survives reruns, is
// lost when the session ends, and no session can see another's. It is safe
// for concurrent use.
type State struct {
	mu sync.Mutex
	m  map[string]any
	// check, when set, panics for values the session's store cannot keep
	// (shared sessions: see checkStorable).
	check func(key string, v any)
}

func newState() *State { return &State{m: make(map[string]any)} }

// Get returns the value stored under key and whether it was present.
func (s *State) Get(key string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

// Has reports whether key is present.
func (s *State) Has(key string) bool {
	_, ok := s.Get(key)
	return ok
}

// Set stores v under key, replacing any previous value. On the rerun path an
// unguarded Set resets the value on every rerun; use SetDefault to
// initialise (the stateinit analyzer reports the mistake).
//
// With shared sessions, a value of a type that cannot be stored in them
// (see RegisterStateType) panics, which ends the run with the error.
func (s *State) Set(key string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.check != nil {
		s.check(key, v)
	}
	s.m[key] = v
}

// SetDefault stores v under key only if key is absent, and returns the value
// now stored under key.
func (s *State) SetDefault(key string, v any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.m[key]; ok {
		return cur
	}
	if s.check != nil {
		s.check(key, v)
	}
	s.m[key] = v
	return v
}

// Delete removes key.
func (s *State) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
}

// Keys returns the stored keys in no particular order.
func (s *State) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	return keys
}

// Value is the typed accessor of State: it returns the value under key as a
// T. ok is false when the key is absent or holds a value of another type.
func Value[T any](s *State, key string) (v T, ok bool) {
	raw, present := s.Get(key)
	if !present {
		return v, false
	}
	v, ok = raw.(T)
	return v, ok
}

// ValueOr returns the value under key as a T, storing and returning def when
// the key is absent (a typed SetDefault).
func ValueOr[T any](s *State, key string, def T) T {
	raw := s.SetDefault(key, def)
	if v, ok := raw.(T); ok {
		return v
	}
	return def
}
