package dictionary

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture is a small warehouse: two core tables (one with lineage), a user view over one of
// them, an analyst table with a column the dictionary does not know, and a run ledger.
func fixture(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_, err = conn.ExecContext(ctx, `
		SET TimeZone = 'Europe/London';
		CREATE SCHEMA core; CREATE SCHEMA ops; CREATE SCHEMA uv_gp; CREATE SCHEMA analyst; CREATE SCHEMA ref;
		CREATE TABLE ref.provider (provider VARCHAR, kind VARCHAR);
		CREATE TABLE core.person (person_id BIGINT, nhs_number VARCHAR, birth_date DATE);
		INSERT INTO core.person VALUES (1, '9990000018', DATE '1950-01-02'), (2, NULL, NULL);
		CREATE TABLE core.care_episode (care_episode_id VARCHAR, person_id BIGINT, provider VARCHAR, status VARCHAR, _provider VARCHAR, _feed VARCHAR);
		INSERT INTO core.care_episode VALUES ('a', 1, 'bcc-social', 'active', 'bcc-social', 'packages'),
			('b', 2, 'sglos-social', 'ended', 'sglos-social', 'services');
		CREATE VIEW uv_gp.social_care_involvement AS SELECT person_id, provider, status FROM core.care_episode WHERE provider = 'bcc-social';
		CREATE TABLE analyst.person (pseudonym VARCHAR, shoe_size INTEGER);
		CREATE TABLE ops.runs (run_id BIGINT, job VARCHAR, built_at TIMESTAMPTZ);
		INSERT INTO ops.runs VALUES (1, 'nightly', TIMESTAMPTZ '2026-11-01 02:00:00+00'), (2, 'hourly', TIMESTAMPTZ '2026-11-01 09:15:00+00'), (3, 'hourly', NULL);`)
	if err != nil {
		t.Fatal(err)
	}
	return db, conn
}

func TestApplyAndUndescribed(t *testing.T) {
	ctx := context.Background()
	db, conn := fixture(t)
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	missing, err := Undescribed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"analyst.person.shoe_size"}; !slices.Equal(missing, want) {
		t.Errorf("undescribed %v, want %v", missing, want)
	}
	var view, column string
	if err := db.QueryRow(`SELECT (SELECT comment FROM duckdb_views() WHERE view_name = 'social_care_involvement'),
		(SELECT comment FROM duckdb_columns() WHERE table_name = 'social_care_involvement' AND column_name = 'status')`).Scan(&view, &column); err != nil {
		t.Fatal(err)
	}
	if view != d.Table("uv_gp", "social_care_involvement") || column != "active, suspended or ended." {
		t.Errorf("the view's comments are %q and %q", view, column)
	}
	// A comment that differs from the dictionary is put right by the next Apply.
	if _, err := conn.ExecContext(ctx, "COMMENT ON COLUMN core.person.nhs_number IS 'stale'"); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT comment FROM duckdb_columns() WHERE table_name = 'person' AND column_name = 'nhs_number'").Scan(&column); err != nil {
		t.Fatal(err)
	}
	if column != d.Column("core", "person", "nhs_number") {
		t.Errorf("core.person.nhs_number's comment is %q after Apply", column)
	}
}

// The Markdown page of the fixture, byte for byte (go test ./dictionary -update to rewrite).
func TestMarkdownGolden(t *testing.T) {
	ctx := context.Background()
	db, conn := fixture(t)
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	doc, err := Read(ctx, db, d, "published/ccare.duckdb")
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"dictionary.golden.md":   func(b *bytes.Buffer) error { return doc.Markdown(b) },
		"dictionary.golden.html": func(b *bytes.Buffer) error { return doc.HTML(b) },
	} {
		var got bytes.Buffer
		if err := write(&got); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from what Read and render give (go test ./dictionary -update); got:\n%s", path, got.String())
		}
	}
}
