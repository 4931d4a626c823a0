// Package shell is `ccare sql`: read-only queries against the warehouse's published copy,
// one from the command line, a script of statements from standard input, or an
// interactive session with line editing and history; results as a table, CSV or JSON.
package shell

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Formats are the output formats, the first the default.
var Formats = []string{"table", "csv", "json"}

// Querier is a database, connection or transaction that queries can run on.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Print runs query on db and writes its rows to w in format: table (aligned columns with a
// header), csv (RFC 4180 with a header) or json (one array of objects, keys in column order).
func Print(ctx context.Context, db Querier, w io.Writer, format, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	out, err := newPrinter(w, format, cols)
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := out.row(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.flush()
}

type printer struct {
	row   func([]any) error
	flush func() error
}

func newPrinter(w io.Writer, format string, cols []string) (printer, error) {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return printer{}, err
		}
		return printer{
			row:   func(v []any) error { return cw.Write(cells(v)) },
			flush: func() error { cw.Flush(); return cw.Error() },
		}, nil
	case "json":
		keys := make([][]byte, len(cols))
		for i, c := range cols {
			keys[i], _ = json.Marshal(c)
		}
		n := 0
		return printer{
			row: func(v []any) error {
				var b strings.Builder
				b.WriteString(map[bool]string{true: "[\n", false: ",\n"}[n == 0])
				n++
				b.WriteByte('{')
				for i, x := range v {
					if i > 0 {
						b.WriteByte(',')
					}
					val, err := json.Marshal(jsonValue(x))
					if err != nil {
						return fmt.Errorf("column %s: %w", cols[i], err)
					}
					b.Write(keys[i])
					b.WriteByte(':')
					b.Write(val)
				}
				b.WriteByte('}')
				_, err := io.WriteString(w, b.String())
				return err
			},
			flush: func() error {
				_, err := io.WriteString(w, map[bool]string{true: "[]\n", false: "\n]\n"}[n == 0])
				return err
			},
		}, nil
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		return printer{
			row:   func(v []any) error { _, err := fmt.Fprintln(tw, strings.Join(cells(v), "\t")); return err },
			flush: tw.Flush,
		}, nil
	}
	return printer{}, fmt.Errorf("format %q: %s", format, strings.Join(Formats, ", "))
}

func cells(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = Cell(x)
	}
	return out
}

// Cell is a value as text: dates without a time when they have none, times in RFC 3339,
// tabs and newlines as spaces (so a table stays one row per line).
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 && x.Location() == time.UTC {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return x.String()
	default:
		return strings.NewReplacer("\t", " ", "\n", " ").Replace(fmt.Sprint(x))
	}
}

// jsonValue is v as JSON should carry it: numbers as numbers (a decimal exactly, as its
// text), times and dates as text, bytes as text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return Cell(x)
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return json.Number(x.String())
	case *big.Int:
		return json.Number(x.String())
	case duckdb.UUID:
		return x.String()
	case duckdb.Map: // keys of any type: JSON's are text
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[fmt.Sprint(k)] = jsonValue(val)
		}
		return m
	case map[string]any: // a STRUCT
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = jsonValue(val)
		}
		return m
	case []any: // a LIST or ARRAY
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = jsonValue(val)
		}
		return out
	}
	return v
}
