package transform

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// rawReference is a raw table named in SQL: raw.name or raw."name". Staging SQL and the rule
// templates read raw tables only as FROM raw.<table>, never aliased or qualifying a column
// (TestStagingReadsRawPlainly guards this), so a reference can be swapped for a subquery.
var rawReference = regexp.MustCompile(`\braw\.("[a-z0-9_]+"|[a-z0-9_]+\b)`)

// scope is which rows of the raw tables a transform reads: one batch's (the hourly job's
// merge), or, in a full transform, all but the rows of whole extracts since superseded.
type scope struct {
	batch int64
	from  map[string]int64 // raw table → the first file id read (its feed's current extract)
}

// narrow makes SQL that reads raw tables read only the scope's rows, by swapping each raw
// table for a subquery. Files land in id order, so a file id bound prunes whole row groups.
func (s scope) narrow(text string) string {
	return rawReference.ReplaceAllStringFunc(text, func(ref string) string {
		if s.batch != 0 {
			return fmt.Sprintf("(SELECT * FROM %s WHERE _batch_id = %d)", ref, s.batch)
		}
		if from := s.from[strings.Trim(strings.TrimPrefix(ref, "raw."), `"`)]; from > 0 {
			return fmt.Sprintf("(SELECT * FROM %s WHERE _file_id >= %d)", ref, from)
		}
		return ref
	})
}

// execStaging runs the providers' staging SQL over the scope's raw rows.
func execStaging(ctx context.Context, conn *sql.Conn, providers []string, s scope, done func(string, float64)) error {
	if err := sqlfiles.Exec(ctx, conn, "schema/40_staging.sql"); err != nil {
		return err
	}
	for _, p := range providers {
		names, err := sqlfiles.Dir("staging/" + p)
		if err != nil {
			return fmt.Errorf("provider %s has a built format but no staging SQL in sql/staging/%s: %w", p, p, err)
		}
		for _, name := range names {
			text, err := sqlfiles.File(name)
			if err != nil {
				return err
			}
			start := time.Now()
			if _, err := conn.ExecContext(ctx, s.narrow(text)); err != nil {
				if s.batch != 0 {
					return fmt.Errorf("%s (batch %d): %w", name, s.batch, err)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
			done(name, time.Since(start).Seconds())
		}
	}
	return nil
}

// ErrNotIncremental says a batch holds something only a full rebuild handles; nothing of the
// incremental transform has been committed but staging (which any transform rebuilds).
var ErrNotIncremental = fmt.Errorf("the batch needs a full transform")

// incrementalCore are the clinical tables the hourly job merges its batch into, with the
// entity their files' rows are counted under in the ledger.
var incrementalCore = []struct{ table, key, entity string }{
	{"allergy", "allergy_id", "allergy"},
	{"condition", "condition_id", "condition"},
	{"medication", "medication_id", "medication"},
	{"encounter", "encounter_id", "encounter"},
	{"care_episode", "care_episode_id", "care-episode"},
}

// RunIncremental merges one batch (the rows run batch landed) into the current core, for the
// hourly job: staging, the quality rules and the links for that batch's rows only; a newer
// version of a record replaces the one in core, a withdrawal removes it, an older version
// arriving late changes nothing; the ledger's counts move with the rows. It commits in two
// steps like Run (staging; the rest with history), and returns ErrNotIncremental, having
// changed nothing but staging, when the batch holds what only Run handles (a provider's
// merge or unlink of local ids).
//
// What waits for the next full transform: probabilistic matching (a new local id without a
// matching NHS number gets a person of its own, match_method 'pending'), and changes to an
// existing person's golden record (new people get theirs).
func RunIncremental(ctx context.Context, conn *sql.Conn, runID int64, providers []string, rawTables []RawTable, log *slog.Logger) (steps []Step, err error) {
	done := func(name string, seconds float64) {
		steps = append(steps, Step{Name: name, Seconds: seconds})
		log.Debug("sql step", "file", name, "seconds", seconds)
	}
	batch := scope{batch: runID}
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		return execStaging(ctx, conn, providers, batch, done)
	}, func(seconds float64) { done("commit: staging", seconds) })
	if err != nil {
		return steps, err
	}
	var merges int64
	if err := sqlfiles.QueryRow(ctx, conn, "incremental/05_merges.sql", nil, &merges); err != nil {
		return steps, err
	}
	if merges > 0 {
		return steps, fmt.Errorf("%w: %d merge or unlink message(s) change who is who", ErrNotIncremental, merges)
	}
	err = sqlfiles.InTransactionTimed(ctx, conn, func() error {
		if err := sqlfiles.Exec(ctx, conn, "incremental/00_begin.sql", runID); err != nil {
			return err
		}
		if err := checkQuality(ctx, conn, runID, rawTables, batch, done); err != nil {
			return err
		}
		if err := execTimed(ctx, conn, "incremental/10_links.sql", done); err != nil {
			return err
		}
		var newPeople int64
		if err := sqlfiles.QueryRow(ctx, conn, "incremental/15_new_people.sql", nil, &newPeople); err != nil {
			return err
		}
		if newPeople > 0 {
			if err := execRendered(ctx, conn, "core/30_person.sql", "core.person", "incremental_person", done); err != nil {
				return err
			}
			if err := execTimed(ctx, conn, "incremental/20_people.sql", done); err != nil {
				return err
			}
		}
		for _, c := range incrementalCore {
			if n, err := load.TableRows(ctx, conn, "staging", c.table); err != nil {
				return err
			} else if n == 0 {
				continue // nothing of this kind in the batch
			}
			if err := execRendered(ctx, conn, fmt.Sprintf("core/%s.sql", coreFile(c.table)), "core."+c.table, "incremental_core", done); err != nil {
				return err
			}
			text, err := sqlfiles.Render("templates/incremental_merge.sql", map[string]any{
				"Table": c.table, "Key": c.key, "Entity": c.entity})
			if err != nil {
				return err
			}
			start := time.Now()
			if _, err := conn.ExecContext(ctx, text); err != nil {
				return fmt.Errorf("templates/incremental_merge.sql for core.%s: %w", c.table, err)
			}
			done("templates/incremental_merge.sql "+c.table, time.Since(start).Seconds())
		}
		for _, name := range []string{"ops/reconcile_ledger.sql", "incremental/90_ledger_lost.sql", "incremental/91_ledger_moves.sql"} {
			if err := execTimed(ctx, conn, name, done, runID); err != nil {
				return err
			}
		}
		if err := sqlfiles.Exec(ctx, conn, "incremental/99_reset.sql"); err != nil {
			return err
		}
		if err := checkConservation(ctx, conn); err != nil {
			return err
		}
		if err := load.MergeHistory(ctx, conn, runID, time.Now(), true, done); err != nil {
			return err
		}
		return sqlfiles.Exec(ctx, conn, "ops/run_built.sql", runID)
	}, func(seconds float64) { done("commit: core and history", seconds) })
	return steps, err
}

