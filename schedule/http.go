package schedule

import (
	_ "embed"
	"html/template"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed templates/status.html.tmpl
var statusHTML string

// Handler serves the operator's endpoints: /healthz, /metrics (Prometheus) and / (the
// status page, one self-contained HTML page: no script, style or font from the network).
func (d *Daemon) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(jobCollector{d})
	page := template.Must(template.New("status").Funcs(template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return t.In(d.opt.Location).Format("Mon 2 Jan 2006 15:04")
		},
	}).Parse(statusHTML))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		data := struct {
			Now  time.Time
			Jobs []JobState
		}{d.opt.Clock.Now(), d.States()}
		if err := page.Execute(w, data); err != nil {
			d.opt.Log.Error("status page", "error", err)
		}
	})
	return mux
}

// jobCollector turns the daemon's job states into metrics at each scrape.
type jobCollector struct{ d *Daemon }

var (
	runsDesc     = prometheus.NewDesc("ccare_job_runs_total", "Runs of a job that ended, after any retries.", []string{"job"}, nil)
	failuresDesc = prometheus.NewDesc("ccare_job_failures_total", "Runs of a job that failed after their last retry.", []string{"job"}, nil)
	retriesDesc  = prometheus.NewDesc("ccare_job_retries_total", "Retries of a job after a transient failure.", []string{"job"}, nil)
	skippedDesc  = prometheus.NewDesc("ccare_job_skipped_total", "Times a job was due while its last run was still going, and was not started again.", []string{"job"}, nil)
	runningDesc  = prometheus.NewDesc("ccare_job_running", "1 while the job runs.", []string{"job"}, nil)
	lastEndDesc  = prometheus.NewDesc("ccare_job_last_end_timestamp_seconds", "When the job's last run ended (Unix time; 0 before its first).", []string{"job"}, nil)
)

func (c jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{runsDesc, failuresDesc, retriesDesc, skippedDesc, runningDesc, lastEndDesc} {
		ch <- d
	}
}

func (c jobCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.d.States() {
		running := 0.0
		if st.Running {
			running = 1
		}
		var lastEnd float64
		if !st.LastEnd.IsZero() {
			lastEnd = float64(st.LastEnd.UnixNano()) / 1e9
		}
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.CounterValue, float64(st.Runs), st.Name)
		ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(st.Failures), st.Name)
		ch <- prometheus.MustNewConstMetric(retriesDesc, prometheus.CounterValue, float64(st.Retries), st.Name)
		ch <- prometheus.MustNewConstMetric(skippedDesc, prometheus.CounterValue, float64(st.Skipped), st.Name)
		ch <- prometheus.MustNewConstMetric(runningDesc, prometheus.GaugeValue, running, st.Name)
		ch <- prometheus.MustNewConstMetric(lastEndDesc, prometheus.GaugeValue, lastEnd, st.Name)
	}
}
