package schedule

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// runnerFunc is a Runner made of a function.
type runnerFunc func(ctx context.Context, job string) error

func (f runnerFunc) Run(ctx context.Context, job string) error { return f(ctx, job) }

// advance moves the fake clock on in one-minute steps. Before each step it waits until all
// jobs' timers are set again (a job that has just fired re-arms its timer on a goroutine of
// its own: a step taken before that would fire it twice), and after each gives the jobs'
// goroutines a moment to record their runs.
func advance(t *testing.T, clock *clockwork.FakeClock, jobs int, d time.Duration) {
	t.Helper()
	for step := time.Duration(0); step < d; step += time.Minute {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		err := clock.BlockUntilContext(ctx, jobs)
		cancel()
		if err != nil {
			t.Fatalf("the scheduler did not set its %d timers: %v", jobs, err)
		}
		clock.Advance(time.Minute)
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

func newDaemon(t *testing.T, clock *clockwork.FakeClock, r Runner, opt Options, specs ...[2]string) *Daemon {
	t.Helper()
	var jobs []Job
	for _, s := range specs {
		spec, err := ParseSpec(s[1])
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, Job{Name: s[0], Spec: spec})
	}
	opt.Clock = clock
	d, err := New(r, jobs, opt)
	if err != nil {
		t.Fatal(err)
	}
	d.Start()
	t.Cleanup(func() { d.Stop() })
	return d
}

func state(d *Daemon, name string) JobState {
	for _, s := range d.States() {
		if s.Name == name {
			return s
		}
	}
	return JobState{}
}

func TestJobsFireOnTheirTimes(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 0, 0, 0, 0, london)) // a Monday
	var mu sync.Mutex
	ran := map[string][]time.Time{}
	d := newDaemon(t, clock, runnerFunc(func(_ context.Context, job string) error {
		mu.Lock()
		ran[job] = append(ran[job], clock.Now().In(london))
		mu.Unlock()
		return nil
	}), Options{}, [2]string{"hourly", "10 * * * *"}, [2]string{"nightly", "30 2 * * *"}, [2]string{"board_pack", "0 6 * * 1"})
	advance(t, clock, 3, 7*time.Hour)
	mu.Lock()
	defer mu.Unlock()
	// A run reads the fake clock when its goroutine gets to run, which on a loaded machine can
	// be after the test's next one-minute step: within two minutes of its time is on time.
	onTime := func(got []time.Time, want ...time.Time) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i].Before(want[i]) || !got[i].Before(want[i].Add(2*time.Minute)) {
				return false
			}
		}
		return true
	}
	var hours []time.Time
	for h := range 7 {
		hours = append(hours, time.Date(2027, 1, 11, h, 10, 0, 0, london))
	}
	if !onTime(ran["hourly"], hours...) {
		t.Errorf("hourly ran at %v, want at minute 10 of each of 7 hours", ran["hourly"])
	}
	if !onTime(ran["nightly"], time.Date(2027, 1, 11, 2, 30, 0, 0, london)) {
		t.Errorf("nightly ran at %v, want 02:30", ran["nightly"])
	}
	if !onTime(ran["board_pack"], time.Date(2027, 1, 11, 6, 0, 0, 0, london)) {
		t.Errorf("board pack ran at %v, want Monday 06:00", ran["board_pack"])
	}
	if st := state(d, "nightly"); st.Runs != 1 || st.NextRun.Format("2006-01-02 15:04") != "2027-01-12 02:30" {
		t.Errorf("nightly state %+v", st)
	}
}

// TestOverlappingTriggerIsSkipped: a job still running when its next time comes is not
// started twice; the dropped trigger is counted.
func TestOverlappingTriggerIsSkipped(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 0, 0, 0, 0, london))
	release := make(chan struct{})
	var running, most atomic.Int32
	d := newDaemon(t, clock, runnerFunc(func(ctx context.Context, job string) error {
		n := running.Add(1)
		defer running.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}), Options{}, [2]string{"hourly", "* * * * *"})
	advance(t, clock, 1, 4*time.Minute)
	close(release)
	time.Sleep(20 * time.Millisecond)
	st := state(d, "hourly")
	if most.Load() != 1 || st.Skipped < 2 {
		t.Errorf("%d runs at once at most, %d triggers skipped; want 1 and at least 2 (%+v)", most.Load(), st.Skipped, st)
	}
}

