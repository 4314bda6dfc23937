package cacheserial_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dashvet/dashvet/analyzers/cacheserial"
	"github.com/dashvet/dashvet/analyzers/internal/testenv"
	"github.com/dashvet/dashvet/dash/copyable"
)

// The value types of testdata/cacheserial, declared again here so that the
// runtime's face of the rule (CheckReflect) can judge them.
type (
	Row struct {
		Region string
		Amount float64
		At     time.Time
	}
	Report struct {
		Title string
		Rows  *sql.Rows
	}
	Guarded struct {
		mu    sync.Mutex
		Items []Row
	}
	WithExtra struct {
		Total float64
		Extra map[string]any
	}
	byRegion struct{ Region *string }
	// cachex.Page[Attachment], cachex.Page[Row]
	Attachment struct {
		Name string
		Open func(context.Context) (*sql.Rows, error)
	}
	Page[T any] struct {
		Items []T
		Next  string
	}
)

// TestCacheSerial runs the analyzer over its testdata, checking the
// findings and their suggested fixes, and then that every finding states
// the runtime's own verdict on the same type (same path, type and reason)
// and that the types it accepts are accepted by the runtime. Both use one
// load, which type-checks package dash from source, the bulk of the time.
func TestCacheSerial(t *testing.T) {
	dir := testenv.Dir(t)
	var msgs []string
	for _, r := range analysistest.RunWithSuggestedFixes(t, dir, cacheserial.Analyzer, "./cacheserial") {
		for _, d := range r.Diagnostics {
			msgs = append(msgs, d.Message)
		}
	}
	for name, typ := range map[string]reflect.Type{
		"Report":        reflect.TypeFor[Report](),
		"*Guarded":      reflect.TypeFor[*Guarded](),
		"*sql.DB":       reflect.TypeFor[*sql.DB](),
		"chan Row":      reflect.TypeFor[chan Row](),
		"*sql.Rows":     reflect.TypeFor[*sql.Rows](),
		"*redis.Client": reflect.TypeFor[*redis.Client](),
	} {
		p := copyable.CheckReflect(typ)
		if p == nil {
			t.Errorf("runtime accepts %s, the analyzer reports it", name)
			continue
		}
		verdict := p.Error()
		if p.Path == "" {
			verdict = p.Reason
		}
		want := "dash.CacheData cannot deep-copy values of type " + name + ": " + verdict
		if !containsPrefix(msgs, want) {
			t.Errorf("no finding states the runtime's verdict %q; findings:\n%s", want, strings.Join(msgs, "\n"))
		}
	}
	// A wrapper's value type built from its parameter: the verdict on
	// the item's func field is the runtime's.
	if p := copyable.CheckReflect(reflect.TypeFor[Page[Attachment]]()); p == nil {
		t.Errorf("runtime accepts Page[Attachment], the analyzer reports it")
	} else if want := "dash.CacheData (through cachex.Paged) cannot deep-copy values of type cachex.Page[Attachment]: " + p.Error(); !containsPrefix(msgs, want) {
		t.Errorf("no finding states the runtime's verdict %q; findings:\n%s", want, strings.Join(msgs, "\n"))
	}
	for name, typ := range map[string]reflect.Type{
		"[]Row":          reflect.TypeFor[[]Row](),
		"map[string]int": reflect.TypeFor[map[string]int](),
		"Page[Row]":      reflect.TypeFor[Page[Row]](),
	} {
		if p := copyable.CheckReflect(typ); p != nil {
			t.Errorf("the analyzer accepts %s, the runtime rejects it: %v", name, p)
		}
	}
	// Shared caches: the runtime's shared rule, for values and keys.
	for _, c := range []struct {
		what, name string
		p          *copyable.Problem
	}{
		{"values", "WithExtra", copyable.CheckSharedReflect(reflect.TypeFor[WithExtra]())},
		{"keys", "byRegion", copyable.CheckSharedKeyReflect(reflect.TypeFor[byRegion]())},
	} {
		if c.p == nil {
			t.Errorf("runtime shares %s of type %s, the analyzer reports them", c.what, c.name)
			continue
		}
		want := "dash.CacheData with dash.Shared cannot share " + c.what + " of type " + c.name + " between replicas: " + c.p.Error()
		if !containsPrefix(msgs, want) {
			t.Errorf("no finding states the runtime's verdict %q; findings:\n%s", want, strings.Join(msgs, "\n"))
		}
	}
	if len(msgs) != 15 {
		t.Errorf("got %d findings, want 15 (one per uncopyable cache of the testdata, seven of them made through generic wrappers, and one per unshareable type)", len(msgs))
	}
}

func containsPrefix(msgs []string, prefix string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}
