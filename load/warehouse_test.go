package load

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dustin/go-humanize"

	"github.com/bnssg-connecting-care/ccare/synth"
)

func openTest(t *testing.T) *sql.DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The analysts' macro and the generator's Go check must agree on what a valid NHS number is.
func TestNHSNumberValidMacro(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		in   any
		want bool
	}{
		{"9434765919", true},  // the NHS's published example
		{"9434765918", false}, // wrong check digit
		{"9990000018", true},  // 999 test range
		{"9990000026", true},
		{"9990000010", false}, // its check digit is 8
		{"9990000000", false}, // prefix 999000000 computes 10: never valid, whatever the last digit
		{"9990000001", false},
		{"943476591", false},    // nine digits
		{"94347659190", false},  // eleven digits
		{"943 476 5919", false}, // spaces must be normalised first
		{"943476591X", false},
		{"", false},
		{nil, false},
	}
	for _, tt := range tests {
		var got bool
		if err := db.QueryRow("SELECT nhs_number_valid(CAST(? AS VARCHAR))", tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("nhs_number_valid(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if s, ok := tt.in.(string); ok && synth.ValidNHSNumber(s) != tt.want {
			t.Errorf("synth.ValidNHSNumber(%q) = %v, want %v", s, !tt.want, tt.want)
		}
	}
	if _, ok := synth.NHSCheckDigit("999000000"); ok {
		t.Error("999000000 should compute check digit 10 (the case above relies on it)")
	}
	var normalised string
	if err := db.QueryRow("SELECT nhs_number_normalise(' 943 476-5919 ')").Scan(&normalised); err != nil || normalised != "9434765919" {
		t.Errorf("nhs_number_normalise = %q, %v", normalised, err)
	}

	// And on thousands of numbers, half of them made valid.
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		s := fmt.Sprintf("%010d", r.Int64N(1e10))
		if i%2 == 0 {
			if d, ok := synth.NHSCheckDigit(s[:9]); ok {
				s = s[:9] + fmt.Sprint(d)
			}
		}
		var got bool
		if err := db.QueryRow("SELECT nhs_number_valid(?)", s).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != synth.ValidNHSNumber(s) {
			t.Fatalf("%s: macro says %v, Go says %v", s, got, !got)
		}
	}
}

func TestPostcodeNormalise(t *testing.T) {
	db := openTest(t)
	for in, want := range map[string]string{"bs78ab": "BS7 8AB", "BS16 1QY": "BS16 1QY", " bs1  1aa ": "BS1 1AA", "": ""} {
		var got sql.NullString
		if err := db.QueryRow("SELECT postcode_normalise(?)", in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got.String != want {
			t.Errorf("postcode_normalise(%q) = %q, want %q", in, got.String, want)
		}
	}
}

func TestOpenTwiceKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	for i := 0; i < 2; i++ {
		db, err := Open(context.Background(), path, Settings{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if i == 0 {
			if _, err := db.Exec("INSERT INTO core.person_id_event VALUES (1, 'issued', NULL, 1, now(), 'new')"); err != nil {
				t.Fatal(err)
			}
		} else {
			var n int
			if err := db.QueryRow("SELECT count(*) FROM core.person_id_event").Scan(&n); err != nil || n != 1 {
				t.Errorf("reopening the warehouse lost the person_id events: %d, %v", n, err)
			}
		}
		db.Close()
	}
}

// The transform inserts into each staging table once per feed, in one transaction; a feed
// that sent nothing is followed by one that sent a large file. DuckDB 1.5.6 drops the second
// insert when insertion order is preserved (see Open), so this must hold with more than one
// thread and more than one row group.
func TestLargeInsertAfterEmptyInsertKeepsRows(t *testing.T) {
	const rows = 300_000
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), Settings{Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		fmt.Sprintf("CREATE TABLE big AS SELECT range AS a, 'row ' || range AS b FROM range(%d)", rows),
		"CREATE TABLE nothing (a BIGINT, b VARCHAR)",
		"CREATE TABLE target (a BIGINT, b VARCHAR)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		"INSERT INTO target BY NAME SELECT a, b FROM nothing",
		"INSERT INTO target BY NAME SELECT a, b FROM big",
		"INSERT INTO target BY NAME SELECT a, b FROM nothing",
		"INSERT INTO target BY NAME SELECT a, b FROM big",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM target").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2*rows {
		t.Errorf("target holds %d rows after two inserts of %d: DuckDB lost an insert", n, rows)
	}
}

// The warehouse keeps the buffer memory it has used (block_allocator_memory): by default two
// thirds of the memory limit in effect, as configured, or none.
func TestOpenKeepsBufferMemory(t *testing.T) {
	tests := []struct {
		name     string
		settings Settings
		want     string // current_setting('block_allocator_memory'), as DuckDB writes it
		wantErr  string
	}{
		{"two thirds of a 3GB limit", Settings{MemoryLimit: "3GB"}, "1.8 GiB", ""},
		{"two thirds of a 2GB limit", Settings{MemoryLimit: "2GB"}, "1.2 GiB", ""},
		{"none under a 2GB limit", Settings{MemoryLimit: "1999MB"}, "0 bytes", ""},
		{"configured under a 2GB limit", Settings{MemoryLimit: "600MB", BlockAllocatorMemory: "100MB"}, "95.3 MiB", ""},
		{"two thirds of DuckDB's default", Settings{}, "", ""},
		{"configured", Settings{MemoryLimit: "3GB", BlockAllocatorMemory: "1GB"}, "953.6 MiB", ""},
		{"none", Settings{MemoryLimit: "3GB", BlockAllocatorMemory: "0"}, "0 bytes", ""},
		{"not a size", Settings{BlockAllocatorMemory: "lots"}, "", `set block_allocator_memory "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), tt.settings)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got string
			if err := db.QueryRowContext(ctx, "SELECT current_setting('block_allocator_memory')").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if tt.want == "" { // DuckDB's default limit depends on the machine: check the proportion
				var limit string
				if err := db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
					t.Fatal(err)
				}
				l, _ := humanize.ParseBytes(limit)
				g, _ := humanize.ParseBytes(got)
				if l < keepFromLimit { // a machine with under 2.5 GB of memory
					if g != 0 {
						t.Errorf("block_allocator_memory = %s under a limit of %s, want none", got, limit)
					}
					return
				}
				if r := float64(g) / float64(l); r < 0.6 || r > 0.7 {
					t.Errorf("block_allocator_memory = %s, want two thirds of the memory limit %s", got, limit)
				}
				return
			}
			if got != tt.want {
				t.Errorf("block_allocator_memory = %s, want %s", got, tt.want)
			}
		})
	}
}
