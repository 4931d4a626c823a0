// Package transform runs the SQL models that turn raw.* into the common model: staging
// per provider, the quality rules, identity resolution (the master patient index, identity.go
// and sql/identity) and core, then the ledger's reconciliation.
// Staging commits first; then the quality rules; then identity resolution; then core, the
// ledger's reconciliation and core's history (history.*), so that a failed run leaves the
// last good core, history and ledger in place.
package transform

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// RawTable is one feed's table in raw.*.
type RawTable struct {
	Name string
	// RowKey: columns the source assigns to each stored row, ignored when comparing records.
	RowKey []string
	// A whole feed's table (delivery: whole): its provider and feed, and the file id of its
	// current extract. A full transform reads only that file's rows and later ones, and marks
	// the earlier files superseded in the ledger (load.MarkSuperseded). 0: every row is read.
	Provider, Feed string
	From           int64
}

// Step is one SQL file run and how long it took.
type Step struct {
	Name    string
	Seconds float64
}

// ConservationError lists the files whose rows do not add up: a silent loss or a double count.
type ConservationError struct{ Files []string }

func (e *ConservationError) Error() string {
	return "row conservation broken (read ≠ loaded + quarantined + superseded) for: " + strings.Join(e.Files, "; ")
}

// Run rebuilds staging, quality and core from raw.*, and records the quality results of run
// runID. providers are those whose staging SQL should run (every configured provider);
// rawTables are every raw table: each is checked for duplicate records, and its quarantined
// rows get their original record attached.
func Run(ctx context.Context, conn *sql.Conn, runID int64, providers []string, rawTables []RawTable, linkage Linkage, log *slog.Logger) (steps []Step, err error) {
	memory, _ := sqlfiles.File("ops/memory_usage.sql")
	done := func(name string, seconds float64) {
		steps = append(steps, Step{Name: name, Seconds: seconds})
		if !log.Enabled(ctx, slog.LevelDebug) {
			return
		}
		// With --verbose, what DuckDB holds after each step: where a memory limit bites.
		var mem, tmp float64
		var largest sql.NullString
		if err := conn.QueryRowContext(ctx, memory).Scan(&mem, &tmp, &largest); err != nil {
			log.Debug("sql step", "file", name, "seconds", seconds)
			return
		}
		log.Debug("sql step", "file", name, "seconds", seconds, "duckdb_memory_mb", mem, "duckdb_temporary_mb", tmp, "largest", largest.String)
	}
	committed := func(what string) func(float64) {
		return func(seconds float64) { done("commit: "+what, seconds) }
	}
	// Staging is committed on its own, before the rest. It is scratch space no analyst
	// reads, and DuckDB's planner sees no rows in tables filled earlier in the same
	// transaction: every later join against a staging table built in-transaction would
	// hash the whole staging table instead of the small side (at 10 million rows, gigabytes
	// of memory, or an out-of-memory error under a memory limit).
	current := scope{from: map[string]int64{}}
	for _, t := range rawTables {
		if t.From > 0 {
			current.from[t.Name] = t.From
		}
	}
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		// Staging tables are declared with CREATE OR REPLACE: re-running empties them.
		return execStaging(ctx, conn, providers, current, done)
	}, committed("staging"))
	if err != nil {
		return steps, err
	}
	// The quality verdicts commit on their own, before identity resolution: DuckDB gives back
	// the memory of a transaction's tables, scratch or dropped, only when it ends, and with the
	// verdicts in the same transaction the 1 GB HL7 batch's identity resolution ran out of
	// memory at 128MB (README: "Running on real configuration"). A failure in identity
	// resolution leaves this run's verdicts beside the last good links and core; the run is
	// failed and not published, and the next run computes its verdicts afresh.
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		return checkQuality(ctx, conn, runID, rawTables, current, done)
	}, committed("quality"))
	if err != nil {
		return steps, err
	}
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		return resolveIdentity(ctx, conn, runID, linkage, done)
	}, committed("identity"))
	if err != nil {
		return steps, err
	}
	// The golden record and the clinical tables commit on their own, after the rules and the
	// links they rest on. DuckDB keeps every table a transaction made, dropped or not, until
	// it ends: identity resolution's scratch tables (hundreds of MB at millions of local ids)
	// would otherwise hold memory the golden record needs under a small memory limit. A
	// failure here leaves the last good core.person and clinical tables beside this run's
	// links; person_ids are stable, so those still point at the right people (an id merged
	// since is followed through core.person_id_event).
	//
	// On a warehouse's first build, history (empty) commits on its own after core: its first
	// versions are a copy of core, and written from core committed rather than from core
	// still held by the transaction that made it, under a small memory limit, they take a
	// third less time at a million people. A failure between the two leaves core without
	// history and the run not built (ops/run_built.sql is in the second), so the next run
	// rebuilds and history's first versions are its core. Afterwards history and the core it
	// describes always commit together.
	var firstBuild bool
	if err := sqlfiles.QueryRow(ctx, conn, "ops/history_empty.sql", nil, &firstBuild); err != nil {
		return steps, err
	}
	history := func() error {
		if err := load.MergeHistory(ctx, conn, runID, time.Now(), false, done); err != nil {
			return err
		}
		return sqlfiles.Exec(ctx, conn, "ops/run_built.sql", runID)
	}
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		if err := sqlfiles.ExecDir(ctx, conn, "core", done); err != nil {
			return err
		}
		// The rows of superseded extracts have just left core; their files' counts become final.
		for _, t := range rawTables {
			if t.From > 0 {
				if err := load.MarkSuperseded(ctx, conn, t.Provider, t.Feed, t.From); err != nil {
					return err
				}
			}
		}
		start := time.Now()
		if err := sqlfiles.Exec(ctx, conn, "ops/reconcile_ledger.sql", 0); err != nil {
			return err
		}
		done("ops/reconcile_ledger.sql", time.Since(start).Seconds())
		if err := checkConservation(ctx, conn); err != nil {
			return err
		}
		if firstBuild {
			return nil
		}
		return history()
	}, committed("core"))
	if err != nil || !firstBuild {
		return steps, err
	}
	return steps, sqlfiles.InTransactionTimed(ctx, conn, history, committed("history"))
}

