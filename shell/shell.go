package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/peterh/liner"
)

// Session runs statements against one read-only database.
type Session struct {
	DB       Querier
	Out      io.Writer
	Format   string
	Source   string // the file queried, for messages
	Tables   string // the query .tables runs (sql/shell/tables.sql)
	Describe string // the query .describe runs, with the table as its one parameter
}

// Run runs one statement and prints its result.
func (s *Session) Run(ctx context.Context, stmt string) error {
	return s.explain(Print(ctx, s.DB, s.Out, s.Format, stmt))
}

// explain adds, to DuckDB's refusal of a write, why it is refused.
func (s *Session) explain(err error) error {
	switch {
	case err == nil:
	case strings.Contains(err.Error(), "read-only mode"):
		return fmt.Errorf("%w\nccare sql only reads: it queries the published copy %s, opened read-only; "+
			"the warehouse is written by the pipeline alone (ccare run)", err, s.Source)
	case strings.Contains(err.Error(), "disabled by configuration"):
		return fmt.Errorf("%w\nccare sql reads the published copy %s and the Parquet lake only: "+
			"it attaches no other database and reads or writes no other file", err, s.Source)
	}
	return err
}

// Script runs every statement read from r (statements end with a semicolon; a last one
// may lack it), printing each result, a blank line between two in table format. It stops
// at the first statement that fails, naming it by number and line.
func (s *Session) Script(ctx context.Context, r io.Reader) error {
	var sp Splitter
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n, line, printed := 0, 0, false
	run := func(stmt string) error {
		n++
		if printed && s.Format == "table" {
			fmt.Fprintln(s.Out)
		}
		printed = true
		if err := s.Run(ctx, stmt); err != nil {
			return fmt.Errorf("statement %d (ending on line %d): %w", n, line, err)
		}
		return nil
	}
	for sc.Scan() {
		line++
		for _, stmt := range sp.Feed(sc.Text()) {
			if err := run(stmt); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	if stmt := sp.Pending(); stmt != "" {
		return run(stmt)
	}
	return nil
}

// Interactive reads statements from a terminal with line editing, until .quit or Ctrl-D.
// history is the file the session's lines are kept in between sessions ("" for none).
// Ctrl-C abandons the statement being typed, or stops the query running.
func (s *Session) Interactive(ctx context.Context, history string, errOut io.Writer) error {
	l := liner.NewLiner()
	defer l.Close()
	l.SetCtrlCAborts(true)
	l.SetMultiLineMode(true)
	if history != "" {
		if f, err := os.Open(history); err == nil {
			_, _ = l.ReadHistory(f)
			f.Close()
		}
		defer func() {
			if err := os.MkdirAll(filepath.Dir(history), 0o700); err == nil {
				if f, err := os.OpenFile(history, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err == nil {
					_, _ = l.WriteHistory(f)
					f.Close()
				}
			}
		}()
	}
	fmt.Fprintf(s.Out, "ccare sql: %s (read-only). End statements with ;  .help for commands, .quit to leave.\n", s.Source)
	var sp Splitter
	for {
		prompt := "ccare> "
		if sp.Pending() != "" {
			prompt = "  ...> "
		}
		line, err := l.Prompt(prompt)
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			sp.Reset()
			continue
		case errors.Is(err, io.EOF):
			fmt.Fprintln(s.Out)
			return nil
		case err != nil:
			return err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		l.AppendHistory(line)
		if sp.Pending() == "" && strings.HasPrefix(strings.TrimSpace(line), ".") {
			if quit := s.command(ctx, strings.Fields(strings.TrimSpace(line)), errOut); quit {
				return nil
			}
			continue
		}
		for _, stmt := range sp.Feed(line) {
			qctx, stop := signal.NotifyContext(ctx, os.Interrupt)
			err := s.Run(qctx, stmt)
			stop()
			if err != nil {
				fmt.Fprintln(errOut, "Error:", err)
			}
		}
	}
}

const help = `.tables             the tables and views of core, the user views (uv_*) and analyst
.describe TABLE      a table's columns, types and descriptions
.format FORMAT       table, csv or json
.quit                leave (or Ctrl-D)
Statements end with a semicolon and may run over several lines; Ctrl-C abandons one.`

// command runs a dot command; it reports whether the session should end.
func (s *Session) command(ctx context.Context, args []string, errOut io.Writer) (quit bool) {
	fail := func(err error) {
		if err != nil {
			fmt.Fprintln(errOut, "Error:", err)
		}
	}
	switch args[0] {
	case ".quit", ".exit":
		return true
	case ".help":
		fmt.Fprintln(s.Out, help)
	case ".format":
		if len(args) != 2 || !slices.Contains(Formats, args[1]) {
			fail(fmt.Errorf(".format: one of %s", strings.Join(Formats, ", ")))
			return false
		}
		s.Format = args[1]
	case ".tables":
		fail(Print(ctx, s.DB, s.Out, s.Format, s.Tables))
	case ".describe":
		if len(args) != 2 {
			fail(errors.New(".describe SCHEMA.TABLE"))
			return false
		}
		fail(Print(ctx, s.DB, s.Out, s.Format, s.Describe, args[1]))
	default:
		fail(fmt.Errorf("unknown command %s (.help lists them)", args[0]))
	}
	return false
}
