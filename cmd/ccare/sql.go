package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newSQL(g *globals) *cobra.Command {
	var configPath, format string
	cmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Run a read-only SQL query against the warehouse's published copy and print the result",
		Example: `  ccare sql "SELECT provider, count(*) FROM core.person_link GROUP BY ALL"
  ccare sql --format csv "FROM core.person LIMIT 10" > people.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: table or csv", format)}
			}
			db, err := openReadOnly(cmd.Context(), configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			return printQuery(cmd.Context(), db, g.stdout, format, args[0])
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVar(&format, "format", "table", "table or csv")
	return cmd
}

type printer struct {
	row   func([]string)
	flush func() error
}

func newPrinter(w io.Writer, format string, cols []string) printer {
	if format == "csv" {
		cw := csv.NewWriter(w)
		_ = cw.Write(cols)
		return printer{row: func(c []string) { _ = cw.Write(c) }, flush: func() error { cw.Flush(); return cw.Error() }}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(cols, "\t"))
	return printer{
		row:   func(c []string) { fmt.Fprintln(tw, strings.Join(c, "\t")) },
		flush: tw.Flush,
	}
}

func cell(v any) string {
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
	default:
		s := fmt.Sprint(x)
		return strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
	}
}

// printQuery runs query on db and prints its rows as a table or CSV.
func printQuery(ctx context.Context, db *sql.DB, w io.Writer, format, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	out := newPrinter(w, format, cols)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = cell(v)
		}
		out.row(cells)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.flush()
}
