// Package transform runs the SQL models that turn raw.* into the common model: staging
// per provider, the quality rules, identity and core, then the ledger's reconciliation.
// Everything runs in one transaction, so analysts never see a half-built core.
package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

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

// Run rebuilds staging, quality and core from raw.*. providers are those whose staging SQL
// should run (the ones with a built format); rawTables are every raw table, whose
// quarantined rows get their original record attached.
func Run(ctx context.Context, conn *sql.Conn, providers, rawTables []string, log *slog.Logger) (steps []Step, err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return
		}
		if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
			err = fmt.Errorf("commit transform: %w", err)
		}
	}()
	run := func(name, text string) error {
		start := time.Now()
		if _, err := conn.ExecContext(ctx, text); err != nil {
			return fmt.Errorf("run %s: %w", name, err)
		}
		steps = append(steps, Step{Name: name, Seconds: time.Since(start).Seconds()})
		log.Debug("sql step", "file", name, "seconds", time.Since(start).Seconds())
		return nil
	}
	runDir := func(dir string) error {
		names, err := sqlfiles.Dir(dir)
		if err != nil {
			return err
		}
		for _, name := range names {
			text, err := sqlfiles.File(name)
			if err != nil {
				return err
			}
			if err := run(name, text); err != nil {
				return err
			}
		}
		return nil
	}
	// Staging tables are declared with CREATE OR REPLACE: re-running empties them.
	if text, err := sqlfiles.File("schema/40_staging.sql"); err != nil {
		return nil, err
	} else if err := run("schema/40_staging.sql", text); err != nil {
		return nil, err
	}
	for _, p := range providers {
		if err := runDir("staging/" + p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("provider %s has a built format but no staging SQL in sql/staging/%s", p, p)
			}
			return nil, err
		}
	}
	if err := runDir("quality"); err != nil {
		return nil, err
	}
	for _, table := range rawTables {
		text, err := sqlfiles.Render("templates/quarantine_record.sql", map[string]any{"Table": table})
		if err != nil {
			return nil, err
		}
		if err := run("templates/quarantine_record.sql "+table, text); err != nil {
			return nil, err
		}
	}
	if err := runDir("core"); err != nil {
		return nil, err
	}
	text, err := sqlfiles.File("ops/reconcile_ledger.sql")
	if err != nil {
		return nil, err
	}
	if err := run("ops/reconcile_ledger.sql", text); err != nil {
		return nil, err
	}
	return steps, checkConservation(ctx, conn)
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
