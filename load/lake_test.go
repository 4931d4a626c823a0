package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The lake's split by provider must give back the table exactly, through read_parquet's
// hive partitioning as analysts read it, whether each provider is written on its own or
// (a value that cannot be a folder name as it is) DuckDB splits the table.
func TestExportByProviderKeepsEveryRow(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, values string
		rows         int64
		folders      int
	}{
		{"ids", "('gp-emis', 1, 'a'), ('gp-emis', 2, NULL), ('nbt-pas', 3, 'c'), ('uhbw-ed', 4, 'd')", 4, 3},
		{"odd", "('gp-emis', 1, 'a'), ('Odd Value', 2, 'b')", 2, 2},
		{"empty", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := "lake_" + tc.name
			if _, err := db.Exec(fmt.Sprintf("CREATE TABLE main.%s (provider VARCHAR, id INTEGER, note VARCHAR)", table)); err != nil {
				t.Fatal(err)
			}
			if tc.values != "" {
				if _, err := db.Exec(fmt.Sprintf("INSERT INTO main.%s VALUES %s", table, tc.values)); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(t.TempDir(), table)
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			n, err := exportByProvider(ctx, db, "main", table, out)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.rows {
				t.Errorf("%d rows reported, want %d", n, tc.rows)
			}
			folders, _ := filepath.Glob(filepath.Join(out, "provider=*"))
			if len(folders) != tc.folders {
				t.Errorf("%d provider folders, want %d: %v", len(folders), tc.folders, folders)
			}
			if tc.rows == 0 {
				return
			}
			var differ int64
			q := fmt.Sprintf(`WITH lake AS (SELECT provider, id, note FROM read_parquet('%s/*/*.parquet', hive_partitioning = true)),
				tab AS (SELECT provider, id, note FROM main.%s)
				SELECT (SELECT count(*) FROM (FROM lake EXCEPT ALL FROM tab)) + (SELECT count(*) FROM (FROM tab EXCEPT ALL FROM lake))`, out, table)
			if err := db.QueryRow(q).Scan(&differ); err != nil {
				t.Fatal(err)
			}
			if differ != 0 {
				t.Errorf("the lake and the table differ by %d rows", differ)
			}
		})
	}
}
