package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"
)

// Runner runs one job of the pipeline (nightly, hourly, board_pack) to its end. The
// context ends when the daemon stops: a run then lets its current step commit or roll
// back and returns.
type Runner interface {
	Run(ctx context.Context, job string) error
}

// Job is a job the daemon runs, and when.
type Job struct {
	Name string
	Spec Spec
}

// Options tune the daemon; zero values take the defaults.
type Options struct {
	Location *time.Location  // default Europe/London
	Clock    clockwork.Clock // default the real clock; tests give a fake one
	Retries  int             // further attempts after a transient failure (0: none)
	Backoff  time.Duration   // before the first retry, doubled each time (default 1 minute)
	// Transient says a failure is worth retrying (a lock held, a file still being written);
	// default: never.
	Transient func(error) bool
	Log       *slog.Logger

	// Feeds are watched for freshness every minute, their newest files found by Files; a
	// feed turning late, or on time again, is logged and posted to Webhook (if set).
	Feeds   []Feed
	Files   FeedFiles
	Webhook string
	// Warehouse, if set, is asked what it holds from each feed at the start and after each job.
	Warehouse Warehouse
}

type attemptKey struct{}

// Attempt tells a job which attempt this is (0 the first) and whether it is the last one
// the daemon will make: a run may then do what it can instead of failing (take the files
// that have settled and leave one still being written for the next run).
func Attempt(ctx context.Context) (n int, last bool) {
	a, ok := ctx.Value(attemptKey{}).([2]int)
	if !ok {
		return 0, true
	}
	return a[0], a[0] >= a[1]
}

// JobState is what the daemon knows of one job, for logs, metrics and the status page.
type JobState struct {
	Name, What                  string
	Runs, Failures, Retries     int
	Skipped                     int // triggers that came while the job was still running
	Running                     bool
	LastStart, LastEnd, NextRun time.Time
	LastError                   string
}

// Daemon runs the jobs on their times. A job still running when its next time comes is
// not started again (the trigger is skipped and counted).
type Daemon struct {
	s      gocron.Scheduler
	opt    Options
	runner Runner
	mu     sync.Mutex
	state  map[string]*JobState
	ids    map[string]gocron.Job
	order  []string

	started time.Time
	fresh   map[string]Freshness // by provider/feed
	totals  []FeedTotals
}