var errLockHeld = errors.New("lock held")

// TestTransientFailureIsRetried: a failure the options call transient is retried after a
// doubling backoff, and the run then succeeds; a permanent failure is recorded at once.
func TestTransientFailureIsRetried(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 1, 59, 0, 0, london))
	var attempts atomic.Int32
	d := newDaemon(t, clock, runnerFunc(func(_ context.Context, job string) error {
		if job == "board_pack" {
			return errors.New("no template")
		}
		if attempts.Add(1) <= 2 {
			return errLockHeld
		}
		return nil
	}), Options{Retries: 3, Backoff: time.Minute, Transient: func(err error) bool { return errors.Is(err, errLockHeld) }},
		[2]string{"nightly", "0 2 * * *"}, [2]string{"board_pack", "0 2 * * 1"})
	advance(t, clock, 2, 6*time.Minute) // 02:00 fails, 02:01 fails, 02:03 succeeds
	st := state(d, "nightly")
	if attempts.Load() != 3 || st.Retries != 2 || st.Failures != 0 || st.Runs != 1 || st.LastError != "" {
		t.Errorf("nightly: %d attempts, state %+v; want 3 attempts, 2 retries, success", attempts.Load(), st)
	}
	bp := state(d, "board_pack")
	if bp.Failures != 1 || bp.Retries != 0 || bp.LastError != "no template" {
		t.Errorf("board pack: %+v; want one failure, not retried", bp)
	}
}

// TestRetriesRunOut: a transient failure that lasts is retried Retries times, each attempt
// told whether it is the last, and then recorded as the job's failure.
func TestRetriesRunOut(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 1, 59, 0, 0, london))
	var mu sync.Mutex
	var seen [][2]any
	var posted []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	d := newDaemon(t, clock, runnerFunc(func(ctx context.Context, job string) error {
		n, last := Attempt(ctx)
		mu.Lock()
		seen = append(seen, [2]any{n, last})
		mu.Unlock()
		return errLockHeld
	}), Options{Retries: 2, Backoff: time.Minute, Transient: func(err error) bool { return errors.Is(err, errLockHeld) }, Webhook: hook.URL},
		[2]string{"nightly", "0 2 * * *"})
	advance(t, clock, 1, 6*time.Minute) // 02:00, 02:01, 02:03
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(seen) != "[[0 false] [1 false] [2 true]]" {
		t.Errorf("attempts %v, want three, the last told so", seen)
	}
	if st := state(d, "nightly"); st.Failures != 1 || st.Retries != 2 || st.LastError != "lock held" {
		t.Errorf("state %+v; want the failure recorded after two retries", st)
	}
	if len(posted) != 1 || !strings.Contains(posted[0], `"text":"ccare: the nightly job failed: lock held"`) {
		t.Errorf("webhook posts %q, want one saying the nightly job failed", posted)
	}
}

// TestServeStopsCleanly: while serving, the endpoints answer; when its context ends, a
// running job's context is cancelled (so its step can commit or roll back), Serve waits for
// it, and returns without error.
func TestServeStopsCleanly(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2027, 1, 11, 2, 29, 0, 0, london))
	started := make(chan struct{})
	var sawCancel atomic.Bool
	spec, _ := ParseSpec("30 2 * * *")
	d, err := New(runnerFunc(func(ctx context.Context, job string) error {
		close(started)
		<-ctx.Done()
		time.Sleep(20 * time.Millisecond) // the step finishing
		sawCancel.Store(true)
		return ctx.Err()
	}), []Job{{Name: "nightly", Spec: spec}}, Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- d.Serve(ctx, "127.0.0.1:0") }()
	advance(t, clock, 1, 2*time.Minute)
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the job did not start")
	}
	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if !sawCancel.Load() {
		t.Error("Serve returned before the running job finished its step")
	}
}
