package pipelines

import (
	"context"
	"errors"
	"log/slog"

	"github.com/bnssg-connecting-care/ccare/runlock"
	"github.com/bnssg-connecting-care/ccare/schedule"
)

// JobRunner runs the scheduler daemon's jobs (nightly, hourly) against a configuration.
type JobRunner struct {
	Cfg *Config
	Log *slog.Logger
}

// Run runs one job to its end.
func (r JobRunner) Run(ctx context.Context, job string) error {
	_, err := Run(ctx, r.Cfg, RunOptions{Job: job, Log: r.Log})
	return err
}

// Transient says a job's failure is worth retrying soon: another run holds the writer's
// lock (a replay started by hand, or an overrunning job).
func Transient(err error) bool {
	var held *runlock.HeldError
	return errors.As(err, &held)
}

// NewDaemon makes the scheduler daemon for cfg's schedule section.
func NewDaemon(cfg *Config, log *slog.Logger) (*schedule.Daemon, error) {
	var jobs []schedule.Job
	for _, j := range cfg.Schedule.Jobs {
		jobs = append(jobs, schedule.Job{Name: j.Name, Spec: j.Spec})
	}
	return schedule.New(JobRunner{Cfg: cfg, Log: log}, jobs, schedule.Options{
		Retries: cfg.Schedule.Retries, Backoff: cfg.Schedule.RetryBackoff, Transient: Transient, Log: log,
	})
}
