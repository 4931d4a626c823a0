package schedule

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func mustSpec(t *testing.T, expr string) Spec {
	t.Helper()
	s, err := ParseSpec(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFreshness(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2027, 3, day, hour, minute, 0, 0, london) }
	hourly := Feed{Provider: "nbt-pas", Name: "adt", Due: mustSpec(t, "0 * * * *"), Grace: 30 * time.Minute}
	nightly := Feed{Provider: "gp-emis", Name: "patients", Due: mustSpec(t, "0 2 * * *"), Grace: time.Hour}
	started := at(1, 0, 0)
	for _, c := range []struct {
		name      string
		feed      Feed
		file, now time.Time
		nextDue   time.Time
		late      bool
		lateBy    time.Duration
	}{
		{"hourly file just in", hourly, at(10, 9, 55), at(10, 9, 56), at(10, 11, 0), false, 0},
		{"hourly file after its due time covers the next", hourly, at(10, 10, 5), at(10, 10, 6), at(10, 12, 0), false, 0},
		{"a file exactly at a due time covers it", hourly, at(10, 10, 0), at(10, 10, 1), at(10, 11, 0), false, 0},
		{"within the grace", hourly, at(10, 9, 55), at(10, 11, 30), at(10, 11, 0), false, 0},
		{"past the grace", hourly, at(10, 9, 55), at(10, 11, 31), at(10, 11, 0), true, 31 * time.Minute},
		{"nightly on time", nightly, at(10, 1, 40), at(10, 23, 0), at(11, 2, 0), false, 0},
		{"nightly late next morning", nightly, at(10, 1, 40), at(11, 3, 1), at(11, 2, 0), true, 61 * time.Minute},
		{"nightly two days missing", nightly, at(9, 1, 40), at(11, 9, 0), at(10, 2, 0), true, 31 * time.Hour},
		{"no file yet, before the first due time", nightly, time.Time{}, at(1, 1, 0), at(1, 2, 0), false, 0},
		{"no file yet, past the first due time", nightly, time.Time{}, at(1, 3, 30), at(1, 2, 0), true, 90 * time.Minute},
		// 28 March 2027: the clocks go forward at 01:00 GMT; 02:00 is the same wall time.
		{"across the change to summer time", nightly, at(27, 1, 50), at(28, 2, 59), at(28, 2, 0), false, 0},
		{"late across the change to summer time", nightly, at(27, 1, 50), at(28, 3, 1), at(28, 2, 0), true, 61 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := freshness(c.feed, "f", c.file, c.now, started, london)
			if !f.NextDue.Equal(c.nextDue) || f.Late != c.late || f.LateBy != c.lateBy {
				t.Errorf("next due %s, late %v by %s; want %s, %v by %s", f.NextDue, f.Late, f.LateBy, c.nextDue, c.late, c.lateBy)
			}
		})
	}
}

// feedFiles is the inbox as a map from provider/feed to its newest file's time.
type feedFiles struct {
	mu    sync.Mutex
	files map[string]time.Time
}

func (f *feedFiles) Newest(_ context.Context, provider, feed string) (string, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	at := f.files[provider+"/"+feed]
	if at.IsZero() {
		return "", at, nil
	}
	return feed + "_" + at.Format("1504") + ".csv", at, nil
}

func (f *feedFiles) put(key string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[key] = at
}

// webhook is a test server standing for the operator's webhook: it keeps every JSON body
// posted to it, decoded as T.
type webhook[T any] struct {
	*httptest.Server
	mu     sync.Mutex
	alerts []T
}

func newWebhook[T any](t *testing.T) *webhook[T] {
	t.Helper()
	h := &webhook[T]{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a T
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &a); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook body %s: %v", b, err)
		}
		h.mu.Lock()
		h.alerts = append(h.alerts, a)
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

// received is a copy of the bodies posted so far.
func (h *webhook[T]) received() []T {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.alerts)
}

type totalsFunc func() []FeedTotals

func (f totalsFunc) FeedTotals(context.Context) ([]FeedTotals, error) { return f(), nil }

