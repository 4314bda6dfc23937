package dash

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// pathMetrics serves the server's metrics in the Prometheus text format.
const pathMetrics = "/metrics"

// serverMetrics are one server's Prometheus metrics. They live in a
// registry of their own, not the global default one: two apps in one
// process (or in one test binary) must not collide, and an app that uses
// the default registry for its own metrics keeps it to itself.
//
// A nil *serverMetrics records nothing.
type serverMetrics struct {
	reg             *prometheus.Registry
	runs            *prometheus.CounterVec
	runSeconds      *prometheus.HistogramVec
	uploadsRejected *prometheus.CounterVec
}

func newServerMetrics(srv *server) *serverMetrics {
	m := &serverMetrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dash_reruns_total",
			Help: "Runs of page functions (scope page) and fragments (scope fragment), by outcome.",
		}, []string{"scope", "outcome"}),
		runSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dash_rerun_duration_seconds",
			Help: "Duration of runs that completed, stopped or panicked.",
			// From a cached rerun (a millisecond) to a slow query.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"scope"}),
		uploadsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dash_upload_rejections_total",
			Help: "Uploads refused, by reason (too_large, rejected, unknown_widget, unknown_session, forbidden).",
		}, []string{"reason"}),
	}
	m.reg.MustRegister(
		m.runs, m.runSeconds, m.uploadsRejected,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dash_sessions",
			Help: "Sessions kept: connected, and disconnected within their TTL.",
		}, func() float64 { return float64(srv.sessionCount()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dash_connections",
			Help: "Open WebSocket connections.",
		}, func() float64 { return float64(srv.connCount()) }),
		cacheCollector{},
		sharedCacheCollector{},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *serverMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observeRun records a run that has ended.
func (m *serverMetrics) observeRun(r *run, d time.Duration) {
	if m == nil {
		return
	}
	r.mu.Lock()
	outcome, scope := r.outcome, "page"
	if r.fragment != "" {
		scope = "fragment"
	}
	r.mu.Unlock()
	name := map[runOutcome]string{
		outcomeAborted: "aborted", outcomeCompleted: "completed",
		outcomeStopped: "stopped", outcomePanicked: "panicked",
	}[outcome]
	m.runs.WithLabelValues(scope, name).Inc()
	// An aborted run's duration says when the user clicked again, not how
	// long the app takes.
	if outcome != outcomeAborted {
		m.runSeconds.WithLabelValues(scope).Observe(d.Seconds())
	}
}

// uploadRejected counts an upload refused for reason.
func (m *serverMetrics) uploadRejected(reason string) {
	if m == nil {
		return
	}
	m.uploadsRejected.WithLabelValues(reason).Inc()
}

// cacheCollector reports every live cache of the process, read from
// CacheStatsAll at scrape time, so caches created after the server
// started appear without registering anything.
type cacheCollector struct{}

var (
	cacheHitsDesc = prometheus.NewDesc("dash_cache_hits_total",
		"Cache lookups answered from the cache.", []string{"cache"}, nil)
	cacheMissesDesc = prometheus.NewDesc("dash_cache_misses_total",
		"Cache lookups that computed the value.", []string{"cache"}, nil)
	cacheEntriesDesc = prometheus.NewDesc("dash_cache_entries",
		"Entries held by the cache.", []string{"cache"}, nil)
	cacheBytesDesc = prometheus.NewDesc("dash_cache_bytes",
		"Estimated size of the values held by a data cache.", []string{"cache"}, nil)
)

func (cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- cacheHitsDesc
	ch <- cacheMissesDesc
	ch <- cacheEntriesDesc
	ch <- cacheBytesDesc
}

func (cacheCollector) Collect(ch chan<- prometheus.Metric) {
	// Two caches may share a name (CacheName given twice, or one created
	// per call at the same line); a series must be unique, so they are
	// summed.
	type sums struct {
		hits, misses  uint64
		entries, size int64
	}
	byName := map[string]*sums{}
	var order []string
	for _, s := range CacheStatsAll() {
		t := byName[s.Name]
		if t == nil {
			t = &sums{}
			byName[s.Name] = t
			order = append(order, s.Name)
		}
		t.hits += s.Hits
		t.misses += s.Misses
		t.entries += int64(s.Entries)
		t.size += s.Bytes
	}
	for _, name := range order {
		t := byName[name]
		ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(t.hits), name)
		ch <- prometheus.MustNewConstMetric(cacheMissesDesc, prometheus.CounterValue, float64(t.misses), name)
		ch <- prometheus.MustNewConstMetric(cacheEntriesDesc, prometheus.GaugeValue, float64(t.entries), name)
		ch <- prometheus.MustNewConstMetric(cacheBytesDesc, prometheus.GaugeValue, float64(t.size), name)
	}
}
