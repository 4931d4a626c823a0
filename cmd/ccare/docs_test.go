package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/pseudonym"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// keyedDemo generates a small community in dir/demo and runs the nightly job on it with a
// pseudonymisation secret, so that the published copy holds core, the user views and
// analyst. The working directory becomes dir: with no --config, commands read ./demo.
func keyedDemo(t *testing.T) *pipelines.Config {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	if _, err := synth.Generate(ctx, synth.Options{Dir: demo, Patients: 150, Seed: 5,
		Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(demo)
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(name string) string {
		if name == pseudonym.EnvKey {
			return "docs-test-secret"
		}
		return ""
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly", Getenv: getenv}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return cfg
}

// TestDocsDescribesEveryTableAndColumn: ccare docs writes a Markdown page that has a
// section for every table of core, every user view and every analyst table, and in it a
// row for each of its columns with its type and a description; and an HTML page that
// needs nothing from elsewhere.
func TestDocsDescribesEveryTableAndColumn(t *testing.T) {
	cfg := keyedDemo(t)
	out := filepath.Join(t.TempDir(), "docs")
	printed, err := run(t, "docs", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	md := filepath.Join(out, "dictionary.md")
	if !strings.Contains(printed, md) {
		t.Errorf("docs printed %q, want the path %s", printed, md)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	// The Markdown's sections: "## schema.table", then "| `column` | type | description |".
	sections := map[string]map[string][2]string{}
	var current string
	heading := regexp.MustCompile("^## ([a-z_]+\\.[a-z_]+)$")
	row := regexp.MustCompile("^\\| `([^`]+)` \\| ([^|]+) \\| (.*) \\|$")
	for _, line := range strings.Split(string(b), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			current = m[1]
			sections[current] = map[string][2]string{}
		} else if m := row.FindStringSubmatch(line); m != nil && current != "" {
			sections[current][m[1]] = [2]string{m[2], m[3]}
		}
	}

	db, err := load.OpenReadOnly(context.Background(), cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND (schema_name IN ('core', 'analyst') OR schema_name LIKE 'uv\_%' ESCAPE '\')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	schemas := map[string]bool{}
	columns := 0
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			t.Fatal(err)
		}
		schemas[strings.SplitN(table, ".", 2)[0]] = true
		columns++
		section, ok := sections[table]
		if !ok {
			t.Errorf("dictionary.md has no section for %s", table)
			sections[table] = map[string][2]string{}
			continue
		}
		got, ok := section[column]
		switch {
		case !ok:
			t.Errorf("dictionary.md: %s has no row for column %s", table, column)
		case got[0] != typ:
			t.Errorf("dictionary.md: %s.%s has type %q, want %q", table, column, got[0], typ)
		case strings.TrimSpace(got[1]) == "":
			t.Errorf("dictionary.md: %s.%s has no description", table, column)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(schemas) != 8 || columns < 200 {
		t.Fatalf("the published copy has %d reader schemas and %d columns; want core, analyst and six uv_*", len(schemas), columns)
	}
	for _, want := range []string{"## analyst.person", "age_band", "## uv_social_care.care_packages", "fed by: bcc-social/packages", "Last refresh: run 1 (nightly)"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("dictionary.md lacks %q", want)
		}
	}

	html, err := os.ReadFile(filepath.Join(out, "dictionary.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<h2 id="analyst-person">analyst.person</h2>`) {
		t.Error("dictionary.html lacks the analyst.person section")
	}
	if m := regexp.MustCompile(`(?i)<script|<link|src=|url\(`).FindString(string(html)); m != "" {
		t.Errorf("dictionary.html is not self-contained: it has %q", m)
	}
}
