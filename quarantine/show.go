package quarantine

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "time/tzdata" // received times print in Europe/London on any machine

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Ref names one quarantined source row: FILE_NAME:LINE, or PROVIDER/FEED/FILE_NAME:LINE
// when a file of that name comes in several feeds. LINE is the physical line the
// quarantine's reasons quote.
type Ref struct {
	Provider, Feed string // both empty, or both set
	File           string
	Line           int64
}

func (r Ref) String() string {
	s := r.File + ":" + strconv.FormatInt(r.Line, 10)
	if r.Provider != "" {
		s = r.Provider + "/" + r.Feed + "/" + s
	}
	return s
}

const refForms = "FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE"

// ParseRef reads FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE; a malformed REF is a
// *UsageError.
func ParseRef(s string) (Ref, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return Ref{}, usagef("%q: want %s", s, refForms)
	}
	line, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil || line < 1 {
		return Ref{}, usagef("%q: %q is not a line number (want %s)", s, s[i+1:], refForms)
	}
	parts := strings.Split(s[:i], "/")
	for _, p := range parts {
		if p == "" {
			return Ref{}, usagef("%q: empty name (want %s)", s, refForms)
		}
	}
	switch len(parts) {
	case 1:
		return Ref{File: parts[0], Line: line}, nil
	case 3:
		return Ref{Provider: parts[0], Feed: parts[1], File: parts[2], Line: line}, nil
	}
	return Ref{}, usagef("%q: want %s (a file's name, not its path)", s, refForms)
}

// Detail is one quarantined source row: its file, every rule it failed, and the record.
type Detail struct {
	Provider   string        `json:"provider"`
	Feed       string        `json:"feed"`
	FileName   string        `json:"file_name"`
	FileSHA256 string        `json:"file_sha256"`
	ReceivedAt *time.Time    `json:"received_at"` // nil: the file is not in the ledger
	BatchID    int64         `json:"batch_id"`
	RowNumber  int64         `json:"row_number"` // the record's ordinal in its file
	Line       int64         `json:"line"`
	Failures   []Failure     `json:"failures"`
	Record     Record        `json:"record"`
	Earlier    []FileVersion `json:"earlier_files,omitempty"`
}