// TestLateFeedIsFlagged: a feed whose file does not come is flagged late once its grace has
// passed, in the log, the metrics, the status page and one webhook call; it is on time again
// (one more call) when the file comes. The other feed stays on time throughout.
func TestLateFeedIsFlagged(t *testing.T) {
	start := time.Date(2027, 1, 11, 9, 0, 0, 0, london)
	clock := clockwork.NewFakeClockAt(start)
	hook := newWebhook[lateAlert](t)
	files := &feedFiles{files: map[string]time.Time{
		"nbt-pas/adt":     start.Add(-5 * time.Minute),
		"uhbw-ed/attends": start.Add(-5 * time.Minute),
	}}
	hourly := mustSpec(t, "0 * * * *")
	d := newDaemon(t, clock, runnerFunc(func(context.Context, string) error { return nil }), Options{
		Feeds: []Feed{
			{Provider: "nbt-pas", Name: "adt", Due: hourly, Grace: 15 * time.Minute},
			{Provider: "uhbw-ed", Name: "attends", Due: hourly, Grace: 15 * time.Minute},
		},
		Files:   files,
		Webhook: hook.URL,
		Warehouse: totalsFunc(func() []FeedTotals {
			return []FeedTotals{
				{Provider: "nbt-pas", Feed: "adt", FilesLoaded: 20, FilesRejected: 1, RowsRead: 1000, RowsLoaded: 990, RowsQuarantined: 10, LastRejected: "adt_0300.hl7: truncated"},
				{Provider: "uhbw-ed", Feed: "attends", FilesLoaded: 21, RowsRead: 500, RowsLoaded: 480, RowsSuperseded: 20},
			}
		}),
	}, [2]string{"hourly", "10 * * * *"})

	// uhbw-ed keeps sending a file at five to every hour; nbt-pas stops.
	step := func(until time.Time) {
		for clock.Now().Before(until) {
			if now := clock.Now().In(london); now.Minute() == 55 {
				files.put("uhbw-ed/attends", now)
			}
			advance(t, clock, 2, time.Minute)
		}
	}
	// Its 08:55 file was the one due by 09:00; the next was due by 10:00, grace until 10:15.
	step(start.Add(time.Hour + 14*time.Minute))
	if f := d.Feeds()[0]; f.Late {
		t.Fatalf("nbt-pas late within its grace: %+v", f)
	}
	step(start.Add(time.Hour + 17*time.Minute))
	feeds := d.Feeds()
	if !feeds[0].Late || feeds[0].State() != "late" || feeds[1].Late {
		t.Fatalf("want nbt-pas late and uhbw-ed on time: %+v", feeds)
	}
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	_, metrics := get(t, srv, "/metrics")
	for _, want := range []string{
		`ccare_feed_late{feed="adt",provider="nbt-pas"} 1`,
		`ccare_feed_late{feed="attends",provider="uhbw-ed"} 0`,
		`ccare_feed_last_file_age_seconds{feed="adt",provider="nbt-pas"} 4920`, // 08:55 to 10:17
		`ccare_feed_files{feed="adt",provider="nbt-pas",status="rejected"} 1`,
		`ccare_provider_rows{provider="nbt-pas",state="quarantined"} 10`,
		`ccare_provider_rows{provider="uhbw-ed",state="superseded"} 20`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	_, page := get(t, srv, "/")
	for _, want := range []string{"1 of 2 feeds late:</span> nbt-pas/adt.", "late by 17m", "on time", "adt_0300.hl7: truncated", "Mon 11 Jan 2027 10:00"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}

	files.put("nbt-pas/adt", clock.Now())
	step(start.Add(time.Hour + 19*time.Minute))
	if f := d.Feeds()[0]; f.Late {
		t.Fatalf("nbt-pas still late after its file came: %+v", f)
	}
	alerts := hook.received()
	if len(alerts) != 2 {
		t.Fatalf("webhook called %d times, want 2 (late, then on time): %+v", len(alerts), alerts)
	}
	if a := alerts[0]; a.Provider != "nbt-pas" || a.State != "late" || !strings.Contains(a.Text, "nbt-pas/adt is late by 16m") || a.DueBy != "2027-01-11T10:00:00Z" {
		t.Errorf("first alert: %+v", a)
	}
	if a := alerts[1]; a.State != "on time" || !strings.Contains(a.Text, "on time again") {
		t.Errorf("second alert: %+v", a)
	}
}

// TestHeldBackExtractIsShown: when the warehouse reports a whole extract held back by the
// shrink guard, the daemon calls the webhook once (not again while it stays held back), and
// the metrics and status page show it with the feed's superseded and archived files, until
// a later extract supersedes it.
func TestHeldBackExtractIsShown(t *testing.T) {
	start := time.Date(2027, 1, 11, 1, 0, 0, 0, london)
	clock := clockwork.NewFakeClockAt(start)
	var mu sync.Mutex // guards held
	hook := newWebhook[heldAlert](t)
	const reason = "held back: uhbw-epr/conditions Condition_20270111.ndjson: 12 rows, under 50% of the 781318 of Condition_20270110.ndjson, so it supersedes nothing and both are read"
	held := ""
	d := newDaemon(t, clock, runnerFunc(func(context.Context, string) error { return nil }), Options{
		Feeds:   []Feed{{Provider: "uhbw-epr", Name: "conditions", Due: mustSpec(t, "0 1 * * *"), Grace: time.Hour}},
		Files:   &feedFiles{files: map[string]time.Time{"uhbw-epr/conditions": start.Add(-10 * time.Minute)}},
		Webhook: hook.URL,
		Warehouse: totalsFunc(func() []FeedTotals {
			mu.Lock()
			defer mu.Unlock()
			superseded := int64(9)
			if held == "" {
				superseded = 11
			}
			return []FeedTotals{{Provider: "uhbw-epr", Feed: "conditions", FilesLoaded: 12, FilesSuperseded: superseded, FilesArchived: superseded, HeldBack: held}}
		}),
	}, [2]string{"hourly", "10 * * * *"})
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	alerted := func() int { return len(hook.received()) }
	if _, page := get(t, srv, "/"); strings.Contains(page, "held back as too small") || strings.Contains(page, "1 held back") {
		t.Errorf("the status page shows an extract held back before any was:\n%s", page)
	}

	mu.Lock()
	held = reason
	mu.Unlock()
	advance(t, clock, 2, 11*time.Minute) // 01:10, the hourly job, and the totals after it
	advance(t, clock, 2, time.Hour)      // 02:10: still held back; no second call
	if n := alerted(); n != 1 {
		t.Fatalf("webhook called %d times, want once for the held-back extract", n)
	}
	if a := hook.received()[0]; a.State != "held back" || a.Provider != "uhbw-epr" || a.Feed != "conditions" || a.Reason != reason || !strings.Contains(a.Text, "Condition_20270111.ndjson: 12 rows") {
		t.Errorf("alert: %+v", a)
	}
	_, metrics := get(t, srv, "/metrics")
	for _, want := range []string{
		`ccare_feed_held_back{feed="conditions",provider="uhbw-epr"} 1`,
		`ccare_feed_files_superseded{feed="conditions",provider="uhbw-epr"} 9`,
		`ccare_feed_files_archived{feed="conditions",provider="uhbw-epr"} 9`,
		`ccare_feed_files{feed="conditions",provider="uhbw-epr",status="loaded"} 12`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	_, page := get(t, srv, "/")
	for _, want := range []string{"1 whole extract(s) held back as too small, the previous one still read:</span> uhbw-epr/conditions.",
		"1 held back", "9 (9)", "Condition_20270111.ndjson: 12 rows, under 50%"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}

	// The next extract supersedes it.
	mu.Lock()
	held = ""
	mu.Unlock()
	advance(t, clock, 2, time.Hour)
	if _, metrics := get(t, srv, "/metrics"); !strings.Contains(metrics, `ccare_feed_held_back{feed="conditions",provider="uhbw-epr"} 0`) {
		t.Errorf("/metrics still shows the extract held back:\n%s", metrics)
	}
	if _, page := get(t, srv, "/"); strings.Contains(page, "held back as too small") || !strings.Contains(page, "11 (11)") {
		t.Errorf("the status page after the next extract:\n%s", page)
	}
	if n := alerted(); n != 1 {
		t.Errorf("webhook called %d times, want still once", n)
	}
}
