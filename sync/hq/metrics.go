package hq

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus series, on a registry of its own so
// that two servers in one test process do not collide.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	bytesIn   prometheus.Counter
	applied   prometheus.Counter
	replayed  prometheus.Counter
	refusals  *prometheus.CounterVec
	resumes   prometheus.Counter
	inFlight  prometheus.Gauge
	revisions prometheus.Counter
	handler   http.Handler
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hq_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	m.bytesIn = prometheus.NewCounter(prometheus.CounterOpts{Name: "hq_received_bytes_total", Help: "Upload body bytes received."})
	m.applied = prometheus.NewCounter(prometheus.CounterOpts{Name: "hq_bundles_applied_total", Help: "Bundles verified and applied."})
	m.replayed = prometheus.NewCounter(prometheus.CounterOpts{Name: "hq_bundles_replayed_total", Help: "Bundles already applied, answered with their original receipt."})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hq_bundles_refused_total", Help: "Refusals by reason."}, []string{"reason"})
	m.resumes = prometheus.NewCounter(prometheus.CounterOpts{Name: "hq_upload_resumes_total", Help: "Uploads continued from a non-zero offset."})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "hq_uploads_in_flight", Help: "Upload requests being received."})
	m.revisions = prometheus.NewCounter(prometheus.CounterOpts{Name: "hq_revisions_received_total", Help: "Revisions in applied bundles."})
	m.reg.MustRegister(m.requests, m.bytesIn, m.applied, m.replayed, m.refusals, m.resumes, m.inFlight, m.revisions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) request(route string, code int) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
}

func (m *metrics) refused(reason string) { m.refusals.WithLabelValues(reason).Inc() }

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }
