package pipelines

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/runlock"
	"github.com/bnssg-connecting-care/ccare/schedule"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// JobRunner runs the scheduler daemon's jobs (nightly, hourly, board_pack) against a
// configuration.
type JobRunner struct {
	Cfg *Config
	Log *slog.Logger
}

// Run runs one job to its end. Files still being written fail every attempt but the last,
// so that the daemon retries a little later; the last attempt loads what has settled and
// leaves the rest for the next run.
func (r JobRunner) Run(ctx context.Context, job string) error {
	if job == "board_pack" {
		// From the published copy: it never waits for the writer's lock.
		_, err := BoardPack(ctx, r.Cfg, r.Cfg.Reports, r.Log)
		return err
	}
	_, last := schedule.Attempt(ctx)
	res, err := Run(ctx, r.Cfg, RunOptions{Job: job, Log: r.Log, Settle: r.Cfg.Schedule.Settle, TakeSettled: last})
	if err == nil && len(res.Rejected) > 0 {
		// The run succeeded: the other providers' files are in. The rejected ones are shown
		// on the status page (from the ledger) and here.
		r.Log.Warn("files rejected", "job", job, "files", len(res.Rejected), "first", res.Rejected[0])
	}
	return err
}

// Transient says a job's failure is worth retrying soon: another run holds the writer's
// lock (a replay started by hand, or an overrunning job), or a file is still being written.
func Transient(err error) bool {
	var held *runlock.HeldError
	var busy *BusyError
	return errors.As(err, &held) || errors.As(err, &busy)
}

// NewDaemon makes the scheduler daemon for cfg's schedule section, watching every feed's
// freshness in the inbox and reading its totals from the published copy. A nil clock is
// the real one; tests give a fake.
func NewDaemon(cfg *Config, log *slog.Logger, clock clockwork.Clock) (*schedule.Daemon, error) {
	var jobs []schedule.Job
	for _, j := range cfg.Schedule.Jobs {
		jobs = append(jobs, schedule.Job{Name: j.Name, Spec: j.Spec})
	}
	var feeds []schedule.Feed
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			feeds = append(feeds, schedule.Feed{Provider: p.ID, Name: f.Name, Due: f.Due, Grace: f.Grace})
		}
	}
	return schedule.New(JobRunner{Cfg: cfg, Log: log}, jobs, schedule.Options{
		Clock: clock, Retries: cfg.Schedule.Retries, Backoff: cfg.Schedule.RetryBackoff, Transient: Transient, Log: log,
		Feeds: feeds, Files: Inbox{cfg}, Webhook: cfg.Schedule.Webhook, Warehouse: Published{cfg},
	})
}

// Inbox finds the feeds' files in the configured inbox.
type Inbox struct{ Cfg *Config }

// Newest is the feed's most recently modified file matching its pattern.
func (in Inbox) Newest(_ context.Context, provider, feed string) (string, time.Time, error) {
	p, f, ok := in.Cfg.feed(provider, feed)
	if !ok {
		return "", time.Time{}, fmt.Errorf("no feed %s/%s in the configuration", provider, feed)
	}
	matches, err := filepath.Glob(filepath.Join(in.Cfg.Inbox, p.ID, f.Name, f.Pattern))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%s/%s pattern %q: %w", p.ID, f.Name, f.Pattern, err)
	}
	var name string
	var newest time.Time
	for _, path := range matches {
		st, err := os.Stat(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // moved away between the listing and now
			}
			return "", time.Time{}, err
		}
		if !st.IsDir() && st.ModTime().After(newest) {
			name, newest = st.Name(), st.ModTime()
		}
	}
	return name, newest, nil
}

// Published reads the feeds' totals from the published read-only copy, so that the daemon
// never waits on, or blocks, a running job.
type Published struct{ Cfg *Config }

// FeedTotals is what the warehouse holds from each feed; nothing before the first run.
func (p Published) FeedTotals(ctx context.Context) ([]schedule.FeedTotals, error) {
	if _, err := os.Stat(p.Cfg.Published); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	db, err := load.OpenReadOnly(ctx, p.Cfg.Published)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return feedTotals(ctx, db)
}

// feedTotals reads ops/feed_totals.sql: what the warehouse holds from each feed.
func feedTotals(ctx context.Context, db sqlfiles.Querier) ([]schedule.FeedTotals, error) {
	rows, err := sqlfiles.Query(ctx, db, "ops/feed_totals.sql")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schedule.FeedTotals
	for rows.Next() {
		var t schedule.FeedTotals
		var lastLoaded, lastRejectedAt sql.NullTime
		var lastRejected, heldBack sql.NullString
		if err := rows.Scan(&t.Provider, &t.Feed, &t.FilesLoaded, &t.FilesRejected, &t.RowsRead, &t.RowsLoaded,
			&t.RowsQuarantined, &t.RowsSuperseded, &lastLoaded, &lastRejected,
			&t.FilesSuperseded, &t.FilesArchived, &lastRejectedAt, &heldBack); err != nil {
			return nil, fmt.Errorf("ops/feed_totals.sql: %w", err)
		}
		t.LastLoaded, t.LastRejected, t.HeldBack = lastLoaded.Time, lastRejected.String, heldBack.String
		t.LastRejectedAt = lastRejectedAt.Time
		out = append(out, t)
	}
	return out, rows.Err()
}