// checkQuality runs the rules (runQuality), records the run's results, and attaches each
// newly quarantined row's record as sent.
func checkQuality(ctx context.Context, conn *sql.Conn, runID int64, rawTables []RawTable, s scope, done func(string, float64)) error {
	if err := runQuality(ctx, conn, rawTables, s, done); err != nil {
		return err
	}
	start := time.Now()
	if err := sqlfiles.Exec(ctx, conn, "ops/quality_results.sql", runID); err != nil {
		return err
	}
	done("ops/quality_results.sql", time.Since(start).Seconds())
	for _, table := range rawTables {
		text, err := sqlfiles.Render("templates/quarantine_record.sql", map[string]any{"Table": table.Name})
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err := conn.ExecContext(ctx, s.narrow(text)); err != nil {
			return fmt.Errorf("templates/quarantine_record.sql for raw.%s: %w", table.Name, err)
		}
		done("templates/quarantine_record.sql "+table.Name, time.Since(start).Seconds())
	}
	return sqlfiles.Exec(ctx, conn, "ops/quality_end.sql")
}

// runQuality runs each rule file of sql/quality, then the duplicate check on each raw table,
// applying each one's checks (templates/quality_apply.sql) before the next defines its own. With a
// batch (the hourly job), the rules see only that batch's rows, and the earlier verdicts on
// other rows stand (quality/00_reset.sql is not run).
func runQuality(ctx context.Context, conn *sql.Conn, rawTables []RawTable, s scope, done func(string, float64)) error {
	names, err := sqlfiles.Dir("quality")
	if err != nil {
		return err
	}
	if err := sqlfiles.Exec(ctx, conn, "ops/quality_begin.sql"); err != nil {
		return err
	}
	var applyText [2]string // without, with the rule file's own quality_counts
	for i := range applyText {
		applyText[i], err = sqlfiles.Render("templates/quality_apply.sql", map[string]any{"Batch": s.batch != 0, "Counts": i == 1})
		if err != nil {
			return err
		}
	}
	apply := func(name string, start time.Time) error {
		var counts bool
		if err := sqlfiles.QueryRow(ctx, conn, "ops/temp_view_exists.sql", []any{"quality_counts"}, &counts); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, applyText[map[bool]int{false: 0, true: 1}[counts]]); err != nil {
			return fmt.Errorf("%s: templates/quality_apply.sql: %w", name, err)
		}
		done(name, time.Since(start).Seconds())
		return nil
	}
	for _, name := range names {
		if s.batch != 0 && name == "quality/00_reset.sql" {
			continue
		}
		start := time.Now()
		if err := sqlfiles.Exec(ctx, conn, name); err != nil {
			return err
		}
		if err := apply(name, start); err != nil {
			return err
		}
	}
	for _, table := range rawTables {
		start := time.Now()
		text, err := sqlfiles.Render("templates/quality_duplicates.sql", map[string]any{"Table": table.Name, "RowKey": table.RowKey})
		if err != nil {
			return err
		}
		text = s.narrow(text)
		name := "templates/quality_duplicates.sql " + table.Name
		if _, err := conn.ExecContext(ctx, text); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := apply(name, start); err != nil {
			return err
		}
	}
	return nil
}

func checkConservation(ctx context.Context, conn *sql.Conn) error {
	text, err := sqlfiles.File("ops/conservation.sql")
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, text)
	if err != nil {
		return fmt.Errorf("ops/conservation.sql: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var provider, feed, file string
		var read, loaded, quarantined, superseded int64
		if err := rows.Scan(&provider, &feed, &file, &read, &loaded, &quarantined, &superseded); err != nil {
			return err
		}
		bad = append(bad, fmt.Sprintf("%s/%s %s: read %d, loaded %d, quarantined %d, superseded %d",
			provider, feed, file, read, loaded, quarantined, superseded))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(bad) > 0 {
		return &ConservationError{Files: bad}
	}
	return nil
}
