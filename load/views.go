package load

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/bnssg-connecting-care/ccare/pseudonym"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Describer writes the data dictionary's descriptions into the warehouse (COMMENT ON), for
// the objects that exist.
type Describer interface {
	Apply(ctx context.Context, conn *sql.Conn) error
}

// PublishViews builds what the warehouse's readers query on top of core, after core is
// committed and before the published copy is made: the six user views (sql/views, plain
// views over core, so always current), the pseudonymised analyst tables (sql/analyst),
// and the descriptions of both and of core. key nil: there is no secret, so the analyst
// schema is dropped rather than left stale. batch 0 rebuilds every analyst table; an
// hourly run's batch rebuilds analyst.person and only the tables the batch changed. All of
// it commits at once, so the published copy never shows new views with old analyst
// tables or the reverse.
func PublishViews(ctx context.Context, conn *sql.Conn, key *pseudonym.Key, dict Describer, batch int64, log *slog.Logger) error {
	if key != nil {
		// Registered before the transaction: DuckDB adds the function to its catalogue
		// for as long as this database is open; it is never written to the file.
		if err := pseudonym.Register(conn, *key); err != nil {
			return err
		}
	}
	return sqlfiles.InTransaction(ctx, conn, func() error {
		start := time.Now()
		if err := sqlfiles.ExecDir(ctx, conn, "views", nil); err != nil {
			return err
		}
		var rebuilt []string
		if key == nil {
			if err := sqlfiles.Exec(ctx, conn, "analyst/00_drop.sql"); err != nil {
				return err
			}
		} else {
			var err error
			if rebuilt, err = buildAnalyst(ctx, conn, batch); err != nil {
				return err
			}
		}
		if err := dict.Apply(ctx, conn); err != nil {
			return err
		}
		log.Info("user views, analyst tables and descriptions in place", "analyst", key != nil,
			"analyst_rebuilt", strings.Join(rebuilt, ","), "seconds", time.Since(start).Round(time.Millisecond).Seconds())
		return nil
	})
}

// buildAnalyst runs sql/analyst: the person → pseudonym table, then each table's file
// (2N_<table>.sql) that batch calls for, then the clean-up. It returns the tables rebuilt.
func buildAnalyst(ctx context.Context, conn *sql.Conn, batch int64) ([]string, error) {
	existing := map[string]bool{}
	rows, err := sqlfiles.Query(ctx, conn, "dictionary/analyst_tables.sql")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		existing[t] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := sqlfiles.Dir("analyst")
	if err != nil {
		return nil, err
	}
	if err := sqlfiles.Exec(ctx, conn, "analyst/10_person_key.sql"); err != nil {
		return nil, err
	}
	var rebuilt []string
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		if !strings.HasPrefix(base, "2") || base == "29_done" {
			continue
		}
		_, table, _ := strings.Cut(base, "_")
		// analyst.person always: the hourly job adds people without a batch column to show it.
		if batch != 0 && table != "person" && existing[table] {
			stale, err := analystStale(ctx, conn, table, batch)
			if err != nil {
				return nil, err
			}
			if !stale {
				continue
			}
		}
		if err := sqlfiles.Exec(ctx, conn, name); err != nil {
			return nil, err
		}
		rebuilt = append(rebuilt, table)
	}
	return rebuilt, sqlfiles.Exec(ctx, conn, "analyst/29_done.sql")
}

func analystStale(ctx context.Context, conn *sql.Conn, table string, batch int64) (bool, error) {
	text, err := sqlfiles.Render("templates/analyst_stale.sql", map[string]string{"Table": table})
	if err != nil {
		return false, err
	}
	var stale bool
	if err := conn.QueryRowContext(ctx, text, batch).Scan(&stale); err != nil {
		return false, fmt.Errorf("templates/analyst_stale.sql for %s: %w", table, err)
	}
	return stale, nil
}

// ReadersState says whether the warehouse holds an analyst schema, and all six user views.
func ReadersState(ctx context.Context, conn *sql.Conn) (analyst, userViews bool, err error) {
	err = sqlfiles.QueryRow(ctx, conn, "dictionary/readers_state.sql", nil, &analyst, &userViews)
	return analyst, userViews, err
}
