package dash

import "github.com/prometheus/client_golang/prometheus"

// sharedCacheCollector reports the Redis tier of every live shared cache,
// read at scrape time like cacheCollector. A shared cache's local hits are
// dash_cache_hits_total; its misses (dash_cache_misses_total) split into
// the series below.
type sharedCacheCollector struct{}

var (
	sharedHitsDesc = prometheus.NewDesc("dash_cache_shared_hits_total",
		"Local misses of a shared cache answered from Redis (computed by some replica).", []string{"cache"}, nil)
	sharedComputesDesc = prometheus.NewDesc("dash_cache_shared_computes_total",
		"Values this replica computed for every replica, under the Redis lock.", []string{"cache"}, nil)
	sharedLockWaitsDesc = prometheus.NewDesc("dash_cache_shared_lock_waits_total",
		"Misses that waited for another replica's computation.", []string{"cache"}, nil)
	sharedErrorsDesc = prometheus.NewDesc("dash_cache_shared_errors_total",
		"Failed or timed-out Redis operations of a shared cache.", []string{"cache"}, nil)
	sharedFallbacksDesc = prometheus.NewDesc("dash_cache_shared_fallbacks_total",
		"Values computed local-only because Redis was unavailable (or the value too large for it).", []string{"cache"}, nil)
	sharedUpDesc = prometheus.NewDesc("dash_cache_shared_store_up",
		"1 while the process's shared store (Shared(nil) caches) answers, 0 during an outage; absent without one.", nil, nil)
)

func (sharedCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sharedHitsDesc
	ch <- sharedComputesDesc
	ch <- sharedLockWaitsDesc
	ch <- sharedErrorsDesc
	ch <- sharedFallbacksDesc
	ch <- sharedUpDesc
}

func (sharedCacheCollector) Collect(ch chan<- prometheus.Metric) {
	// Caches of one name (one per replica in a test, or CacheName given
	// twice) are summed: a series must be unique.
	byName := map[string]*SharedCacheStats{}
	var order []string
	for _, s := range SharedCacheStatsAll() {
		t := byName[s.Name]
		if t == nil {
			t = &SharedCacheStats{Name: s.Name}
			byName[s.Name] = t
			order = append(order, s.Name)
		}
		t.SharedHits += s.SharedHits
		t.Computes += s.Computes
		t.LockWaits += s.LockWaits
		t.Errors += s.Errors
		t.Fallbacks += s.Fallbacks
	}
	for _, name := range order {
		t := byName[name]
		ch <- prometheus.MustNewConstMetric(sharedHitsDesc, prometheus.CounterValue, float64(t.SharedHits), name)
		ch <- prometheus.MustNewConstMetric(sharedComputesDesc, prometheus.CounterValue, float64(t.Computes), name)
		ch <- prometheus.MustNewConstMetric(sharedLockWaitsDesc, prometheus.CounterValue, float64(t.LockWaits), name)
		ch <- prometheus.MustNewConstMetric(sharedErrorsDesc, prometheus.CounterValue, float64(t.Errors), name)
		ch <- prometheus.MustNewConstMetric(sharedFallbacksDesc, prometheus.CounterValue, float64(t.Fallbacks), name)
	}
	if s := defaultShared.Load(); s != nil {
		up := 0.0
		if s.Up() {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(sharedUpDesc, prometheus.GaugeValue, up)
	}
}
