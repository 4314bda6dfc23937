package dash

import (
	"slices"
	"sync"
	"testing"
)

func TestStateOperations(t *testing.T) {
	s := newState()
	if _, ok := s.Get("k"); ok || s.Has("k") {
		t.Fatal("a new state has keys")
	}
	if got := s.SetDefault("k", 1); got != 1 {
		t.Errorf("SetDefault on an absent key = %v, want 1", got)
	}
	if got := s.SetDefault("k", 2); got != 1 {
		t.Errorf("SetDefault on a present key = %v, want the stored 1", got)
	}
	s.Set("k", 3)
	if v, ok := Value[int](s, "k"); !ok || v != 3 {
		t.Errorf("Value[int] = %v, %v", v, ok)
	}
	if v, ok := Value[string](s, "k"); ok || v != "" {
		t.Errorf("Value[string] of an int = %q, %v; want zero, false", v, ok)
	}
	if got := ValueOr(s, "k", "x"); got != "x" {
		t.Errorf("ValueOr of another type = %q, want the default", got)
	}
	if got := ValueOr(s, "new", 7); got != 7 || !s.Has("new") {
		t.Errorf("ValueOr on an absent key = %v, stored %v", got, s.Has("new"))
	}
	keys := s.Keys()
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"k", "new"}) {
		t.Errorf("Keys = %v", keys)
	}
	s.Delete("k")
	if s.Has("k") {
		t.Error("Delete kept the key")
	}
}

// The app, its OnChange callbacks and goroutines the app starts may share
// a session's state; run with -race.
func TestStateConcurrentUse(t *testing.T) {
	s := newState()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				s.Set("k", i*j)
				s.SetDefault("d", i)
				s.Get("k")
				ValueOr(s, "n", 0)
				s.Keys()
			}
		}()
	}
	wg.Wait()
	if !s.Has("k") || !s.Has("d") {
		t.Error("keys lost under concurrent use")
	}
}
