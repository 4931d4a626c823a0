// Package quarantine is for the operator and the data-quality staff: it lists the source
// rows the quality rules held back (quality.quarantine), narrowed by provider, feed, rule,
// file or stage, and shows one of them with every rule it failed and the record as sent.
// The queries are sql/ops/quarantine_*.sql; this package runs them and prints the results.
package quarantine

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Querier is the warehouse, opened read-only by the caller.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// UsageError is a request that cannot be answered as asked (a flag value the warehouse does
// not know, a malformed or ambiguous REF): the command line, not the warehouse, is wrong.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// Stages are the values quality.quarantine.stage takes.
var Stages = []string{"extract", "staging"}

// Filter narrows the list; zero values select everything.
type Filter struct {
	Providers []string // any of these
	Feed      string
	Rules     []string // any of these
	File      string   // the file's name as received
	Stage     string   // extract | staging
	Limit     int      // at most this many rows; 0: all
}

// Row is one quarantine entry: one rule one source row failed.
type Row struct {
	Stage      string          `json:"stage"`
	RuleID     string          `json:"rule_id"`
	Reason     string          `json:"reason"`
	Provider   string          `json:"provider"`
	Feed       string          `json:"feed"`
	FileSHA256 string          `json:"file_sha256"`
	FileName   string          `json:"file_name"`
	RowNumber  int64           `json:"row_number"`
	Line       int64           `json:"line"`
	BatchID    int64           `json:"batch_id"`
	Record     json.RawMessage `json:"record"` // as stored; null when none was kept
}

// RuleCount is how many of the selected rows one rule holds back.
type RuleCount struct {
	RuleID string `json:"rule_id"`
	Rows   int64  `json:"rows"`
}

// Listing is the rows shown (up to the limit) and the tally of all the rows selected.
type Listing struct {
	Rows   []Row
	Total  int64       // rows the filter selects, shown or not
	ByRule []RuleCount // by rule_id
}

