package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// HistoryTable is a core table whose versions history.<Name> keeps, and its natural key.
type HistoryTable struct {
	Name string
	Key  []string
}

// HistoryTables are the core tables with history: the golden record, the links and the
// clinical tables.
var HistoryTables = []HistoryTable{
	{"person", []string{"person_id"}},
	{"person_link", []string{"provider", "local_id"}},
	{"allergy", []string{"allergy_id"}},
	{"condition", []string{"condition_id"}},
	{"medication", []string{"medication_id"}},
	{"encounter", []string{"encounter_id"}},
	{"care_episode", []string{"care_episode_id"}},
}

// MergeHistory records this run's core.<t> in history.<t> (sql/templates/history_merge.sql)
// for every table of HistoryTables. Call it in the transaction that rebuilt core, so that
// the history and the core it describes commit together. touched: only the records named
// in the temporary tables incremental_touched_<t> can have changed (the hourly job's merge),
// and where the merge kept their rows now in core in incremental_current_<t>, those are read
// instead of core; where it noted which of them core had before (column in_core), only those
// are looked up in history.
func MergeHistory(ctx context.Context, conn *sql.Conn, runID int64, now time.Time, touched bool, done func(string, float64)) error {
	for _, t := range HistoryTables {
		start := time.Now()
		var current, inCore bool
		if touched {
			exists, err := tempTableExists(ctx, conn, "incremental_touched_"+t.Name)
			if err != nil {
				return err
			}
			if !exists {
				continue // the batch had nothing of this kind
			}
			if current, err = tempTableExists(ctx, conn, "incremental_current_"+t.Name); err != nil {
				return err
			}
			err = sqlfiles.QueryRow(ctx, conn, "ops/temp_column_exists.sql", []any{"incremental_touched_" + t.Name, "in_core"}, &inCore)
			if err != nil {
				return err
			}
			n, err := TableRows(ctx, conn, "temp", "incremental_touched_"+t.Name)
			if err != nil {
				return err
			}
			if n == 0 {
				for _, name := range []string{"incremental_touched_" + t.Name, "incremental_current_" + t.Name} {
					if err := execTemplate(ctx, conn, "templates/drop_temp.sql", map[string]any{"Table": name}); err != nil {
						return err
					}
				}
				continue
			}
		}
		if err := mergeHistory(ctx, conn, t, runID, now, touched, current, inCore); err != nil {
			return fmt.Errorf("history.%s: %w", t.Name, err)
		}
		if done != nil {
			done("history "+t.Name, time.Since(start).Seconds())
		}
	}
	return nil
}

type column struct{ name, typ string }

// TableRows counts the rows of schema.table.
func TableRows(ctx context.Context, conn *sql.Conn, schema, table string) (int64, error) {
	text, err := sqlfiles.Render("templates/table_rows.sql", map[string]any{"Schema": schema, "Table": table})
	if err != nil {
		return 0, err
	}
	var n int64
	if err := conn.QueryRowContext(ctx, text).Scan(&n); err != nil {
		return 0, fmt.Errorf("templates/table_rows.sql %s.%s: %w", schema, table, err)
	}
	return n, nil
}

func tempTableExists(ctx context.Context, conn *sql.Conn, name string) (bool, error) {
	var exists bool
	err := sqlfiles.QueryRow(ctx, conn, "ops/temp_table_exists.sql", []any{name}, &exists)
	return exists, err
}

func mergeHistory(ctx context.Context, conn *sql.Conn, t HistoryTable, runID int64, now time.Time, touched, current, inCore bool) error {
	core, err := tableColumns(ctx, conn, "core", t.Name)
	if err != nil {
		return err
	}
	if len(core) == 0 {
		return fmt.Errorf("core.%s does not exist", t.Name)
	}
	if err := ensureHistoryTable(ctx, conn, t, core, !touched); err != nil {
		return err
	}
	var hashed []string
	for _, c := range core {
		switch {
		case strings.HasPrefix(c.name, "_"):
		case c.typ == "DOUBLE" || c.typ == "FLOAT":
			hashed = append(hashed, "round(c."+sqlfiles.Ident(c.name)+", 9)")
		default:
			hashed = append(hashed, "c."+sqlfiles.Ident(c.name))
		}
	}
	name := "templates/history_merge.sql"
	if !touched {
		n, err := TableRows(ctx, conn, "history", t.Name+"_version")
		if err != nil {
			return err
		}
		if n == 0 {
			name = "templates/history_first.sql"
		}
	}
	return execTemplate(ctx, conn, name, map[string]any{
		"Table": t.Name, "Key": t.Key, "Hashed": hashed, "Touched": touched, "Current": current, "InCore": inCore,
		"Run": runID, "Now": now.UTC().Format("2006-01-02 15:04:05.999999+00"),
	})
}

// ensureHistoryTable creates history.<name>_version with core.<name>'s columns and the
// history columns, or adds to it the columns core has gained since (older versions have NULL
// there), and (re)creates the view history.<name> over it when it is new or has changed, or
// always when view is set.
func ensureHistoryTable(ctx context.Context, conn *sql.Conn, t HistoryTable, core []column, view bool) error {
	var old bool
	if err := sqlfiles.QueryRow(ctx, conn, "ops/base_table_exists.sql", []any{"history", t.Name}, &old); err != nil {
		return err
	}
	if old {
		if err := execTemplate(ctx, conn, "templates/history_drop_old.sql", map[string]any{"Table": t.Name}); err != nil {
			return err
		}
		view = true
	}
	have, err := tableColumns(ctx, conn, "history", t.Name+"_version")
	if err != nil {
		return err
	}
	if len(have) == 0 {
		type col struct{ Name, Type string }
		var cols []col
		for _, c := range core {
			cols = append(cols, col{c.name, c.typ})
		}
		if err := execTemplate(ctx, conn, "templates/history_table.sql", map[string]any{"Table": t.Name, "Columns": cols}); err != nil {
			return err
		}
		view = true
	}
	known := map[string]bool{}
	for _, c := range have {
		known[c.name] = true
	}
	for _, c := range core {
		if len(have) > 0 && !known[c.name] {
			data := map[string]any{"Table": t.Name + "_version", "Column": c.name, "Type": c.typ}
			if err := execTemplate(ctx, conn, "templates/history_add_column.sql", data); err != nil {
				return err
			}
			view = true
		}
	}
	if !view {
		return nil
	}
	return execTemplate(ctx, conn, "templates/history_view.sql", map[string]any{"Table": t.Name, "Key": t.Key})
}

func execTemplate(ctx context.Context, db sqlfiles.Execer, name string, data any) error {
	stmt, err := sqlfiles.Render(name, data)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func tableColumns(ctx context.Context, conn *sql.Conn, schema, table string) ([]column, error) {
	text, err := sqlfiles.File("ops/table_columns.sql")
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, text, schema, table)
	if err != nil {
		return nil, fmt.Errorf("ops/table_columns.sql: %w", err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}
