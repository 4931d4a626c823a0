package extract

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Column maps the warehouse's name for a field to the header the provider sends.
type Column struct {
	Name   string
	Header string
}

// Target is where one feed's files land.
type Target struct {
	Provider string
	Feed     string
	Entity   string
	Format   Format
	Options  any
	Columns  []Column
}

// RawTable is the name of the feed's table in the raw schema, e.g. gp_emis_patients.
func (t Target) RawTable() string {
	return strings.ReplaceAll(t.Provider+"_"+t.Feed, "-", "_")
}

// File is one file found in a feed's inbox folder.
type File struct {
	Path       string
	Name       string
	SHA256     string
	Size       int64
	ReceivedAt time.Time
}

// Landed is the ledger's account of one file.
type Landed struct {
	FileID          int64
	Status          string // loaded | rejected
	RowsRead        int64
	RowsQuarantined int64
	Message         string
	// AddedColumns: columns of the file's header that the feed's last loaded file did not
	// have (schema drift, reported as quality rule SCH-001; their values land in _extra).
	AddedColumns []string
}

// EnsureRawTable creates the feed's raw table, or adds columns newly mapped in the
// configuration, so that staging SQL can run before a provider has sent anything.
func EnsureRawTable(ctx context.Context, conn *sql.Conn, t Target) error {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	// The columns it has already: most runs find every one there, and a catalog change per
	// column and feed would cost an hourly run a tenth of its time.
	have := map[string]bool{}
	text, err := sqlfiles.File("ops/table_columns.sql")
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, text, "raw", t.RawTable())
	if err != nil {
		return fmt.Errorf("raw.%s columns: %w", t.RawTable(), err)
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	if len(have) == 0 {
		stmt, err := sqlfiles.Render("extract/raw_table.sql", map[string]any{"Table": t.RawTable(), "Columns": names})
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create raw.%s: %w", t.RawTable(), err)
		}
		return nil
	}
	for _, c := range names {
		if have[c] {
			continue
		}
		stmt, err := sqlfiles.Render("extract/raw_add_column.sql", map[string]any{"Table": t.RawTable(), "Column": c})
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("add column %s to raw.%s: %w", c, t.RawTable(), err)
		}
	}
	return nil
}

// Land reads one file into raw.<table> in a single transaction together with its ledger
// row and the quarantine rows of records that could not be read: after a crash either all
// of the file is in the warehouse or none of it is. A file whose header lacks a mapped
// column is rejected as a whole (ledger status 'rejected', nothing landed) and tried again
// on the next run; the error return is kept for failures of the warehouse itself.
//
// fileID is the file's id in the ledger (NextFileID): handed out by the caller, so that
// files can land side by side on separate connections, each in its own transaction,
// and still be numbered in the order they were found.
func Land(ctx context.Context, conn *sql.Conn, t Target, f File, fileID, batchID int64, onRows func(n int64)) (res Landed, err error) {
	return land(ctx, conn, t, f, fileID, batchID, onRows, false)
}

// NextFileID is the first ledger id not yet used.
func NextFileID(ctx context.Context, conn *sql.Conn) (int64, error) {
	var id int64
	err := sqlfiles.QueryRow(ctx, conn, "extract/ledger_next_file_id.sql", nil, &id)
	return id, err
}

// Reland lands a file that is already loaded again, in place of its earlier reading: its raw
// rows, extract-stage quarantine and ledger entry are replaced in the same transaction, so
// that a replay after a fix never leaves the file half there or counted twice.
func Reland(ctx context.Context, conn *sql.Conn, t Target, f File, fileID, batchID int64, onRows func(n int64)) (res Landed, err error) {
	return land(ctx, conn, t, f, fileID, batchID, onRows, true)
}

