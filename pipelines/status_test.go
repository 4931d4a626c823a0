package pipelines

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/runlock"
	"github.com/bnssg-connecting-care/ccare/schedule"
)

// TestAttention: each thing an operator must look at is named, and nothing else is.
func TestAttention(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 2, 30, 0, 0, loc)
	published := &PublishedRun{RunID: 7, Job: "nightly", Finished: at}
	feed := func(name string, f func(*schedule.Freshness)) FeedStatus {
		fr := schedule.Freshness{Feed: schedule.Feed{Provider: "gp-emis", Name: name}, LastFile: name + ".csv", LastFileAt: at}
		fr.Totals = schedule.FeedTotals{Provider: "gp-emis", Feed: name, FilesLoaded: 3, LastLoaded: at}
		if f != nil {
			f(&fr)
		}
		return feedStatus(fr)
	}
	for _, tt := range []struct {
		name string
		rep  StatusReport
		want []string // one substring per expected item, in order
	}{
		{"all well", StatusReport{Published: published, Feeds: []FeedStatus{feed("patients", nil)}}, nil},
		{"a run is running, nothing published yet", StatusReport{Running: &runlock.Holder{PID: 1, Job: "nightly"}}, nil},
		{"nothing published", StatusReport{}, []string{"no run has published the warehouse yet"}},
		{"a run died", StatusReport{Published: published, Died: &runlock.Holder{PID: 4242, Host: "etl1", Job: "hourly", Started: at}},
			[]string{"the hourly run started Mon 2 Nov 02:30 (pid 4242 on etl1) did not finish"}},
		{"the last run failed", StatusReport{Published: published, LastRun: &LastRun{RunID: 8, Job: "nightly", Status: "failed", Finished: at, Message: "disk full"}},
			[]string{"the last nightly run (run 8) failed at Mon 2 Nov 02:30: disk full"}},
		{"failed before it was recorded", StatusReport{Published: published, LastRun: &LastRun{Job: "hourly", Status: "failed", Finished: at, Message: "open warehouse"}},
			[]string{"(before it was recorded) failed"}},
		{"the last run succeeded", StatusReport{Published: published, LastRun: &LastRun{RunID: 8, Job: "nightly", Status: "succeeded"}}, nil},
		{"late and unreadable feeds", StatusReport{Published: published, Feeds: []FeedStatus{
			feed("patients", func(f *schedule.Freshness) { f.Late = true }),
			feed("problems", func(f *schedule.Freshness) { f.Err = "permission denied" }),
			feed("allergies", func(f *schedule.Freshness) { f.Late = true }),
		}}, []string{"1 feed(s) whose inbox cannot be read: gp-emis/problems: permission denied", "2 feed(s) late: gp-emis/patients gp-emis/allergies"}},
		{"held back", StatusReport{Published: published, Feeds: []FeedStatus{
			feed("patients", func(f *schedule.Freshness) { f.Totals.HeldBack = "held back: gp-emis/patients x.csv: 0 rows" }),
		}}, []string{"held back: gp-emis/patients x.csv: 0 rows"}},
		{"newest file rejected", StatusReport{Published: published, Feeds: []FeedStatus{
			feed("patients", func(f *schedule.Freshness) {
				f.Totals.FilesRejected, f.Totals.LastRejected, f.Totals.LastRejectedAt = 1, "y.csv: header lacks NHS_Number", at.Add(time.Hour)
			}),
		}}, []string{"gp-emis/patients: its newest file was rejected: y.csv: header lacks NHS_Number"}},
		{"a rejection since followed by a good file", StatusReport{Published: published, Feeds: []FeedStatus{
			feed("patients", func(f *schedule.Freshness) {
				f.Totals.FilesRejected, f.Totals.LastRejected, f.Totals.LastRejectedAt = 1, "y.csv: bad", at.Add(-time.Hour)
			}),
		}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := attention(tt.rep, loc)
			if len(got) != len(tt.want) {
				t.Fatalf("attention %q, want %d item(s) saying %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("item %d: %q, want it to say %q", i, got[i], w)
				}
			}
		})
	}
}

// TestLastRunRecord: the record is replaced whole, read back as written, and absent before
// the first run.
func TestLastRunRecord(t *testing.T) {
	cfg := &Config{Warehouse: filepath.Join(t.TempDir(), "ccare.duckdb")}
	if _, ok, err := ReadLastRun(cfg); ok || err != nil {
		t.Fatalf("before any run: ok %v, err %v", ok, err)
	}
	at := time.Date(2026, 11, 2, 2, 30, 0, 0, time.UTC)
	for _, r := range []LastRun{
		{RunID: 1, Job: "nightly", Status: "succeeded", Started: at, Finished: at.Add(time.Minute)},
		{RunID: 2, Job: "hourly", Status: "failed", Started: at, Finished: at.Add(time.Minute), Message: "disk full"},
	} {
		if err := writeLastRun(cfg, r); err != nil {
			t.Fatal(err)
		}
		got, ok, err := ReadLastRun(cfg)
		if err != nil || !ok || got != r {
			t.Errorf("read %+v (ok %v, %v), want %+v", got, ok, err, r)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(cfg.Warehouse))
	if names := func() (n []string) {
		for _, e := range entries {
			n = append(n, e.Name())
		}
		return n
	}(); !slices.Equal(names, []string{"ccare.duckdb.last-run.json"}) {
		t.Errorf("folder holds %q, want the record alone", names)
	}
}
