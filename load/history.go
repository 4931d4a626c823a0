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
// the history and the core it describes commit together.
func MergeHistory(ctx context.Context, conn *sql.Conn, runID int64, now time.Time, done func(string, float64)) error {
	for _, t := range HistoryTables {
		start := time.Now()
		if err := mergeHistory(ctx, conn, t, runID, now); err != nil {
			return fmt.Errorf("history.%s: %w", t.Name, err)
		}
		if done != nil {
			done("history "+t.Name, time.Since(start).Seconds())
		}
	}
	return nil
}

type column struct{ name, typ string }

func mergeHistory(ctx context.Context, conn *sql.Conn, t HistoryTable, runID int64, now time.Time) error {
	core, err := tableColumns(ctx, conn, "core", t.Name)
	if err != nil {
		return err
	}
	if len(core) == 0 {
		return fmt.Errorf("core.%s does not exist", t.Name)
	}
	if err := ensureHistoryTable(ctx, conn, t.Name, core); err != nil {
		return err
	}
	var hashed []string
	lineage := false
	for _, c := range core {
		switch {
		case c.name == "_provider":
			lineage = true
		case strings.HasPrefix(c.name, "_"):
		case c.typ == "DOUBLE" || c.typ == "FLOAT":
			hashed = append(hashed, "round("+sqlfiles.Ident(c.name)+", 9)")
		default:
			hashed = append(hashed, sqlfiles.Ident(c.name))
		}
	}
	return execTemplate(ctx, conn, "templates/history_merge.sql", map[string]any{
		"Table": t.Name, "Key": t.Key, "Hashed": hashed, "Lineage": lineage,
		"Run": runID, "Now": now.UTC().Format("2006-01-02 15:04:05.999999+00"),
	})
}

// ensureHistoryTable creates history.<name> with core.<name>'s columns and the history
// columns, or adds to it the columns core has gained since (older versions have NULL there).
func ensureHistoryTable(ctx context.Context, conn *sql.Conn, name string, core []column) error {
	have, err := tableColumns(ctx, conn, "history", name)
	if err != nil {
		return err
	}
	if len(have) == 0 {
		type col struct{ Name, Type string }
		var cols []col
		for _, c := range core {
			cols = append(cols, col{c.name, c.typ})
		}
		return execTemplate(ctx, conn, "templates/history_table.sql", map[string]any{"Table": name, "Columns": cols})
	}
	known := map[string]bool{}
	for _, c := range have {
		known[c.name] = true
	}
	for _, c := range core {
		if !known[c.name] {
			data := map[string]any{"Table": name, "Column": c.name, "Type": c.typ}
			if err := execTemplate(ctx, conn, "templates/history_add_column.sql", data); err != nil {
				return err
			}
		}
	}
	return nil
}

func execTemplate(ctx context.Context, conn *sql.Conn, name string, data any) error {
	stmt, err := sqlfiles.Render(name, data)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
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
