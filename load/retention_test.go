package load

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSupersede(t *testing.T) {
	files := func(rows ...int64) []Extract {
		var fs []Extract
		for i, n := range rows {
			fs = append(fs, Extract{FileID: int64(10 + i), Name: string(rune('a' + i)), RowsRead: n})
		}
		return fs
	}
	for _, tt := range []struct {
		name        string
		rows        []int64
		guard       float64
		wantCurrent int
		wantHeld    []int64 // file ids
	}{
		{"no files", nil, 0.5, -1, nil},
		{"one file", []int64{100}, 0.5, 0, nil},
		{"the latest supersedes", []int64{100, 101}, 0.5, 1, nil},
		{"a smaller community still supersedes", []int64{100, 50}, 0.5, 1, nil},
		{"an empty extract is held", []int64{100, 0}, 0.5, 0, []int64{11}},
		{"a truncated extract is held", []int64{100, 49}, 0.5, 0, []int64{11}},
		{"a later whole extract supersedes the held one", []int64{100, 10, 98}, 0.5, 2, nil},
		{"held ones compare with the current, not each other", []int64{100, 10, 20}, 0.5, 0, []int64{11, 12}},
		{"no guard", []int64{100, 0}, 0, 1, nil},
		{"from nothing, anything supersedes", []int64{0, 3}, 0.5, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			current, held := Supersede(files(tt.rows...), tt.guard)
			var heldIDs []int64
			for _, h := range held {
				heldIDs = append(heldIDs, h.FileID)
			}
			if current != tt.wantCurrent || !slices.Equal(heldIDs, tt.wantHeld) {
				t.Errorf("current %d, held %v; want %d, %v", current, heldIDs, tt.wantCurrent, tt.wantHeld)
			}
		})
	}
}

// ArchiveSuperseded moves a superseded file's rows, and only its, from raw to Parquet: after
// a failed attempt every row is still in raw and the ledger says nothing moved; after a
// good one the archive holds exactly the rows raw held, and a second call has nothing to do.
func TestArchiveSuperseded(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := ApplySchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"CREATE TABLE raw.gp_tpp_patients (row_identifier VARCHAR, _file_id BIGINT, _row_number BIGINT)",
		"INSERT INTO raw.gp_tpp_patients VALUES ('1', 1, 1), ('2', 1, 2), (NULL, 1, 3), ('1', 2, 1), ('2', 2, 2)",
		`INSERT INTO ops.file_ledger (file_id, provider, feed, entity, file_name, sha256, size_bytes, received_at, batch_id, status, rows_read, superseded_by)
		 VALUES (1, 'gp-tpp', 'patients', 'person', 'SRPatient_20261101.txt', 'aaaaaaaaaaaaaaaa', 10, now(), 1, 'loaded', 3, 2),
		        (2, 'gp-tpp', 'patients', 'person', 'SRPatient_20261102.txt', 'bbbbbbbbbbbbbbbb', 10, now(), 2, 'loaded', 2, NULL)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rawTable := func(provider, feed string) (string, bool) {
		return "gp_tpp_patients", provider == "gp-tpp" && feed == "patients"
	}
	rows := func(q string) (n int64) {
		t.Helper()
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// An archive that cannot be written (its folder is a file): nothing leaves raw.
	blocked := filepath.Join(t.TempDir(), "archive")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ArchiveSuperseded(ctx, conn, blocked, rawTable); err == nil || !strings.Contains(err.Error(), "archive gp-tpp/patients SRPatient_20261101.txt") {
		t.Errorf("error %v, want one naming the file", err)
	}
	if n := rows("SELECT count(*) FROM raw.gp_tpp_patients"); n != 5 {
		t.Errorf("after a failed archive raw holds %d rows, want all 5", n)
	}
	if n := rows("SELECT count(*) FROM ops.file_ledger WHERE archived_to IS NOT NULL"); n != 0 {
		t.Errorf("after a failed archive %d ledger entries say archived", n)
	}

	dir := filepath.Join(t.TempDir(), "archive")
	done, err := ArchiveSuperseded(ctx, conn, dir, rawTable)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "raw", "gp-tpp", "patients", "SRPatient_20261101.txt.aaaaaaaaaaaa.parquet")
	if len(done) != 1 || done[0].Rows != 3 || done[0].Path != want {
		t.Fatalf("archived %+v, want the day 1 file's 3 rows at %s", done, want)
	}
	if n := rows("SELECT count(*) FROM raw.gp_tpp_patients WHERE _file_id = 1"); n != 0 {
		t.Errorf("%d rows of the superseded file still in raw", n)
	}
	if n := rows("SELECT count(*) FROM raw.gp_tpp_patients WHERE _file_id = 2"); n != 2 {
		t.Errorf("the current file has %d rows in raw, want its 2", n)
	}
	if n := rows("SELECT count(*) FROM read_parquet('" + want + "') WHERE _file_id = 1 AND (row_identifier IS NULL) = (_row_number = 3)"); n != 3 {
		t.Errorf("the archive holds %d of the file's 3 rows as landed", n)
	}
	if n := rows("SELECT count(*) FROM ops.file_ledger WHERE file_id = 1 AND archived_to = '" + want + "' AND archived_at IS NOT NULL"); n != 1 {
		t.Error("the ledger does not say where the rows went")
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "raw", "*", "*", "*.tmp")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	if again, err := ArchiveSuperseded(ctx, conn, dir, rawTable); err != nil || len(again) != 0 {
		t.Errorf("a second call archived %+v (%v), want nothing to do", again, err)
	}
}
