package schedule

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestOperatorEndpoints: /healthz answers, /metrics carries each job's counters, and the
// status page names every job with its state and last error, without anything from the
// network.
func TestOperatorEndpoints(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 1, 59, 0, 0, london))
	d := newDaemon(t, clock, runnerFunc(func(_ context.Context, job string) error {
		if job == "board_pack" {
			return errors.New("the <template> is missing")
		}
		return nil
	}), Options{}, [2]string{"nightly", "0 2 * * *"}, [2]string{"board_pack", "0 2 * * 1"}, [2]string{"hourly", "10 * * * *"})
	advance(t, clock, 3, 3*time.Minute)
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	if code, body := get(t, srv, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	_, metrics := get(t, srv, "/metrics")
	for _, want := range []string{
		`ccare_job_runs_total{job="nightly"} 1`,
		`ccare_job_failures_total{job="board_pack"} 1`,
		`ccare_job_runs_total{job="hourly"} 0`,
		`ccare_job_skipped_total{job="nightly"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, page := get(t, srv, "/")
	if code != 200 {
		t.Fatalf("/: %d", code)
	}
	for _, want := range []string{"nightly", "every day at 02:00", "board_pack", "every Monday at 02:00", "hourly", "not run yet",
		`class="failed"`, "the &lt;template&gt; is missing", "Tue 12 Jan 2027 02:00"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	for _, banned := range []string{"http://", "https://", "<script"} {
		if strings.Contains(page, banned) {
			t.Errorf("the status page has %q: it must render without the network", banned)
		}
	}
	if code, _ := get(t, srv, "/nothing"); code != 404 {
		t.Errorf("/nothing: %d, want 404", code)
	}
}
