package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bnssg-connecting-care/ccare/load"
)

// runIn runs ccare with args and stdin reading in.
func runIn(t *testing.T, in string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot(&out, &errOut)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(in))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestSQLFormatsScriptsAndRefusesWrites: ccare sql prints a query as a table, CSV or JSON;
// runs the statements of a script on stdin; and refuses, with a reason, to write the
// warehouse, attach another database or touch a file outside the lake.
func TestSQLFormatsScriptsAndRefusesWrites(t *testing.T) {
	cfg := keyedDemo(t)
	db, err := load.OpenReadOnly(context.Background(), cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	var people int
	if err := db.QueryRow("SELECT count(*) FROM analyst.person").Scan(&people); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"table", "", []string{"sql", "SELECT 1 AS a, 'x y' AS b, DATE '2026-11-01' AS d"}, "a  b    d\n1  x y  2026-11-01\n"},
		{"csv", "", []string{"sql", "--format", "csv", "SELECT 1 AS a, 'x,y' AS b"}, "a,b\n1,\"x,y\"\n"},
		{"json", "", []string{"sql", "--format", "json", "SELECT 1 AS a, 'x' AS b, NULL AS c, 2.50::DECIMAL(5,2) AS d"}, "[\n{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":2.5}\n]\n"},
		{"json of nested values", "", []string{"sql", "--format", "json", "SELECT {'k': [DATE '2026-11-01']} AS s, MAP {1: 'one'} AS m"}, "[\n{\"s\":{\"k\":[\"2026-11-01\"]},\"m\":{\"1\":\"one\"}}\n]\n"},
		{"json of nothing", "", []string{"sql", "--format", "json", "SELECT 1 AS a WHERE false"}, "[]\n"},
		{"script from stdin", "SELECT 1 AS a;\n-- a comment; not a statement\nSELECT 'x;y' AS b;\nSELECT 2 AS c", []string{"sql", "--format", "csv"}, "a\n1\nb\nx;y\nc\n2\n"},
		{"script, table format", "SELECT 1 AS a; SELECT 2 AS b;", []string{"sql"}, "a\n1\n\nb\n2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runIn(t, tt.stdin, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}

	t.Run("json reads back", func(t *testing.T) {
		out, err := runIn(t, "", "sql", "--format", "json", "SELECT pseudonym, age_band FROM analyst.person")
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if len(rows) != people || rows[0]["pseudonym"] == nil {
			t.Errorf("%d rows (first %v), want %d with a pseudonym", len(rows), rows[0], people)
		}
	})

	refusals := []struct{ name, stdin, query, want string }{
		{"insert", "", "INSERT INTO core.person (person_id) VALUES (1)", "ccare sql only reads"},
		{"drop", "", "DROP TABLE analyst.person", "ccare sql only reads"},
		{"attach the warehouse", "", "ATTACH '" + cfg.Warehouse + "' AS w", "attaches no other database"},
		{"copy to a file", "", "COPY (SELECT 1) TO '" + t.TempDir() + "/x.csv'", "reads or writes no other file"},
		{"unlock", "", "SET enable_external_access = true", "locked"},
		{"a write in a script stops it", "SELECT 1;\nUPDATE core.person SET sex = 'x';\nSELECT 2;", "", "statement 2 (ending on line 2)"},
	}
	for _, tt := range refusals {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			args := []string{"sql"}
			if tt.query != "" {
				args = append(args, tt.query)
			}
			out, err := runIn(t, tt.stdin, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
			if strings.Contains(out, "2\n") {
				t.Errorf("the script went on after the refused statement: %q", out)
			}
		})
	}
	if _, err := runIn(t, "", "sql", "--format", "xml", "SELECT 1"); err == nil || !strings.Contains(err.Error(), "table, csv, json") {
		t.Errorf("--format xml: %v", err)
	}
}