// List reads the quarantine rows the filter selects, sorted by provider, feed, file, line
// and rule. A provider, rule or stage the warehouse does not know is a *UsageError that
// lists the values it does know.
func List(ctx context.Context, db Querier, f Filter) (*Listing, error) {
	if err := check(ctx, db, f); err != nil {
		return nil, err
	}
	args := []any{f.Providers, nullable(f.Feed), f.Rules, nullable(f.File), nullable(f.Stage)}
	l := &Listing{}
	rows, err := sqlfiles.Query(ctx, db, "ops/quarantine_tally.sql", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c RuleCount
		if err := rows.Scan(&c.RuleID, &c.Rows); err != nil {
			return nil, fmt.Errorf("ops/quarantine_tally.sql: %w", err)
		}
		l.ByRule = append(l.ByRule, c)
		l.Total += c.Rows
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ops/quarantine_tally.sql: %w", err)
	}
	var limit any
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	rows, err = sqlfiles.Query(ctx, db, "ops/quarantine_list.sql", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var record sql.NullString
		if err := rows.Scan(&r.Stage, &r.RuleID, &r.Reason, &r.Provider, &r.Feed, &r.FileSHA256,
			&r.FileName, &r.RowNumber, &r.Line, &r.BatchID, &record); err != nil {
			return nil, fmt.Errorf("ops/quarantine_list.sql: %w", err)
		}
		if record.Valid {
			r.Record = json.RawMessage(record.String)
		}
		l.Rows = append(l.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ops/quarantine_list.sql: %w", err)
	}
	return l, nil
}

// check refuses a filter value that can match nothing because it is not a value at all.
func check(ctx context.Context, db Querier, f Filter) error {
	if f.Limit < 0 {
		return usagef("--limit %d: want 0 (all) or more", f.Limit)
	}
	if f.Stage != "" && !slices.Contains(Stages, f.Stage) {
		return usagef("--stage %q: not a stage; valid: %s", f.Stage, strings.Join(Stages, ", "))
	}
	if len(f.Providers) == 0 && len(f.Rules) == 0 {
		return nil
	}
	rows, err := sqlfiles.Query(ctx, db, "ops/quarantine_choices.sql")
	if err != nil {
		return err
	}
	defer rows.Close()
	valid := map[string][]string{}
	for rows.Next() {
		var flag, value string
		if err := rows.Scan(&flag, &value); err != nil {
			return fmt.Errorf("ops/quarantine_choices.sql: %w", err)
		}
		valid[flag] = append(valid[flag], value)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ops/quarantine_choices.sql: %w", err)
	}
	for _, c := range []struct {
		flag, what string
		values     []string
	}{{"provider", "a provider", f.Providers}, {"rule", "a rule", f.Rules}} {
		for _, v := range c.values {
			if !slices.Contains(valid[c.flag], v) {
				return usagef("--%s %q: not %s in the warehouse; valid: %s", c.flag, v, c.what, strings.Join(valid[c.flag], ", "))
			}
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Table writes aligned columns (provider, feed, file, line, rule, reason), then a footer
// with how many rows are shown of how many selected and the tally by rule. With width > 0
// (a terminal), reasons are shortened with … so that lines fit in width columns.
func (l *Listing) Table(w io.Writer, width int) error {
	var b strings.Builder
	if len(l.Rows) > 0 {
		cells := [][]string{{"provider", "feed", "file", "line", "rule", "reason"}}
		for _, r := range l.Rows {
			cells = append(cells, []string{oneLine(r.Provider), oneLine(r.Feed), oneLine(r.FileName),
				strconv.FormatInt(r.Line, 10), oneLine(r.RuleID), oneLine(r.Reason)})
		}
		const gap = 2
		widths := make([]int, 5)
		fixed := 0
		for i := range widths {
			for _, c := range cells {
				widths[i] = max(widths[i], utf8.RuneCountInString(c[i]))
			}
			fixed += widths[i] + gap
		}
		room := 0 // 0: never shorten
		if width > 0 {
			room = max(width-fixed, 20)
		}
		for _, c := range cells {
			for i, s := range c[:5] {
				pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s))
				if i == 3 { // line numbers align right
					b.WriteString(pad + s)
				} else {
					b.WriteString(s + pad)
				}
				b.WriteString(strings.Repeat(" ", gap))
			}
			b.WriteString(shorten(c[5], room))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d of %d quarantined rows shown", len(l.Rows), l.Total)
	if int64(len(l.Rows)) < l.Total {
		b.WriteString(" (--limit 0 shows all)")
	}
	b.WriteByte('\n')
	if len(l.ByRule) > 0 {
		tally := make([]string, len(l.ByRule))
		for i, c := range l.ByRule {
			tally[i] = fmt.Sprintf("%s %d", c.RuleID, c.Rows)
		}
		b.WriteString(strings.Join(tally, " · ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Columns are the csv header and the json keys: quality.quarantine's own column names.
var Columns = []string{"stage", "rule_id", "reason", "provider", "feed", "file_sha256", "file_name", "row_number", "line", "batch_id", "record"}

// CSV writes every column of the rows shown, values as stored, header first.
func (l *Listing) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(Columns)
	for _, r := range l.Rows {
		_ = cw.Write([]string{r.Stage, r.RuleID, r.Reason, r.Provider, r.Feed, r.FileSHA256, r.FileName,
			strconv.FormatInt(r.RowNumber, 10), strconv.FormatInt(r.Line, 10), strconv.FormatInt(r.BatchID, 10), string(r.Record)})
	}
	cw.Flush()
	return cw.Error()
}

// JSON writes the rows shown as one array of objects keyed by Columns, the record as an
// object (null when none was kept).
func (l *Listing) JSON(w io.Writer) error {
	rows := slices.Clone(l.Rows)
	if rows == nil {
		rows = []Row{}
	}
	for i := range rows {
		if len(rows[i].Record) > 0 && !json.Valid(rows[i].Record) {
			// Never fail a listing on one damaged record: carry it as a string.
			s, _ := json.Marshal(string(rows[i].Record))
			rows[i].Record = s
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rows)
}

// oneLine keeps a table cell on its line: tabs and line breaks become spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// shorten cuts s to n characters, the last of them …; n = 0 leaves s whole.
func shorten(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}
