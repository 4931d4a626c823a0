package schedule

import (
	_ "embed"
	"fmt"
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
		"duration": DurationWords,
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
			Now       time.Time
			Jobs      []JobState
			Feeds     []Freshness
			Providers []providerSummary
			Late      int
			Held      []string
		}{Now: d.opt.Clock.Now(), Jobs: d.States(), Feeds: d.Feeds()}
		for _, f := range data.Feeds {
			if f.Late {
				data.Late++
			}
			if f.Totals.HeldBack != "" {
				data.Held = append(data.Held, f.Provider+"/"+f.Name)
			}
		}
		data.Providers = summarise(data.Feeds)
		if err := page.Execute(w, data); err != nil {
			d.opt.Log.Error("status page", "error", err)
		}
	})
	return mux
}

// DurationWords is a lateness or a grace as an operator reads it: "45m", "1h 32m", "3 days 4h".
func DurationWords(v time.Duration) string {
	v = v.Truncate(time.Minute)
	switch {
	case v >= 48*time.Hour:
		return fmt.Sprintf("%d days %dh", v/(24*time.Hour), v%(24*time.Hour)/time.Hour)
	case v >= time.Hour && v%time.Hour == 0:
		return fmt.Sprintf("%dh", v/time.Hour)
	case v >= time.Hour:
		return fmt.Sprintf("%dh %02dm", v/time.Hour, v%time.Hour/time.Minute)
	default:
		return fmt.Sprintf("%dm", v/time.Minute)
	}
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

	feedAgeDesc   = prometheus.NewDesc("ccare_feed_last_file_age_seconds", "Seconds since the feed's newest file was written (absent before its first file).", []string{"provider", "feed"}, nil)
	feedLateDesc  = prometheus.NewDesc("ccare_feed_late", "1 while the feed is late: a due time has passed by its grace with no file for it.", []string{"provider", "feed"}, nil)
	feedDueDesc   = prometheus.NewDesc("ccare_feed_next_due_timestamp_seconds", "When the feed's next file is due (Unix time).", []string{"provider", "feed"}, nil)
	feedFilesDesc = prometheus.NewDesc("ccare_feed_files", "Files of the feed in the warehouse's ledger, by status (loaded, rejected).", []string{"provider", "feed", "status"}, nil)
	// Separate from ccare_feed_files: a superseded file is also a loaded one, and summing
	// one metric's statuses should count each file once.
	feedSupersededDesc = prometheus.NewDesc("ccare_feed_files_superseded", "Files of a whole feed that a later extract superseded (no longer read).", []string{"provider", "feed"}, nil)
	feedArchivedDesc   = prometheus.NewDesc("ccare_feed_files_archived", "Superseded files whose raw rows have moved to the Parquet archive.", []string{"provider", "feed"}, nil)
	feedHeldDesc       = prometheus.NewDesc("ccare_feed_held_back", "1 while the shrink guard holds back the feed's newest whole extract (too few rows to supersede the current one).", []string{"provider", "feed"}, nil)
	rowsDesc           = prometheus.NewDesc("ccare_provider_rows", "Rows of the provider's files in the warehouse's ledger: read, and where each went (loaded, quarantined, superseded).", []string{"provider", "state"}, nil)
)

func (c jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{runsDesc, failuresDesc, retriesDesc, skippedDesc, runningDesc, lastEndDesc,
		feedAgeDesc, feedLateDesc, feedDueDesc, feedFilesDesc, feedSupersededDesc, feedArchivedDesc, feedHeldDesc, rowsDesc} {
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
	now := c.d.opt.Clock.Now()
	for _, f := range c.d.Feeds() {
		if f.Err != "" || f.NextDue.IsZero() {
			continue // not looked at yet, or its inbox unreadable: no figure rather than a wrong one
		}
		if !f.LastFileAt.IsZero() {
			ch <- prometheus.MustNewConstMetric(feedAgeDesc, prometheus.GaugeValue, now.Sub(f.LastFileAt).Seconds(), f.Provider, f.Name)
		}
		late := 0.0
		if f.Late {
			late = 1
		}
		ch <- prometheus.MustNewConstMetric(feedLateDesc, prometheus.GaugeValue, late, f.Provider, f.Name)
		ch <- prometheus.MustNewConstMetric(feedDueDesc, prometheus.GaugeValue, float64(f.NextDue.Unix()), f.Provider, f.Name)
	}
	c.d.mu.Lock()
	totals := c.d.totals
	c.d.mu.Unlock()
	rows := map[string]*[4]int64{}
	var providers []string
	for _, t := range totals {
		ch <- prometheus.MustNewConstMetric(feedFilesDesc, prometheus.GaugeValue, float64(t.FilesLoaded), t.Provider, t.Feed, "loaded")
		ch <- prometheus.MustNewConstMetric(feedFilesDesc, prometheus.GaugeValue, float64(t.FilesRejected), t.Provider, t.Feed, "rejected")
		ch <- prometheus.MustNewConstMetric(feedSupersededDesc, prometheus.GaugeValue, float64(t.FilesSuperseded), t.Provider, t.Feed)
		ch <- prometheus.MustNewConstMetric(feedArchivedDesc, prometheus.GaugeValue, float64(t.FilesArchived), t.Provider, t.Feed)
		held := 0.0
		if t.HeldBack != "" {
			held = 1
		}
		ch <- prometheus.MustNewConstMetric(feedHeldDesc, prometheus.GaugeValue, held, t.Provider, t.Feed)
		r := rows[t.Provider]
		if r == nil {
			r = &[4]int64{}
			rows[t.Provider] = r
			providers = append(providers, t.Provider)
		}
		r[0] += t.RowsRead
		r[1] += t.RowsLoaded
		r[2] += t.RowsQuarantined
		r[3] += t.RowsSuperseded
	}
	for _, p := range providers {
		for i, state := range []string{"read", "loaded", "quarantined", "superseded"} {
			ch <- prometheus.MustNewConstMetric(rowsDesc, prometheus.GaugeValue, float64(rows[p][i]), p, state)
		}
	}
}

// providerSummary is one provider's line at the top of the status page: its worst feed.
type providerSummary struct {
	Provider                        string
	Feeds, Late, Unknown, NeverSent int
	HeldBack                        int
	FilesRejected, RowsLoaded       int64
	LastFileAt                      time.Time
}

func summarise(feeds []Freshness) []providerSummary {
	var out []providerSummary
	for _, f := range feeds {
		if len(out) == 0 || out[len(out)-1].Provider != f.Provider {
			out = append(out, providerSummary{Provider: f.Provider})
		}
		p := &out[len(out)-1]
		p.Feeds++
		switch {
		case f.Err != "":
			p.Unknown++
		case f.Late:
			p.Late++
		}
		if f.LastFileAt.IsZero() {
			p.NeverSent++
		} else if f.LastFileAt.After(p.LastFileAt) {
			p.LastFileAt = f.LastFileAt
		}
		if f.Totals.HeldBack != "" {
			p.HeldBack++
		}
		p.FilesRejected += f.Totals.FilesRejected
		p.RowsLoaded += f.Totals.RowsLoaded
	}
	return out
}
