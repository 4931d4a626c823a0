// Package dictionary is the warehouse's data dictionary: the descriptions of every table,
// view and column of core, the user views and analyst, kept in sql/dictionary.yaml,
// written into the warehouse as comments, and read back from it (with types, row counts
// and lineage) for `ccare docs`.
package dictionary

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
	"github.com/bnssg-connecting-care/ccare/yamlfault"
)

// File is the embedded file the descriptions are kept in.
const File = "dictionary.yaml"

// Dictionary is sql/dictionary.yaml.
type Dictionary struct {
	// Common: columns that mean the same wherever they appear.
	Common map[string]string `yaml:"common"`
	// Tables by "schema.name".
	Tables map[string]Entry `yaml:"tables"`
}

// Entry describes one table or view.
type Entry struct {
	Description string            `yaml:"description"`
	From        []string          `yaml:"from"`    // what it is built from ("schema.name"), for lineage
	Columns     map[string]string `yaml:"columns"` // those whose meaning differs from Common's
}

// Load reads the embedded dictionary.
func Load() (*Dictionary, error) {
	text, err := sqlfiles.File(File)
	if err != nil {
		return nil, err
	}
	var d Dictionary
	if _, err := yamlfault.Decode("sql/"+File, []byte(text), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Table is the description of schema.table ("" if none).
func (d *Dictionary) Table(schema, table string) string {
	return d.Tables[schema+"."+table].Description
}

// Column is the description of a column: the table's own, else the common one ("" if none).
func (d *Dictionary) Column(schema, table, column string) string {
	if s := d.Tables[schema+"."+table].Columns[column]; s != "" {
		return s
	}
	return d.Common[column]
}

type comment struct {
	Kind                  string // TABLE | VIEW
	Schema, Table, Column string
	Text                  string
}

// Apply writes the descriptions of the tables and views that exist (dictionary/objects.sql)
// and of their columns as comments, where the warehouse does not hold them already (each
// COMMENT is a catalogue write: after an hourly merge only the rebuilt analyst tables need
// theirs). What the dictionary does not describe is left without a comment, for
// Undescribed (and its test) to find.
func (d *Dictionary) Apply(ctx context.Context, conn *sql.Conn) error {
	objects, err := readObjects(ctx, conn)
	if err != nil {
		return err
	}
	var comments []comment
	for _, o := range objects {
		kind := map[bool]string{false: "TABLE", true: "VIEW"}[o.view]
		if o.column == "" {
			if text := d.Table(o.schema, o.table); text != "" && text != o.comment {
				comments = append(comments, comment{Kind: kind, Schema: o.schema, Table: o.table, Text: text})
			}
			continue
		}
		if text := d.Column(o.schema, o.table, o.column); text != "" && text != o.comment {
			comments = append(comments, comment{Schema: o.schema, Table: o.table, Column: o.column, Text: text})
		}
	}
	if len(comments) == 0 {
		return nil
	}
	text, err := sqlfiles.Render("templates/comment_on.sql", comments)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, text); err != nil {
		return fmt.Errorf("templates/comment_on.sql: %w", err)
	}
	return nil
}

// Undescribed lists the tables, views and columns of core, uv_* and analyst that hold no
// description in the warehouse, as "schema.table" or "schema.table.column".
func Undescribed(ctx context.Context, db sqlfiles.Querier) ([]string, error) {
	objects, err := readObjects(ctx, db)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, o := range objects {
		if strings.TrimSpace(o.comment) == "" {
			missing = append(missing, strings.TrimSuffix(o.schema+"."+o.table+"."+o.column, "."))
		}
	}
	return missing, nil
}

// object is a table or view (column "") or one of its columns, as the warehouse holds it.
type object struct {
	schema, table, column, dataType, comment string
	view                                     bool
}

// readObjects lists each table or view (first) and then its columns, in order.
func readObjects(ctx context.Context, db sqlfiles.Querier) ([]object, error) {
	rows, err := sqlfiles.Query(ctx, db, "dictionary/objects.sql")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []object
	for rows.Next() {
		var o object
		var tableComment, columnComment sql.NullString
		if err := rows.Scan(&o.schema, &o.table, &o.view, &tableComment, &o.column, &o.dataType, &columnComment); err != nil {
			return nil, fmt.Errorf("dictionary/objects.sql: %w", err)
		}
		// A new table: its own entry first, then its columns.
		if n := len(out); n == 0 || out[n-1].schema != o.schema || out[n-1].table != o.table {
			out = append(out, object{schema: o.schema, table: o.table, view: o.view, comment: tableComment.String})
		}
		o.comment = columnComment.String
		out = append(out, o)
	}
	return out, rows.Err()
}
