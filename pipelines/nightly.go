package pipelines

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bnssg-connecting-care/ccare/dictionary"
	"github.com/bnssg-connecting-care/ccare/extract"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pseudonym"
	"github.com/bnssg-connecting-care/ccare/reports"
	"github.com/bnssg-connecting-care/ccare/runlock"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
	"github.com/bnssg-connecting-care/ccare/transform"
	"golang.org/x/sync/errgroup"
)

// RunOptions choose what a run does and how it reports progress.
type RunOptions struct {
	Job       string   // nightly (every feed) | hourly (feeds whose cadence is hourly)
	Providers []string // only these providers; empty means all
	Log       *slog.Logger
	Progress  *Progress // nil: none
	Now       func() time.Time
	// Replay reads again every loaded file (of Providers) that holds a quarantined row, and
	// rebuilds even when nothing new arrived: after a fix to a mapping, a reader or a rule,
	// rows that now pass move from quarantine into core.
	Replay bool
	// From, with Replay: read again every loaded file (of Providers) received on or after
	// this moment, quarantined rows or not: a provider's replay after a fix.
	From time.Time
	// Wait is how long to wait for another run holding the writer's lock; 0: fail at once.
	Wait time.Duration
	// Settle: a file modified less than this long ago may still be being written. The run
	// then fails with a *BusyError before it changes anything (the scheduler retries it
	// later), or with TakeSettled loads the rest and leaves that file for the next run.
	Settle      time.Duration
	TakeSettled bool
	// Getenv reads the environment (nil: os.Getenv): the pseudonymisation secret for the
	// analyst schema comes from there, never from ccare.yaml.
	Getenv func(string) string
}

// BusyError is a run that found files still being written.
type BusyError struct {
	Files  []string
	Settle time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("%d file(s) modified in the last %s may still be being written, e.g. %s; try again later",
		len(e.Files), e.Settle, e.Files[0])
}

// RunResult is what a run did, for the CLI's closing lines and for tests.
type RunResult struct {
	RunID         int64
	Status        string
	FilesNew      int
	FilesSkipped  int
	FilesRejected int
	FilesBusy     int      // files still being written, left for the next run
	Rejected      []string // one message per rejected file
	Drift         []string // one message per loaded file with columns its feed's last file lacked
	Held          []string // one message per whole extract too small to supersede its feed's current one
	Archived      int      // superseded extracts whose rows this run moved from raw to the archive
	ArchiveError  string   // why archiving stopped (the rows stay in raw; the next run tries again)
	Replayed      int      // files read again by a replay
	ReplayMissing int      // files a replay wanted that are no longer in the inbox
	// Quarantined rows before and after a replay (of the providers replayed).
	QuarantinedBefore, QuarantinedAfter int64
	Rebuilt                             bool // false when nothing new arrived
	Incremental                         bool // the hourly job merged its batch rather than rebuilding
	Warehouse                           string
	Published                           string
	Lake                                string
	Archive                             string // where superseded extracts' raw rows go
	Reports                             []string
}