func land(ctx context.Context, conn *sql.Conn, t Target, f File, fileID, batchID int64, onRows func(n int64), replace bool) (res Landed, err error) {
	res.FileID = fileID
	err = sqlfiles.InTransaction(ctx, conn, func() error {
		if replace {
			stmt, err := sqlfiles.Render("templates/raw_forget_file.sql", map[string]any{"Table": t.RawTable()})
			if err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, stmt, f.SHA256); err != nil {
				return fmt.Errorf("forget raw.%s rows of %s: %w", t.RawTable(), f.Name, err)
			}
			for _, name := range []string{"extract/replay_forget.sql", "extract/replay_forget_ledger.sql"} {
				if err := sqlfiles.Exec(ctx, conn, name, t.Provider, t.Feed, f.SHA256); err != nil {
					return err
				}
			}
		}
		if err := sqlfiles.Exec(ctx, conn, "extract/ledger_forget_rejected.sql", t.Provider, t.Feed, f.SHA256); err != nil {
			return err
		}
		last, err := lastHeader(ctx, conn, t)
		if err != nil {
			return err
		}
		res.Status = "loaded"
		header, quarantined, readErr := landRecords(ctx, conn, t, f, batchID, res.FileID, last, &res.RowsRead, onRows)
		var rejected *rejection
		switch {
		case errors.As(readErr, &rejected):
			res.Status, res.Message, res.RowsRead = "rejected", rejected.Error(), 0
			quarantined = nil
		case readErr != nil:
			return readErr
		}
		if last != nil && res.Status == "loaded" {
			res.AddedColumns = newColumns(header, last)
		}
		const perStatement = 500
		for start := 0; start < len(quarantined); start += perStatement {
			batch := quarantined[start:min(start+perStatement, len(quarantined))]
			stmt, err := sqlfiles.Render("templates/quarantine_insert_extract.sql", map[string]any{"Rows": batch})
			if err != nil {
				return err
			}
			args := make([]any, 0, 10*len(batch))
			for _, q := range batch {
				args = append(args, q.rule, q.reason, t.Provider, t.Feed, f.SHA256, f.Name, q.rowNumber, q.line, batchID, q.record)
			}
			if _, err := conn.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("quarantine %s lines %d–%d: %w", f.Path, batch[0].line, batch[len(batch)-1].line, err)
			}
		}
		res.RowsQuarantined = int64(len(quarantined))
		var msg any
		if res.Message != "" {
			msg = res.Message
		}
		return sqlfiles.Exec(ctx, conn, "extract/ledger_insert.sql", res.FileID, t.Provider, t.Feed, t.Entity, f.Name,
			f.SHA256, f.Size, f.ReceivedAt, batchID, res.Status, res.RowsRead, res.RowsQuarantined, msg,
			jsonList(header), jsonList(res.AddedColumns))
	})
	if err != nil {
		err = fmt.Errorf("land %s: %w", f.Path, err)
	}
	return res, err
}

// rejection is a fault of the whole file (its layout), as opposed to one of its records.
type rejection struct{ msg string }

func (r *rejection) Error() string { return r.msg }

type quarantined struct {
	rule, reason    string
	rowNumber, line int64
	record          string
}

// lastHeader is the header of the feed's last loaded file; nil before the first.
func lastHeader(ctx context.Context, conn *sql.Conn, t Target) ([]string, error) {
	var text sql.NullString
	err := sqlfiles.QueryRow(ctx, conn, "extract/ledger_last_header.sql", []any{t.Provider, t.Feed}, &text)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !text.Valid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var header []string
	if err := json.Unmarshal([]byte(text.String), &header); err != nil {
		return nil, fmt.Errorf("ledger header of %s/%s: %w", t.Provider, t.Feed, err)
	}
	return header, nil
}

// newColumns lists the columns of header that last lacks (headers match case-insensitively,
// as the column mapping does).
func newColumns(header, last []string) []string {
	seen := make(map[string]bool, len(last))
	for _, h := range last {
		seen[strings.ToLower(h)] = true
	}
	added := []string{}
	for _, h := range header {
		if !seen[strings.ToLower(h)] {
			added = append(added, h)
		}
	}
	return added
}

// jsonList is a list as the JSON text the ledger's list columns are written from; nil stays NULL.
func jsonList(list []string) driver.Value {
	if list == nil {
		return nil
	}
	b, _ := json.Marshal(list)
	return string(b)
}

