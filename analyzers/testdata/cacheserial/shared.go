package cacheserial

import (
	"context"
	"time"

	"github.com/dashvet/dashvet/dash"
)

// Shared caches cross the wire between replicas: the shared rule applies
// on top of the copy rule.

type Summary struct {
	Region string
	Total  float64
	At     time.Time
}

type WithExtra struct {
	Total float64
	Extra map[string]any
}

type byRegion struct{ Region *string }

var sharedOK = dash.CacheData(func(ctx context.Context, region string) ([]Summary, error) {
	return nil, nil
}, dash.Shared(nil), dash.TTL(time.Minute))

var sharedAny = dash.CacheData(func(ctx context.Context, region string) (WithExtra, error) { // want `^dash.CacheData with dash.Shared cannot share values of type WithExtra between replicas: WithExtra.Extra`
	return WithExtra{}, nil
}, dash.Shared(nil))

var sharedPtrKey = dash.CacheData(func(ctx context.Context, k byRegion) (float64, error) { // want `^dash.CacheData with dash.Shared cannot share keys of type byRegion between replicas: byRegion.Region`
	return 0, nil
}, dash.Shared(nil))

// The same value type in a process-local cache is fine: any is copied.
var localAny = dash.CacheData(func(ctx context.Context, region string) (WithExtra, error) {
	return WithExtra{}, nil
})