// Failure is one rule the row failed, with the catalogue's words and the specific reason.
type Failure struct {
	Stage       string `json:"stage"`
	RuleID      string `json:"rule_id"`
	Severity    string `json:"severity"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Reason      string `json:"reason"`
}

// FileVersion is an earlier file of the same name in the same feed (a resend with other
// content) that also has a row quarantined at the line.
type FileVersion struct {
	SHA256     string     `json:"file_sha256"`
	ReceivedAt *time.Time `json:"received_at"`
}

// Record is the row as it was kept, field by field in its order. nil: none was kept;
// empty: nothing of the row could be read.
type Record []Field

// Field is one value of the record, as stored (JSON: a string, or null for an empty field).
type Field struct {
	Name  string
	Value json.RawMessage
}

// MarshalJSON writes the record as one object, its keys in the record's order.
func (r Record) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Name)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(f.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Show finds the quarantined row ref names. A ref that matches rows in several feeds is a
// *UsageError asking for PROVIDER/FEED/FILE_NAME:LINE; one that matches nothing is an
// error naming the nearest quarantined lines of that file, when the file is known.
func Show(ctx context.Context, db Querier, ref Ref) (*Detail, error) {
	const file = "ops/quarantine_show.sql"
	rows, err := sqlfiles.Query(ctx, db, file, nullable(ref.Provider), nullable(ref.Feed), ref.File, ref.Line)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var d *Detail
	var feeds []string
	var record sql.NullString
	for rows.Next() {
		var r Detail
		var f Failure
		var received sql.NullTime
		var rec sql.NullString
		if err := rows.Scan(&r.Provider, &r.Feed, &r.FileName, &r.FileSHA256, &received, &r.BatchID,
			&r.RowNumber, &r.Line, &f.Stage, &f.RuleID, &f.Severity, &f.Category, &f.Description,
			&f.Reason, &rec); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if received.Valid {
			r.ReceivedAt = &received.Time
		}
		if feed := r.Provider + "/" + r.Feed; len(feeds) == 0 || feeds[len(feeds)-1] != feed {
			feeds = append(feeds, feed)
		}
		switch {
		case d == nil:
			d = &r
		case d.Provider != r.Provider || d.Feed != r.Feed:
			continue
		case d.FileSHA256 != r.FileSHA256:
			// Rows come newest file first: this is an earlier file of the same name.
			if e := d.Earlier; len(e) == 0 || e[len(e)-1].SHA256 != r.FileSHA256 {
				d.Earlier = append(d.Earlier, FileVersion{SHA256: r.FileSHA256, ReceivedAt: r.ReceivedAt})
			}
			continue
		}
		d.Failures = append(d.Failures, f)
		if !record.Valid {
			record = rec
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if d == nil {
		return nil, notFound(ctx, db, ref)
	}
	if len(feeds) > 1 {
		return nil, usagef("%s is quarantined in %d feeds (%s): say which, e.g. %s/%s",
			ref, len(feeds), strings.Join(feeds, ", "), feeds[0], ref)
	}
	if record.Valid {
		stage := d.Failures[0].Stage
		if d.Record, err = fields(stage, []byte(record.String)); err != nil {
			return nil, fmt.Errorf("%s record: %w", ref, err)
		}
	}
	return d, nil
}

// notFound explains a ref that matches nothing, with the file's nearest quarantined lines.
func notFound(ctx context.Context, db Querier, ref Ref) error {
	const file = "ops/quarantine_nearest.sql"
	rows, err := sqlfiles.Query(ctx, db, file, nullable(ref.Provider), nullable(ref.Feed), ref.File, ref.Line)
	if err != nil {
		return err
	}
	defer rows.Close()
	type feed struct {
		name  string
		lines []string
	}
	var feeds []feed
	for rows.Next() {
		var provider, name string
		var line sql.NullInt64
		if err := rows.Scan(&provider, &name, &line); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		name = provider + "/" + name + "/" + ref.File
		if len(feeds) == 0 || feeds[len(feeds)-1].name != name {
			feeds = append(feeds, feed{name: name})
		}
		if line.Valid {
			f := &feeds[len(feeds)-1]
			f.lines = append(f.lines, strconv.FormatInt(line.Int64, 10))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	msg := []string{"no quarantined row at " + ref.String()}
	if len(feeds) == 0 {
		where := ""
		if ref.Provider != "" {
			where = " in " + ref.Provider + "/" + ref.Feed
		}
		msg = append(msg, fmt.Sprintf("no file named %s has been received%s (see ops.file_ledger)", ref.File, where))
	}
	for _, f := range feeds {
		if len(f.lines) == 0 {
			msg = append(msg, f.name+" has no quarantined rows")
		} else {
			msg = append(msg, fmt.Sprintf("nearest quarantined lines in %s: %s", f.name, strings.Join(f.lines, ", ")))
		}
	}
	return errors.New(strings.Join(msg, "\n"))
}

// lineage names the columns every raw row carries besides what the provider sent; they
// repeat the file's details, so the record leaves them out.
var lineage = map[string]bool{"_provider": true, "_feed": true, "_file_id": true, "_file_sha256": true,
	"_row_number": true, "_line": true, "_batch_id": true}

// fields reads a stored record in its order. An extract-stage record is what the reader got
// of the line, by header name; a staging record is the raw row, whose lineage columns are
// dropped and whose _extra (columns the configuration does not map) is spread out as
// _extra.<header>.
func fields(stage string, text []byte) (Record, error) {
	rec, err := object(text)
	if err != nil || stage != "staging" {
		return rec, err
	}
	out := Record{}
	for _, f := range rec {
		switch {
		case lineage[f.Name]:
		case f.Name == "_extra":
			extra, err := object(f.Value)
			if err != nil { // null, or not an object: keep it as it is
				if string(f.Value) != "null" {
					out = append(out, f)
				}
				continue
			}
			for _, e := range extra {
				out = append(out, Field{Name: "_extra." + e.Name, Value: e.Value})
			}
		default:
			out = append(out, f)
		}
	}
	return out, nil
}

// object decodes a JSON object keeping its keys' order.
func object(text []byte) (Record, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %.40s", text)
	}
	rec := Record{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		rec = append(rec, Field{Name: t.(string), Value: v})
	}
	return rec, nil
}

var london = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Text writes the row for a person to read: the file, the rules failed, the record.
func (d *Detail) Text(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s line %d (record %d)\n", Visible(d.FileName), d.Line, d.RowNumber)
	for _, kv := range [][2]string{
		{"provider", d.Provider},
		{"feed", d.Feed},
		{"sha256", prefix(d.FileSHA256)},
		{"received", when(d.ReceivedAt)},
		{"batch", strconv.FormatInt(d.BatchID, 10)},
	} {
		fmt.Fprintf(&b, "  %-9s %s\n", kv[0], kv[1])
	}
	for _, e := range d.Earlier {
		fmt.Fprintf(&b, "  %-9s %s received %s (same name, also quarantined at this line)\n",
			"earlier", prefix(e.SHA256), when(e.ReceivedAt))
	}
	rules := "rules"
	if len(d.Failures) == 1 {
		rules = "rule"
	}
	fmt.Fprintf(&b, "\nfailed %d %s\n", len(d.Failures), rules)
	for _, f := range d.Failures {
		fmt.Fprintf(&b, "  %s  %s · %s · %s stage\n", f.RuleID, f.Severity, f.Category, f.Stage)
		fmt.Fprintf(&b, "    %s\n", oneLine(f.Description))
		fmt.Fprintf(&b, "    reason: %s\n", Visible(f.Reason))
	}
	switch {
	case d.Record == nil:
		b.WriteString("\nrecord: not kept\n")
	case len(d.Record) == 0:
		b.WriteString("\nrecord: nothing of it could be read\n")
	default:
		fmt.Fprintf(&b, "\nrecord (%d fields)\n", len(d.Record))
		for _, f := range d.Record {
			v := value(f.Value)
			if v == "" {
				fmt.Fprintf(&b, "  %s:\n", Visible(f.Name))
			} else {
				fmt.Fprintf(&b, "  %s: %s\n", Visible(f.Name), v)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JSON writes the row as one JSON object (see Detail's field tags).
func (d *Detail) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// value shows a stored value: a string verbatim (quoted if it is not plain), null as
// nothing, anything else as its JSON.
func value(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return Visible(s)
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// Visible returns s as it is when every character of it can be seen, and Go-quoted
// otherwise (a tab, a line break, a non-breaking or zero-width space, a leading or
// trailing space, a replacement character from bytes that were not text), so that what
// the provider sent is what the reader sees.
func Visible(s string) string {
	if s == "" {
		return s
	}
	plain := utf8.ValidString(s) && !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ")
	for _, r := range s {
		if !plain {
			break
		}
		plain = unicode.IsPrint(r) && r != utf8.RuneError
	}
	if plain {
		return s
	}
	return strings.ReplaceAll(strconv.Quote(s), "\uFFFD", `\ufffd`)
}

func prefix(sha string) string {
	if len(sha) <= 12 {
		return sha
	}
	return sha[:12] + "…"
}

func when(t *time.Time) string {
	if t == nil {
		return "unknown (not in ops.file_ledger)"
	}
	return t.In(london).Format("2006-01-02 15:04:05 MST")
}