func landRecords(ctx context.Context, conn *sql.Conn, t Target, f File, batchID, fileID int64, last []string, read *int64, onRows func(int64)) (header []string, _ []quarantined, _ error) {
	wanted := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		wanted[i] = c.Header
	}
	rr, err := t.Format.Open(Source{Path: f.Path, Options: t.Options, Wanted: wanted})
	if err != nil {
		return nil, nil, &rejection{fmt.Sprintf("%s: %v", f.Path, err)}
	}
	defer rr.Close()
	header = rr.Header()
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.ToLower(h)] = i
	}
	pos := make([]int, len(t.Columns))
	mapped := make([]bool, len(header))
	var missing []string
	for i, c := range t.Columns {
		j, ok := index[strings.ToLower(c.Header)]
		if !ok {
			missing = append(missing, c.Header)
			continue
		}
		pos[i], mapped[j] = j, true
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("%s line 1: header lacks the column(s) %s mapped in the configuration (%s/%s); the header is: %s",
			f.Path, strings.Join(missing, ", "), t.Provider, t.Feed, strings.Join(header, ","))
		// A renamed column shows as one missing and one new: name the new ones too.
		if added := newColumns(header, last); last != nil && len(added) > 0 {
			msg += fmt.Sprintf("; new since the feed's last loaded file: %s (renamed?)", strings.Join(added, ", "))
		}
		return header, nil, &rejection{msg}
	}

	var app *duckdb.Appender
	if err := conn.Raw(func(dc any) error {
		var err error
		app, err = duckdb.NewAppender(dc.(driver.Conn), "", "raw", t.RawTable())
		return err
	}); err != nil {
		return header, nil, fmt.Errorf("appender for raw.%s: %w", t.RawTable(), err)
	}
	defer func() {
		if app != nil {
			_ = app.Close()
		}
	}()

	var out []quarantined
	row := make([]driver.Value, len(t.Columns)+8)
	var n int64
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			n++
			out = append(out, quarantined{rule: "EXT-002", rowNumber: n, line: pe.Line,
				reason: fmt.Sprintf("%s line %d: record %d could not be read: %v", f.Name, pe.Line, n, pe.Err),
				record: recordJSON(header, rec.Fields)})
			continue
		}
		if err != nil {
			return header, nil, fmt.Errorf("read %s: %w", f.Path, err)
		}
		n++
		if n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return header, nil, err
			}
			if onRows != nil {
				onRows(65536)
			}
		}
		if len(rec.Fields) != len(header) {
			out = append(out, quarantined{rule: "EXT-001", rowNumber: n, line: rec.Line,
				reason: fmt.Sprintf("%s line %d: record %d has %d fields where the header has %d", f.Name, rec.Line, n, len(rec.Fields), len(header)),
				record: recordJSON(header, rec.Fields)})
			continue
		}
		if bad := invalidUTF8(header, rec.Fields); bad != "" {
			out = append(out, quarantined{rule: "EXT-002", rowNumber: n, line: rec.Line,
				reason: fmt.Sprintf("%s line %d field %s: not valid UTF-8 text", f.Name, rec.Line, bad),
				record: recordJSON(header, sanitise(rec.Fields))})
			continue
		}
		for i := range t.Columns {
			row[i] = nullIfEmpty(rec.Fields[pos[i]])
		}
		row[len(t.Columns)] = extraJSON(header, rec.Fields, mapped)
		k := len(t.Columns) + 1
		row[k], row[k+1], row[k+2], row[k+3], row[k+4], row[k+5], row[k+6] =
			t.Provider, t.Feed, fileID, f.SHA256, n, rec.Line, batchID
		if err := app.AppendRow(row...); err != nil {
			return header, nil, fmt.Errorf("land %s line %d into raw.%s: %w", f.Path, rec.Line, t.RawTable(), err)
		}
	}
	if onRows != nil {
		onRows(n % 65536)
	}
	err = app.Close()
	app = nil
	if err != nil {
		return header, nil, fmt.Errorf("land %s into raw.%s: %w", f.Path, t.RawTable(), err)
	}
	*read = n
	return header, out, nil
}

func nullIfEmpty(s string) driver.Value {
	if s == "" {
		return nil
	}
	return strings.Clone(s)
}

// extraJSON keeps the columns the provider sent but the configuration does not map.
func extraJSON(header, fields []string, mapped []bool) driver.Value {
	var extra map[string]string
	for i, h := range header {
		if !mapped[i] && fields[i] != "" {
			if extra == nil {
				extra = map[string]string{}
			}
			extra[h] = fields[i]
		}
	}
	if extra == nil {
		return nil
	}
	b, _ := json.Marshal(extra)
	// RawMessage, not string: the appender writes a Go string to a JSON column as a JSON
	// string literal, which would hide the object from ->> and json_extract.
	return json.RawMessage(b)
}

// recordJSON keeps what could be read of a bad record, by header name and in the record's
// order (so that `ccare quarantine show` can print it as sent); fields beyond the header,
// and a field whose header repeats an earlier one, are named _field_<n>.
func recordJSON(header, fields []string) string {
	var b strings.Builder
	seen := make(map[string]bool, len(fields))
	b.WriteByte('{')
	for i, v := range fields {
		name := ""
		if i < len(header) {
			name = header[i]
		}
		if name == "" || seen[name] {
			name = fmt.Sprintf("_field_%d", i+1)
		}
		seen[name] = true
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		val, _ := json.Marshal(v)
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.String()
}

func invalidUTF8(header, fields []string) string {
	for i, v := range fields {
		if !utf8.ValidString(v) {
			if i < len(header) {
				return header[i]
			}
			return fmt.Sprintf("%d", i+1)
		}
	}
	return ""
}

func sanitise(fields []string) []string {
	out := make([]string, len(fields))
	for i, v := range fields {
		out[i] = strings.ToValidUTF8(v, "\uFFFD")
	}
	return out
}

// Seen returns the ledger's status for a file already met, or "" for a new file.
// SeenUnchanged returns the sha256 of a file loaded before under the same name, size and
// modification time, or "" (sql/extract/ledger_find_stat.sql): the inbox keeps every file a
// provider has sent, and hashing them all again on every run would grow without end.
func SeenUnchanged(ctx context.Context, conn *sql.Conn, t Target, name string, size int64, modified time.Time) (string, error) {
	var sha string
	err := sqlfiles.QueryRow(ctx, conn, "extract/ledger_find_stat.sql", []any{t.Provider, t.Feed, name, modified, size}, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sha, err
}

func Seen(ctx context.Context, conn *sql.Conn, t Target, sha256 string) (string, error) {
	var id int64
	var status, name string
	err := sqlfiles.QueryRow(ctx, conn, "extract/ledger_find.sql", []any{t.Provider, t.Feed, sha256}, &id, &status, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return status, err
}