// coreFile is the name, without .sql, of the core SQL file that builds core.<table>.
func coreFile(table string) string {
	names, _ := sqlfiles.Dir("core")
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "core/"), ".sql")
		if _, rest, ok := strings.Cut(base, "_"); ok && rest == table {
			return base
		}
	}
	return table
}

// batchText is the core SQL file name for a batch: its table target made as the temporary
// table temp instead, without the full build's tuning.
func batchText(name, target, temp string) (string, error) {
	text, err := sqlfiles.File(name)
	if err != nil {
		return "", err
	}
	create := "CREATE OR REPLACE TABLE " + target + " AS"
	if strings.Count(text, create) != 1 {
		return "", fmt.Errorf("%s: want one %q to redirect", name, create)
	}
	text = strings.Replace(text, create, "CREATE OR REPLACE TEMP TABLE "+temp+" AS", 1)
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, line := range lines {
		if !strings.HasSuffix(strings.TrimSpace(line), fullBuildOnly) {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n"), nil
}

func execTimed(ctx context.Context, conn *sql.Conn, name string, done func(string, float64), args ...any) error {
	start := time.Now()
	if err := sqlfiles.Exec(ctx, conn, name, args...); err != nil {
		return err
	}
	done(name, time.Since(start).Seconds())
	return nil
}

// fullBuildOnly marks the statements of the core SQL that fit a full build's millions of
// rows into a small memory limit: joins in the written order (the planner sees no rows in
// tables made earlier in the transaction) and one thread. A batch's staging is small and
// committed before its core SQL runs, so the planner sees the sizes and does better
// unconstrained: it hashes the batch rather than core.person_link (1.6 s -> 0.5 s at a
// million people).
const fullBuildOnly = "-- full build only"

// execRendered runs a core SQL file so that the table it builds (CREATE OR REPLACE TABLE
// target AS) goes to a temporary table instead: the same model, applied to the batch's
// staging rows, without touching core.
func execRendered(ctx context.Context, conn *sql.Conn, name, target, temp string, done func(string, float64)) error {
	text, err := batchText(name, target, temp)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := conn.ExecContext(ctx, text); err != nil {
		return fmt.Errorf("%s (into %s): %w", name, temp, err)
	}
	done(name+" (batch)", time.Since(start).Seconds())
	return nil
}
