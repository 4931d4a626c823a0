package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bnssg-connecting-care/ccare/shell"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

func newSQL(g *globals) *cobra.Command {
	var configPath, format string
	cmd := &cobra.Command{
		Use:   "sql [QUERY]",
		Short: "Query the warehouse's published copy, read-only: one query, a script on stdin, or an interactive shell",
		Long: `Query the warehouse's published copy, read-only. With QUERY, run it and print the result.
Without, on a terminal: an interactive shell with line editing and history (kept in
` + "`$XDG_CACHE_HOME/ccare/sql_history`" + ` or the system's cache folder); .help lists its commands.
Without, with stdin not a terminal: run the statements read from it, each ended by ';'.

Nothing is written: the copy is opened read-only, and no other database can be attached
nor any file read or written but the Parquet lake's. A query never holds up a run of the
pipeline, which replaces the copy whole after each run.`,
		Example: `  ccare sql "SELECT provider, count(*) FROM core.person_link GROUP BY ALL"
  ccare sql --format csv "FROM analyst.person" > people.csv
  ccare sql --format json < queries.sql
  ccare sql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(shell.Formats, format) {
				return usageError{fmt.Errorf("--format %q: one of %s", format, strings.Join(shell.Formats, ", "))}
			}
			s, closeDB, err := openSession(cmd.Context(), configPath, g.stdout, format)
			if err != nil {
				return err
			}
			defer closeDB()
			switch in := cmd.InOrStdin(); {
			case len(args) == 1:
				return s.Run(cmd.Context(), args[0])
			case isTerminal(in):
				return s.Interactive(cmd.Context(), historyPath(), g.stderr)
			default:
				return s.Script(cmd.Context(), in)
			}
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVar(&format, "format", "table", strings.Join(shell.Formats, ", "))
	return cmd
}

// openSession opens the published copy read-only on one connection, locked down to it and
// the lake (sql/shell/lockdown.sql).
func openSession(ctx context.Context, configPath string, out io.Writer, format string) (*shell.Session, func(), error) {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return nil, nil, err
	}
	db, err := openReadOnly(ctx, configPath)
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	closeDB := func() { conn.Close(); db.Close() }
	lake, err := filepath.Abs(cfg.Lake)
	if err == nil {
		var text string
		if text, err = sqlfiles.Render("shell/lockdown.sql", []string{lake + string(filepath.Separator)}); err == nil {
			_, err = conn.ExecContext(ctx, text)
		}
	}
	if err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("shell/lockdown.sql: %w", err)
	}
	tables, err := sqlfiles.File("shell/tables.sql")
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	describe, err := sqlfiles.File("shell/describe.sql")
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	return &shell.Session{DB: conn, Out: out, Format: format, Source: cfg.ReadPath(), Tables: tables, Describe: describe}, closeDB, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// historyPath is where the interactive shell keeps its history: the user's cache folder
// ("" when there is none, and the shell keeps none).
func historyPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ccare", "sql_history")
}

// printQuery runs query on db and prints its rows as a table or CSV (ccare runs).
func printQuery(ctx context.Context, db *sql.DB, w io.Writer, format, query string, args ...any) error {
	return shell.Print(ctx, db, w, format, query, args...)
}