// Run runs one job of the pipeline against cfg: land new files, rebuild staging, quality
// and core, publish the lake and write the summary reports.
func Run(ctx context.Context, cfg *Config, opt RunOptions) (res RunResult, err error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if opt.Job == "" {
		opt.Job = "nightly"
	}
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	if !opt.From.IsZero() {
		opt.Replay = true
	}
	if opt.Job != "nightly" && opt.Job != "hourly" {
		return res, fmt.Errorf("unknown job %q: nightly or hourly", opt.Job)
	}
	for _, p := range opt.Providers {
		if !slices.ContainsFunc(cfg.Providers, func(q Provider) bool { return q.ID == p }) {
			return res, fmt.Errorf("provider %q is not in %s", p, cfg.Source)
		}
	}
	res.Warehouse, res.Published = cfg.Warehouse, cfg.Published
	// One writer at a time, taken before DuckDB opens the file: a second run gets a message
	// naming the first, not DuckDB's "could not set lock on file".
	if err := os.MkdirAll(filepath.Dir(cfg.Warehouse), 0o755); err != nil {
		return res, fmt.Errorf("warehouse folder: %w", err)
	}
	lock, err := runlock.Acquire(ctx, cfg.Warehouse+".lock", opt.Job, opt.Wait)
	if err != nil {
		return res, err
	}
	defer lock.Release()
	started := now()
	defer func() {
		r := LastRun{RunID: res.RunID, Job: opt.Job, Status: "succeeded", Started: started, Finished: now()}
		if err != nil {
			r.Status, r.Message = "failed", err.Error()
		}
		if werr := writeLastRun(cfg, r); werr != nil {
			log.Warn("could not write the last run's record", "error", werr)
		}
	}()
	if opt.Settle > 0 && !opt.TakeSettled {
		busy, err := busyFiles(cfg, opt, time.Now())
		if err != nil {
			return res, err
		}
		if len(busy) > 0 {
			return res, &BusyError{Files: busy, Settle: opt.Settle}
		}
	}
	db, err := load.Open(ctx, cfg.Warehouse, cfg.DuckDB.Settings())
	if err != nil {
		return res, err
	}
	defer db.Close()
	// One connection throughout: landing and transforming use explicit transactions on it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()

	if err := refreshProviders(ctx, conn, cfg); err != nil {
		return res, err
	}
	if err := markInterrupted(ctx, conn, lock.Stale, log); err != nil {
		return res, err
	}
	if err := sqlfiles.QueryRow(ctx, conn, "ops/run_start.sql", []any{opt.Job, now()}, &res.RunID); err != nil {
		return res, err
	}
	log.Info("run started", "run_id", res.RunID, "job", opt.Job, "warehouse", cfg.Warehouse)
	finished := false
	finish := func(err error) error {
		finished = true
		res.Status = "succeeded"
		msg := ""
		if err != nil {
			res.Status, msg = "failed", err.Error()
		} else if !res.Rebuilt {
			msg = "nothing new"
		}
		if len(res.Rejected) > 0 {
			msg = strings.TrimPrefix(msg+"; ", "; ") + fmt.Sprintf("%d file(s) rejected", len(res.Rejected))
		}
		if res.FilesBusy > 0 {
			msg = strings.TrimPrefix(msg+"; ", "; ") + fmt.Sprintf("%d file(s) still being written, left for the next run", res.FilesBusy)
		}
		return sqlfiles.Exec(context.WithoutCancel(ctx), conn, "ops/run_finish.sql", now(), res.Status,
			res.FilesNew, res.FilesSkipped, res.FilesRejected, nullable(msg), res.RunID)
	}
	defer func() {
		if !finished || err != nil {
			if ferr := finish(err); err == nil {
				err = ferr
			}
		}
	}()
	// The published copy is made last, after the run is recorded as finished, so that it
	// shows this run as it ended.
	publish := func() error {
		if err := finish(nil); err != nil {
			return err
		}
		start := time.Now()
		pub, err := load.PublishCopy(ctx, conn, cfg.Warehouse, cfg.Published)
		if err != nil {
			return err
		}
		how := "whole copy"
		switch {
		case pub.InPlace && pub.SpareRead:
			how = "spare compared and brought up to date"
		case pub.InPlace:
			how = "spare brought up to date"
		}
		log.Info("published the read-only copy", "path", cfg.Published, "how", how,
			"mib", pub.Size>>20, "mib_written", pub.Written>>20, "seconds", round(time.Since(start)))
		return nil
	}

	var replay map[string]bool
	if opt.Replay {
		if replay, err = replaySet(ctx, conn, opt.Providers, opt.From); err != nil {
			return res, err
		}
		if err := sqlfiles.QueryRow(ctx, conn, "ops/quarantined_count.sql", []any{providerList(opt.Providers)}, &res.QuarantinedBefore); err != nil {
			return res, err
		}
		if opt.From.IsZero() {
			log.Info("replay: reading again the files that hold quarantined rows", "files", len(replay))
		} else {
			log.Info("replay: reading again the files received since", "from", opt.From, "files", len(replay))
		}
	}
	// The hourly job merges its batch into core when core was complete before it landed;
	// otherwise (a run died, or nothing was ever built) it rebuilds, like the nightly job.
	var wasUpToDate bool
	var lastPublished sql.NullTime
	if err := sqlfiles.QueryRow(ctx, conn, "ops/up_to_date.sql", nil, &wasUpToDate, &lastPublished); err != nil {
		return res, err
	}
	landedProviders := map[string]bool{} // provider ids and raw table names that landed rows
	landed, err := landAll(ctx, db, conn, cfg, opt, res.RunID, replay, log, &res, landedProviders)
	if err != nil {
		return res, err
	}
	if res.ReplayMissing = len(replay) - res.Replayed; opt.Replay && res.ReplayMissing > 0 {
		log.Warn("replay: files in the ledger are no longer in the inbox; their rows stay as they were loaded", "files", res.ReplayMissing)
	}
	// Nothing landed: the warehouse is as up to date as it was before landing.
	if landed == 0 && wasUpToDate && !opt.Replay {
		log.Info("nothing new: the warehouse, lake and reports are as the last run left them", "run_id", res.RunID)
		res.Lake = filepath.Join(cfg.Lake, "current")
		res.Reports = reports.SummaryPaths(cfg.Reports)
		// Analyst tables keyed by a secret since withdrawn must not outlive it, a secret
		// supplied since the last run need not wait for new files to be used, and a
		// warehouse made before the user views gets them now.
		key := analystKey(opt.Getenv, log)
		analyst, userViews, err := load.ReadersState(ctx, conn)
		if err != nil {
			return res, err
		}
		if (key == nil) == analyst || !userViews {
			dict, err := dictionary.Load()
			if err != nil {
				return res, err
			}
			if err := load.PublishViews(ctx, conn, key, dict, 0, log); err != nil {
				return res, err
			}
			return res, publish()
		}
		// A run that died between publishing the lake and copying the warehouse left an old copy.
		if st, err := os.Stat(cfg.Published); err == nil && st.ModTime().After(lastPublished.Time) {
			return res, finish(nil)
		}
		return res, publish()
	}

	var providers []string
	var rawTables []transform.RawTable
	for _, p := range cfg.Providers {
		providers = append(providers, p.ID)
		for _, f := range p.Feeds {
			rawTables = append(rawTables, transform.RawTable{Name: f.Target(p).RawTable(), RowKey: f.RowKey, Provider: p.ID, Feed: f.Name})
		}
	}
	var steps []transform.Step
	start := time.Now()
	if opt.Job == "hourly" && !opt.Replay && wasUpToDate && landed > 0 {
		var batchProviders []string
		for _, p := range providers {
			if landedProviders[p] {
				batchProviders = append(batchProviders, p)
			}
		}
		var batchTables []transform.RawTable
		for _, t := range rawTables {
			if landedProviders[t.Name] {
				batchTables = append(batchTables, t)
			}
		}
		done := opt.Progress.step("transform: merge the batch into core")
		steps, err = transform.RunIncremental(ctx, conn, res.RunID, batchProviders, batchTables, log)
		done()
		switch {
		case err == nil:
			res.Incremental = true
		case errors.Is(err, transform.ErrNotIncremental):
			log.Info("the batch needs a full transform", "reason", err)
		default:
			return res, err
		}
	}
	if !res.Incremental {
		if res.Held, err = currentExtracts(ctx, conn, cfg, rawTables, log); err != nil {
			return res, err
		}
		done := opt.Progress.step("transform: staging, quality rules, core")
		more, err := transform.Run(ctx, conn, res.RunID, providers, rawTables, cfg.Linkage, log)
		steps = append(steps, more...)
		done()
		if err != nil {
			return res, err
		}
	}
	// One transaction for them all: a commit each would cost a write to disk each.
	err = sqlfiles.InTransaction(ctx, conn, func() error {
		for _, s := range steps {
			if err := sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", res.RunID, "transform", s.Name, s.Seconds, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	log.Info("transform done", "seconds", round(time.Since(start)))
	res.Rebuilt = true
	if !res.Incremental {
		archive(ctx, conn, cfg, &res, opt.Progress, log)
	}

	// What readers query on top of core: after core is committed, before the lake and
	// the published copy, so that both show this run's views and analyst tables.
	dict, err := dictionary.Load()
	if err != nil {
		return res, err
	}
	done := opt.Progress.step("publish: user views, analyst tables, descriptions")
	start = time.Now()
	var batch int64 // a full transform: every analyst table; an hourly merge: those it changed
	if res.Incremental {
		batch = res.RunID
	}
	err = load.PublishViews(ctx, conn, analystKey(opt.Getenv, log), dict, batch, log)
	done()
	if err != nil {
		return res, err
	}
	_ = sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", res.RunID, "publish", "views", time.Since(start).Seconds(), nil)
	if opt.Replay {
		if err := sqlfiles.QueryRow(ctx, conn, "ops/quarantined_count.sql", []any{providerList(opt.Providers)}, &res.QuarantinedAfter); err != nil {
			return res, err
		}
		log.Info("replay done", "files", res.Replayed, "quarantined_before", res.QuarantinedBefore, "quarantined_after", res.QuarantinedAfter)
	}

	// The hourly job's merge leaves the lake and the summary reports as the last full
	// transform made them: a lake snapshot is the whole of every table, and rewriting it (or
	// the board's quality summary) for 1% new rows would cost the hourly job more than its
	// merge. Its rows reach analysts through the published copy; its quality results are in
	// quality.results and ccare runs.
	if res.Incremental {
		res.Lake = filepath.Join(cfg.Lake, "current")
		res.Reports = reports.SummaryPaths(cfg.Reports)
		log.Info("lake and summary reports left as the last full run made them; the published copy has this run's rows")
		if err := sqlfiles.Exec(ctx, conn, "ops/run_published.sql", res.RunID); err != nil {
			return res, err
		}
		return res, publish()
	}
	done = opt.Progress.step("publish: Parquet lake")
	start = time.Now()
	res.Lake, err = load.PublishLake(ctx, db, cfg.Lake, res.RunID)
	done()
	if err != nil {
		return res, err
	}
	_ = sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", res.RunID, "publish", "lake", time.Since(start).Seconds(), nil)
	log.Info("lake published", "path", res.Lake, "seconds", round(time.Since(start)))

	done = opt.Progress.step("reports: summary")
	res.Reports, err = reports.WriteSummary(ctx, conn, cfg.Reports, reports.SummaryInfo{
		RunID: res.RunID, Generated: now(), Disclosure: cfg.Disclosure})
	done()
	if err != nil {
		return res, err
	}
	log.Info("reports written", "paths", strings.Join(res.Reports, ", "))
	if err := sqlfiles.Exec(ctx, conn, "ops/run_published.sql", res.RunID); err != nil {
		return res, err
	}
	return res, publish()
}

// analystKey is the pseudonymisation secret, or nil (with a warning saying why and how to
// supply it) when there is none: the analyst schema is then not built.
func analystKey(getenv func(string) string, log *slog.Logger) *pseudonym.Key {
	key, err := pseudonym.FromEnv(getenv)
	if err != nil {
		log.Warn("the analyst schema is not built, and any earlier one is dropped: " + err.Error() +
			" (the secret is never read from ccare.yaml; keep it the same from run to run so that pseudonyms stay stable)")
		return nil
	}
	return &key
}

// markInterrupted closes the runs a dead process left 'running'. Only a lock holder may
// call it: while we hold the lock no other run is alive.
func markInterrupted(ctx context.Context, conn *sql.Conn, stale *runlock.Holder, log *slog.Logger) error {
	msg := "interrupted: the process ended without finishing"
	if stale != nil {
		msg = fmt.Sprintf("interrupted: the %s ended without finishing (it left the lock stale)", stale)
	}
	text, err := sqlfiles.File("ops/runs_interrupted.sql")
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, text, msg)
	if err != nil {
		return fmt.Errorf("ops/runs_interrupted.sql: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		log.Warn("an earlier run did not finish; its committed work stands and this run completes it", "run_id", id, "detail", msg)
	}
	return rows.Err()
}

func refreshProviders(ctx context.Context, conn *sql.Conn, cfg *Config) error {
	return sqlfiles.InTransaction(ctx, conn, func() error {
		if err := sqlfiles.Exec(ctx, conn, "ops/provider_forget.sql"); err != nil {
			return err
		}
		for _, p := range cfg.Providers {
			if err := sqlfiles.Exec(ctx, conn, "ops/provider_insert.sql", p.ID, p.Organisation, p.System, p.Kind, p.TrustRank); err != nil {
				return err
			}
		}
		return nil
	})
}

// currentExtracts sets, for each whole feed's raw table, the file its current extract came
// from: the full transform reads it and the files after it, and supersedes those before. It
// returns a message for each file the shrink guard held back.
func currentExtracts(ctx context.Context, conn *sql.Conn, cfg *Config, rawTables []transform.RawTable, log *slog.Logger) (held []string, err error) {
	for i, t := range rawTables {
		_, f, ok := cfg.feed(t.Provider, t.Feed)
		if !ok || !f.Whole {
			continue
		}
		files, err := load.CurrentExtracts(ctx, conn, t.Provider, t.Feed)
		if err != nil {
			return nil, err
		}
		current, kept := load.Supersede(files, f.ShrinkGuard)
		if current < 0 {
			continue
		}
		rawTables[i].From = files[current].FileID
		if current > 0 {
			log.Info("whole extract supersedes the feed's earlier files", "feed", t.Provider+"/"+t.Feed,
				"file", files[current].Name, "superseded", current)
		}
		for _, h := range kept {
			msg := fmt.Sprintf("%s/%s %s: %d rows, under %.0f%% of the %d of %s, so it supersedes nothing and both are read",
				t.Provider, t.Feed, h.Name, h.RowsRead, 100*f.ShrinkGuard, files[current].RowsRead, files[current].Name)
			held = append(held, msg)
			if err := sqlfiles.Exec(ctx, conn, "ops/held_back.sql", h.FileID, "held back: "+msg); err != nil {
				return nil, err
			}
			log.Warn("whole extract held back: too few rows to supersede the feed's current extract, so both are read",
				"feed", t.Provider+"/"+t.Feed, "file", h.Name, "rows", h.RowsRead,
				"current", files[current].Name, "current_rows", files[current].RowsRead, "shrink_guard", f.ShrinkGuard)
		}
	}
	return held, nil
}

// archive moves the rows of whole extracts superseded (by this run or one before it whose
// archiving failed) from raw to the archive. A failure is reported, not fatal: the rows stay
// in raw, nothing is lost, this run's warehouse is still published, and the next full run
// tries again.
func archive(ctx context.Context, conn *sql.Conn, cfg *Config, res *RunResult, progress *Progress, log *slog.Logger) {
	done := progress.step("retention: archive superseded extracts")
	start := time.Now()
	archived, err := load.ArchiveSuperseded(ctx, conn, cfg.Archive, cfg.rawTable)
	done()
	var rows int64
	for _, a := range archived {
		rows += a.Rows
		log.Info("superseded extract archived: its rows left raw", "file", a.Provider+"/"+a.Feed+" "+a.File, "rows", a.Rows, "path", a.Path)
	}
	res.Archived, res.Archive = len(archived), filepath.Join(cfg.Archive, "raw")
	if len(archived) > 0 {
		_ = sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", res.RunID, "publish", "archive", time.Since(start).Seconds(), rows)
	}
	if err != nil {
		res.ArchiveError = err.Error()
		log.Error("retention: a superseded extract could not be archived; its rows stay in raw and the next run tries again", "err", err)
	}
}

type pending struct {
	target extract.Target
	file   extract.File
	again  bool // a replay: the file is loaded already and is read again in place
}

// replaySet is the loaded files to read again (ops/replay_files.sql), as replayKey strings.
func replaySet(ctx context.Context, conn *sql.Conn, providers []string, from time.Time) (map[string]bool, error) {
	text, err := sqlfiles.File("ops/replay_files.sql")
	if err != nil {
		return nil, err
	}
	var since any
	if !from.IsZero() {
		since = from
	}
	rows, err := conn.QueryContext(ctx, text, providerList(providers), since)
	if err != nil {
		return nil, fmt.Errorf("ops/replay_files.sql: %w", err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var provider, feed, sha string
		if err := rows.Scan(&provider, &feed, &sha); err != nil {
			return nil, err
		}
		set[replayKey(provider, feed, sha)] = true
	}
	return set, rows.Err()
}

func replayKey(provider, feed, sha256 string) string { return provider + "/" + feed + "/" + sha256 }

// providerList is a provider filter as a query parameter: never nil, so that DuckDB sees a list.
func providerList(providers []string) []string {
	if providers == nil {
		return []string{}
	}
	return providers
}

// busyFiles are the files of the run's feeds modified within opt.Settle of now.
func busyFiles(cfg *Config, opt RunOptions, now time.Time) ([]string, error) {
	var busy []string
	for _, p := range cfg.Providers {
		if len(opt.Providers) > 0 && !slices.Contains(opt.Providers, p.ID) {
			continue
		}
		for _, f := range p.Feeds {
			if opt.Job == "hourly" && f.Cadence != "hourly" {
				continue
			}
			matches, err := filepath.Glob(filepath.Join(cfg.Inbox, p.ID, f.Name, f.Pattern))
			if err != nil {
				return nil, fmt.Errorf("%s/%s pattern %q: %w", p.ID, f.Name, f.Pattern, err)
			}
			for _, path := range matches {
				st, err := os.Stat(path)
				if err != nil {
					return nil, err
				}
				if !st.IsDir() && st.ModTime().After(now.Add(-opt.Settle)) {
					busy = append(busy, path)
				}
			}
		}
	}
	return busy, nil
}

// landAll finds every new file of the run's feeds and lands each in its own transaction.
// It returns how many were loaded.
func landAll(ctx context.Context, db *sql.DB, conn *sql.Conn, cfg *Config, opt RunOptions, runID int64, replay map[string]bool, log *slog.Logger, res *RunResult, providers map[string]bool) (int, error) {
	var todo []pending
	var totalBytes int64
	// A feed's files with the same bytes under two names (a resent file, or two hours with
	// nothing to send) are one file to the ledger, which knows a file by its SHA-256: the
	// first found lands, and the others are skipped as already loaded, as they would be in a
	// later run.
	inRun := map[string]string{}
	for _, p := range cfg.Providers {
		if len(opt.Providers) > 0 && !slices.Contains(opt.Providers, p.ID) {
			continue
		}
		for _, f := range p.Feeds {
			t := f.Target(p)
			if err := extract.EnsureRawTable(ctx, conn, t); err != nil {
				return 0, err
			}
			if opt.Job == "hourly" && f.Cadence != "hourly" {
				continue
			}
			dir := filepath.Join(cfg.Inbox, p.ID, f.Name)
			matches, err := filepath.Glob(filepath.Join(dir, f.Pattern))
			if err != nil {
				return 0, fmt.Errorf("%s/%s pattern %q: %w", p.ID, f.Name, f.Pattern, err)
			}
			sort.Strings(matches)
			for _, path := range matches {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
				// A file loaded before, untouched since, is known by its name, size and time
				// without reading it again.
				if st, err := os.Stat(path); err != nil {
					return 0, err
				} else if !st.IsDir() && opt.Settle > 0 && st.ModTime().After(time.Now().Add(-opt.Settle)) {
					res.FilesBusy++
					log.Warn("file may still be being written; left for the next run", "file", path, "modified", st.ModTime())
					continue
				} else if !st.IsDir() {
					sha, err := extract.SeenUnchanged(ctx, conn, t, filepath.Base(path), st.Size(), st.ModTime().Truncate(time.Microsecond))
					if err != nil {
						return 0, err
					}
					if sha != "" && !replay[replayKey(p.ID, f.Name, sha)] {
						res.FilesSkipped++
						log.Debug("already loaded (same name, size and time)", "file", path)
						continue
					}
				}
				file, err := describe(path)
				if err != nil {
					return 0, err
				}
				if file.Size < 0 {
					continue // a folder matched the pattern
				}
				status, err := extract.Seen(ctx, conn, t, file.SHA256)
				if err != nil {
					return 0, err
				}
				again := status == "loaded" && replay[replayKey(p.ID, f.Name, file.SHA256)]
				if status == "loaded" && !again {
					res.FilesSkipped++
					log.Debug("already loaded", "file", path)
					continue
				}
				key := replayKey(p.ID, f.Name, file.SHA256)
				if first, ok := inRun[key]; ok {
					res.FilesSkipped++
					log.Debug("already loaded (the same bytes as another file of this run)", "file", path, "as", first)
					continue
				}
				inRun[key] = path
				todo = append(todo, pending{t, file, again})
				totalBytes += file.Size
			}
		}
	}
	opt.Progress.start(totalBytes, len(todo))
	defer opt.Progress.finish()
	if len(todo) == 0 {
		return 0, nil
	}
	first, err := extract.NextFileID(ctx, conn)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	landed, err := landConcurrently(ctx, db, conn, todo, first, runID, opt.Progress, log)
	// Files land side by side: the phase's time is the wall clock's, each file's own time is
	// under 'extract file'.
	var rowsRead int64
	for _, l := range landed {
		if l != nil {
			rowsRead += l.RowsRead
		}
	}
	_ = sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", runID, "extract", "landing", time.Since(start).Seconds(), rowsRead)
	// Results are taken in the order the files were found, whatever order they finished in,
	// so that what a run reports does not depend on scheduling.
	loaded := 0
	for i, l := range landed {
		if l == nil {
			continue
		}
		pf := todo[i]
		label := fmt.Sprintf("%s/%s %s", pf.target.Provider, pf.target.Feed, pf.file.Name)
		if pf.again {
			res.Replayed++
		}
		if l.Status == "rejected" {
			res.FilesRejected++
			res.Rejected = append(res.Rejected, l.Message)
			continue
		}
		if len(l.AddedColumns) > 0 {
			res.Drift = append(res.Drift, fmt.Sprintf("%s: new column(s) %s, kept in raw.%s._extra",
				label, strings.Join(l.AddedColumns, ", "), pf.target.RawTable()))
		}
		loaded++
		res.FilesNew++
		providers[pf.target.Provider] = true
		providers[pf.target.RawTable()] = true
	}
	return loaded, err
}

// landConcurrently lands the files, each in its own transaction, on up to one connection per
// core: a file's landing (our reader's parse, DuckDB's append and commit) keeps about one core
// busy, so files side by side use the others (at a million people on two cores, 151 s → 93 s).
// A raw table's files land one after another on one connection, in the order found (a
// replay deletes a file's earlier rows from its table; a later file of a feed may add
// columns the earlier one did not have), and the largest tables start first so that the
// connections finish together. The main connection is one of them. The result for todo[i] is
// landed[i], nil for a file not landed because another failed first.
func landConcurrently(ctx context.Context, db *sql.DB, main *sql.Conn, todo []pending, firstID, runID int64, progress *Progress, log *slog.Logger) ([]*extract.Landed, error) {
	type group struct {
		files []int // indexes into todo, in order
		bytes int64
	}
	var groups []*group
	byTable := map[string]*group{}
	for i, pf := range todo {
		g := byTable[pf.target.RawTable()]
		if g == nil {
			g = &group{}
			byTable[pf.target.RawTable()] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, i)
		g.bytes += pf.file.Size
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(b.bytes, a.bytes) })
	queue := make(chan *group, len(groups))
	for _, g := range groups {
		queue <- g
	}
	close(queue)

	landed := make([]*extract.Landed, len(todo))
	var started atomic.Int64
	eg, ctx := errgroup.WithContext(ctx)
	workers := min(runtime.NumCPU(), len(groups), maxLandingConnections)
	for w := range workers {
		eg.Go(func() error {
			conn := main
			if w > 0 {
				var err error
				if conn, err = db.Conn(ctx); err != nil {
					return err
				}
				defer conn.Close()
			}
			for g := range queue {
				for _, i := range g.files {
					if err := ctx.Err(); err != nil {
						return err
					}
					pf := todo[i]
					label := fmt.Sprintf("%s/%s %s", pf.target.Provider, pf.target.Feed, pf.file.Name)
					progress.file(int(started.Add(1)), label)
					start := time.Now()
					land := extract.Land
					if pf.again {
						land = extract.Reland
					}
					l, err := land(ctx, conn, pf.target, pf.file, firstID+int64(i), runID, progress.rows)
					if err != nil {
						return err
					}
					landed[i] = &l
					progress.bytes(pf.file.Size)
					switch {
					case l.Status == "rejected":
						log.Warn("file rejected (it will be tried again on the next run)", "file", pf.file.Path, "reason", l.Message)
						continue
					case len(l.AddedColumns) > 0:
						log.Warn("schema drift: the file has columns the feed's last loaded file did not (kept in _extra, not mapped)",
							"file", label, "columns", strings.Join(l.AddedColumns, ","))
					}
					_ = sqlfiles.Exec(ctx, conn, "ops/step_timing_insert.sql", runID, "extract file", label, time.Since(start).Seconds(), l.RowsRead)
					log.Info("file landed", "file", label, "rows", l.RowsRead, "quarantined", l.RowsQuarantined,
						"seconds", round(time.Since(start)))
				}
			}
			return nil
		})
	}
	return landed, eg.Wait()
}

// maxLandingConnections bounds how many files land at once: beyond a few, the files contend
// for the disk and DuckDB's commit, and each connection's appender holds its own buffers.
const maxLandingConnections = 4

// describe hashes a file and notes its size and modification time (when it was received).
func describe(path string) (extract.File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return extract.File{}, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return extract.File{}, err
	}
	if st.IsDir() {
		return extract.File{Size: -1}, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return extract.File{}, fmt.Errorf("read %s: %w", path, err)
	}
	return extract.File{Path: path, Name: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil)),
		Size: st.Size(), ReceivedAt: st.ModTime()}, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func round(d time.Duration) float64 { return float64(d.Round(time.Millisecond)) / float64(time.Second) }
