package schedule

import (
	"sync"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// runsOver starts a scheduler on a fake clock at start, with one job, and returns the
// local times it ran at over the next two days.
func runsOver(t *testing.T, start time.Time, def gocron.JobDefinition) []time.Time {
	t.Helper()
	clock := clockwork.NewFakeClockAt(start)
	s, err := gocron.NewScheduler(gocron.WithClock(clock), gocron.WithLocation(london))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var runs []time.Time
	if _, err := s.NewJob(def, gocron.NewTask(func() {
		mu.Lock()
		runs = append(runs, clock.Now().In(london))
		mu.Unlock()
	})); err != nil {
		t.Fatal(err)
	}
	s.Start()
	for range 48 * 12 {
		if err := clock.BlockUntilContext(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Minute)
		time.Sleep(time.Millisecond) // let the job's goroutine record its run
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return runs
}

func daysRun(runs []time.Time) map[string]int {
	out := map[string]int{}
	for _, r := range runs {
		out[r.Format("2006-01-02")]++
	}
	return out
}

// TestDailyJobRunsOnceOnClockChangeDays: a job at "30 1 * * *" (a daily job at 01:30) Europe/London runs exactly
// once on the day the clocks go forward (28 March 2027, at 02:30 BST: 01:30 does not exist)
// and exactly once on the day they go back (31 October 2027, at 01:30 GMT: 01:30 happens
// twice), and as usual on the days after.
func TestDailyJobRunsOnceOnClockChangeDays(t *testing.T) {
	spec, err := ParseSpec("30 1 * * *")
	if err != nil {
		t.Fatal(err)
	}
	at0130 := spec.Definition()
	for _, tt := range []struct {
		start time.Time
		want  map[string]int
	}{
		{time.Date(2027, 3, 27, 12, 0, 0, 0, london), map[string]int{"2027-03-28": 1, "2027-03-29": 1}},
		{time.Date(2027, 10, 30, 12, 0, 0, 0, london), map[string]int{"2027-10-31": 1, "2027-11-01": 1}},
	} {
		runs := runsOver(t, tt.start, at0130)
		got := daysRun(runs)
		if len(got) != len(tt.want) || got["2027-03-28"] != tt.want["2027-03-28"] || got["2027-10-31"] != tt.want["2027-10-31"] {
			t.Errorf("from %s: ran at %v, want once a day on %v", tt.start.Format(time.RFC3339), runs, tt.want)
		}
	}
}

// TestCronJobSkipsTheSpringGap pins why cron expressions are not used for daily times: the
// same job as "30 1 * * *" does not run at all on the day the clocks go forward.
func TestCronJobSkipsTheSpringGap(t *testing.T) {
	runs := runsOver(t, time.Date(2027, 3, 27, 12, 0, 0, 0, london), gocron.CronJob("30 1 * * *", false))
	if n := daysRun(runs)["2027-03-28"]; n != 0 {
		t.Errorf("gocron's cron job ran %d times on 28 March 2027: it no longer skips the gap, and this package's reason to avoid it is gone (runs %v)", n, runs)
	}
}