// New makes a daemon for jobs; Start starts it.
func New(runner Runner, jobs []Job, opt Options) (*Daemon, error) {
	if opt.Location == nil {
		l, err := time.LoadLocation("Europe/London")
		if err != nil {
			return nil, err
		}
		opt.Location = l
	}
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	if opt.Backoff == 0 {
		opt.Backoff = time.Minute
	}
	if opt.Transient == nil {
		opt.Transient = func(error) bool { return false }
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	d := &Daemon{opt: opt, runner: runner, state: map[string]*JobState{}, ids: map[string]gocron.Job{}, fresh: map[string]Freshness{}}
	s, err := gocron.NewScheduler(gocron.WithClock(opt.Clock), gocron.WithLocation(opt.Location), gocron.WithMonitor(d))
	if err != nil {
		return nil, err
	}
	d.s = s
	for _, j := range jobs {
		if _, dup := d.state[j.Name]; dup {
			return nil, fmt.Errorf("schedule: job %q twice", j.Name)
		}
		d.state[j.Name] = &JobState{Name: j.Name, What: j.Spec.What}
		d.order = append(d.order, j.Name)
		name := j.Name
		job, err := s.NewJob(j.Spec.Definition(), gocron.NewTask(func(ctx context.Context) { d.run(ctx, name) }),
			gocron.WithName(name),
			// Reschedule: a trigger that finds the job running is dropped, not queued.
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
		)
		if err != nil {
			return nil, fmt.Errorf("schedule: job %s: %w", name, err)
		}
		d.ids[name] = job
	}
	if len(opt.Feeds) > 0 && opt.Files != nil {
		_, err := s.NewJob(gocron.DurationJob(time.Minute), gocron.NewTask(d.checkFeeds),
			gocron.WithName("freshness"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
		if err != nil {
			return nil, fmt.Errorf("schedule: freshness check: %w", err)
		}
	}
	return d, nil
}

// Start starts running the jobs on their times, and looks at the feeds at once.
func (d *Daemon) Start() {
	d.started = d.opt.Clock.Now()
	d.refreshTotals(context.Background())
	if len(d.opt.Feeds) > 0 && d.opt.Files != nil {
		d.checkFeeds(context.Background())
	}
	d.s.Start()
}

// Stop takes no more jobs, cancels the context of the ones running (each lets its current
// step commit or roll back) and waits for them to return.
func (d *Daemon) Stop() error { return d.s.Shutdown() }

// States is what the daemon knows of each job, in the order they were given.
func (d *Daemon) States() []JobState {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]JobState, 0, len(d.order))
	for _, name := range d.order {
		st := *d.state[name]
		if next, err := d.ids[name].NextRun(); err == nil {
			st.NextRun = next.In(d.opt.Location)
		}
		out = append(out, st)
	}
	return out
}

// run runs a job, retrying a transient failure with a doubling backoff.
func (d *Daemon) run(ctx context.Context, name string) {
	d.update(name, func(st *JobState) {
		st.Running, st.LastStart = true, d.opt.Clock.Now()
	})
	log := d.opt.Log.With("job", name)
	var err error
	for attempt := 0; ; attempt++ {
		err = d.runner.Run(context.WithValue(ctx, attemptKey{}, [2]int{attempt, d.opt.Retries}), name)
		if err == nil || !d.opt.Transient(err) || attempt == d.opt.Retries || ctx.Err() != nil {
			break
		}
		wait := d.opt.Backoff << attempt
		log.Warn("job failed; retrying", "attempt", attempt+1, "retry_in", wait.String(), "error", err)
		d.update(name, func(st *JobState) { st.Retries++ })
		select {
		case <-ctx.Done():
		case <-d.opt.Clock.After(wait):
		}
		if ctx.Err() != nil {
			err = errors.Join(err, ctx.Err())
			break
		}
	}
	// Before the run is shown as ended, so that whoever sees it ended sees its totals too.
	d.refreshTotals(context.WithoutCancel(ctx))
	d.update(name, func(st *JobState) {
		st.Running, st.LastEnd = false, d.opt.Clock.Now()
		st.Runs++
		if err != nil {
			st.Failures++
			st.LastError = err.Error()
		} else {
			st.LastError = ""
		}
	})
	if err != nil {
		log.Error("job failed", "error", err)
		if ctx.Err() == nil { // not the daemon stopping
			d.post(context.WithoutCancel(ctx), jobFailed{Text: fmt.Sprintf("ccare: the %s job failed: %v", name, err),
				Job: name, State: "failed", Error: err.Error()}, "job", name)
		}
	} else {
		log.Info("job done")
	}
}

func (d *Daemon) update(name string, f func(*JobState)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(d.state[name])
}

// IncrementJob is gocron's Monitor: it counts the triggers dropped because the job was
// still running.
func (d *Daemon) IncrementJob(_ uuid.UUID, name string, _ []string, status gocron.JobStatus) {
	if status == gocron.SingletonRescheduled {
		d.mu.Lock()
		defer d.mu.Unlock()
		if st := d.state[name]; st != nil {
			st.Skipped++
		}
	}
}

// RecordJobTiming is gocron's Monitor; the daemon times runs itself.
func (d *Daemon) RecordJobTiming(time.Time, time.Time, uuid.UUID, string, []string) {}

// Serve starts the jobs and the operator's HTTP server (Handler) on listen, and runs until
// ctx ends (the command ends it on SIGTERM or SIGINT). Then it takes no more jobs, cancels
// the running one's context, so that its current step commits or rolls back, waits for it,
// stops the server and returns.
func (d *Daemon) Serve(ctx context.Context, listen string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("schedule: listen on %s: %w", listen, err)
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	d.opt.Log.Info("schedule started", "listen", ln.Addr().String(), "jobs", len(d.order))
	d.Start()
	select {
	case <-ctx.Done():
	case err := <-served:
		d.Stop()
		return fmt.Errorf("schedule: http: %w", err)
	}
	d.opt.Log.Info("stopping: no more jobs; a running job finishes its current step")
	stopErr := d.Stop()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return errors.Join(stopErr, err)
	}
	d.opt.Log.Info("schedule stopped")
	return stopErr
}
