package shell

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// The shell's dot commands: .format changes the output of what follows, .tables and
// .describe run the queries they are given, an unknown command says so, .quit ends.
func TestCommands(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out, errOut bytes.Buffer
	s := &Session{DB: db, Out: &out, Format: "table",
		Tables:   "SELECT 'core.person' AS \"table\"",
		Describe: "SELECT $1 AS asked"}
	ctx := context.Background()
	tests := []struct {
		line, out, err string
		quit           bool
	}{
		{".tables", "table\ncore.person\n", "", false},
		{".format csv", "", "", false},
		{".describe analyst.person", "asked\nanalyst.person\n", "", false},
		{".format xml", "", "Error: .format: one of table, csv, json\n", false},
		{".describe", "", "Error: .describe SCHEMA.TABLE\n", false},
		{".frobnicate", "", "Error: unknown command .frobnicate (.help lists them)\n", false},
		{".quit", "", "", true},
	}
	for _, tt := range tests {
		out.Reset()
		errOut.Reset()
		if quit := s.command(ctx, strings.Fields(tt.line), &errOut); quit != tt.quit {
			t.Errorf("%s: quit %v, want %v", tt.line, quit, tt.quit)
		}
		if out.String() != tt.out || errOut.String() != tt.err {
			t.Errorf("%s: printed %q and %q, want %q and %q", tt.line, out.String(), errOut.String(), tt.out, tt.err)
		}
	}
	if s.Format != "csv" {
		t.Errorf("format %s after .format csv and a refused .format xml", s.Format)
	}
}
