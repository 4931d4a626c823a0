package extract

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	_ "modernc.org/sqlite" // pure-Go SQLite: DuckDB's sqlite extension is not available offline
)

// SQLiteOptions are the `options:` of a sqlite feed: which table of the database the feed
// reads (a provider that sends its whole database has one feed per table).
type SQLiteOptions struct {
	Table string `yaml:"table"`
}

func defaultSQLiteOptions() *SQLiteOptions { return &SQLiteOptions{} }

// openSQLite reads one table of a SQLite database file, row by row in rowid order. Each
// record's Line is its rowid, which is how an operator finds the row in the provider's
// database. The file is opened read-only and immutable: nothing (no journal, no lock) is
// written next to a file in the inbox.
func openSQLite(src Source) (RecordReader, error) {
	opts, ok := src.Options.(*SQLiteOptions)
	if !ok {
		return nil, fmt.Errorf("sqlite: options of type %T", src.Options)
	}
	if opts.Table == "" {
		return nil, errors.New("sqlite: the feed's options name no table")
	}
	abs, err := filepath.Abs(src.Path)
	if err != nil {
		return nil, err
	}
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: abs, RawQuery: "mode=ro&immutable=1"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	rr, err := readSQLite(context.Background(), db, opts.Table, src.Wanted)
	if err != nil {
		db.Close()
		return nil, err
	}
	return rr, nil
}

// readSQLite starts reading table from db; it owns db from here on.
func readSQLite(ctx context.Context, db *sql.DB, table string, wanted []string) (*sqliteTable, error) {
	name, err := findTable(ctx, db, table)
	if err != nil {
		return nil, err
	}
	// A database damaged part-way would fail in the middle of the table, and the lander can
	// only quarantine records, not half a file: check the whole file before reading any.
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil || check != "ok" {
		return nil, fmt.Errorf("the database is damaged (quick_check: %s%v)", check, errOrNil(err))
	}
	columns, err := tableColumns(ctx, db, name)
	if err != nil {
		return nil, err
	}
	// Text as stored: CAST keeps the database's own rendering of numbers and spares us the
	// driver's conversion of DATE/DATETIME-declared columns to time.Time, which would lose
	// the text the provider wrote.
	selects := []string{"_rowid_"}
	for _, w := range wanted {
		c, ok := columns[strings.ToLower(w)]
		if !ok {
			return nil, fmt.Errorf("table %s has no column %s (its columns: %s)", name, w, columnList(columns))
		}
		selects = append(selects, "CAST("+quoteIdent(c)+" AS TEXT)")
	}
	q := "SELECT " + strings.Join(selects, ", ") + " FROM " + quoteIdent(name) + " ORDER BY _rowid_"
	rows, err := db.QueryContext(ctx, q)
	if err != nil && strings.Contains(err.Error(), "no such column: _rowid_") {
		return nil, fmt.Errorf("table %s has no rowid (WITHOUT ROWID), so its rows cannot be numbered for the operator", name)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	t := &sqliteTable{db: db, rows: rows, header: wanted,
		values: make([]sql.NullString, len(wanted)), fields: make([]string, len(wanted))}
	t.dest = make([]any, len(wanted)+1)
	t.dest[0] = &t.rowid
	for i := range t.values {
		t.dest[i+1] = &t.values[i]
	}
	return t, nil
}

// findTable finds the table by name, ignoring case as SQLite does; this is also the first
// read of the file, so a file that is not a database fails here.
func findTable(ctx context.Context, db *sql.DB, table string) (string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name")
	if err != nil {
		return "", fmt.Errorf("not a readable SQLite database: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", fmt.Errorf("not a readable SQLite database: %w", err)
		}
		if strings.EqualFold(n, table) {
			return n, nil
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("not a readable SQLite database: %w", err)
	}
	return "", fmt.Errorf("the database has no table %s (its tables: %s)", table, strings.Join(names, ", "))
}

// tableColumns maps each column's lower-case name to its name as declared.
func tableColumns(ctx context.Context, db *sql.DB, table string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	cols := map[string]string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", table, err)
		}
		cols[strings.ToLower(n)] = n
	}
	return cols, rows.Err()
}

func columnList(cols map[string]string) string {
	var names []string
	for _, n := range cols {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

type sqliteTable struct {
	db     *sql.DB
	rows   *sql.Rows
	header []string
	rowid  int64
	values []sql.NullString
	dest   []any
	fields []string
}

func (t *sqliteTable) Header() []string { return t.header }

func (t *sqliteTable) Next() (Record, error) {
	if !t.rows.Next() {
		if err := t.rows.Err(); err != nil {
			// A database damaged part-way through cannot be read on past the damage.
			return Record{}, fmt.Errorf("after rowid %d: %w", t.rowid, err)
		}
		return Record{}, io.EOF
	}
	if err := t.rows.Scan(t.dest...); err != nil {
		return Record{Line: t.rowid}, &ParseError{Line: t.rowid, Err: err}
	}
	for i, v := range t.values {
		t.fields[i] = v.String // NULL lands as NULL, as the empty string does
	}
	return Record{Fields: t.fields, Line: t.rowid}, nil
}

func (t *sqliteTable) Close() error {
	err := t.rows.Close()
	if cerr := t.db.Close(); err == nil {
		err = cerr
	}
	return err
}

func errOrNil(err error) any {
	if err == nil {
		return ""
	}
	return err
}
