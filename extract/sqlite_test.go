package extract

import (
	"database/sql"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// sqliteCase is a golden case's .yaml: the feed's table and the mapped locators. Its
// database is built from the .sql script beside it, or is the .bin file as it stands.
type sqliteCase struct {
	Table  string   `yaml:"table"`
	Wanted []string `yaml:"wanted"`
}

// buildSQLite creates a database file from a script, as the provider's system would.
func buildSQLite(t testing.TB, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "case.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("build database: %v", err)
	}
	return path
}

func TestSQLiteGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/sqlite/*.yaml")
	if len(inputs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, optPath := range inputs {
		base := strings.TrimSuffix(optPath, ".yaml")
		t.Run(filepath.Base(base), func(t *testing.T) {
			raw, err := os.ReadFile(optPath)
			if err != nil {
				t.Fatal(err)
			}
			var c sqliteCase
			if err := yaml.UnmarshalWithOptions(raw, &c, yaml.DisallowUnknownField()); err != nil {
				t.Fatal(err)
			}
			path := base + ".bin"
			if script, err := os.ReadFile(base + ".sql"); err == nil {
				path = buildSQLite(t, string(script))
			}
			var got string
			rr, err := openSQLite(Source{Path: path, Options: &SQLiteOptions{Table: c.Table}, Wanted: c.Wanted})
			if err != nil {
				got = "open error: " + strings.ReplaceAll(err.Error(), path, "<db>") + "\n"
			} else {
				got = readAll(rr)
				if err := rr.Close(); err != nil {
					t.Error(err)
				}
			}
			checkGolden(t, base+".golden", got)
		})
	}
}

func TestSQLiteNeedsTable(t *testing.T) {
	_, err := openSQLite(Source{Path: "x", Options: defaultSQLiteOptions()})
	if err == nil || !strings.Contains(err.Error(), "no table") {
		t.Errorf("err = %v", err)
	}
}

// FuzzSQLite has two halves. Values: a table holding the fuzzer's text, blob, integer and
// real must read back as the text SQLite stores (text and blobs byte for byte, integers in
// decimal, reals as SQLite renders them, which must parse back to the same number), rowid
// as the line. Files: the fuzzer's bytes, written after a valid database's first page or
// alone, must be refused at Open or read without a panic.
func FuzzSQLite(f *testing.F) {
	f.Add("Renée £75", []byte("hello"), int64(7), 27.4, []byte("SQLite format 3\x00"))
	f.Add("", []byte{0xff, 0}, int64(math.MinInt64), math.Inf(1), []byte{})
	f.Add("a\"b'c\nd", []byte(nil), int64(0), 1e21, []byte("garbage"))
	f.Fuzz(func(t *testing.T, text string, blob []byte, n int64, real float64, junk []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "v.sqlite")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(`CREATE TABLE v (a TEXT, b BLOB, c INTEGER, d REAL, e DATETIME);
			INSERT INTO v (rowid, a, b, c, d, e) VALUES (?, ?, ?, ?, ?, ?)`, n, text, blob, n, real, text)
		// A DATETIME column has NUMERIC affinity: text that looks like a number ("00") is
		// stored as one (0), and read back as SQLite stored it.
		var eType string
		if err == nil {
			err = db.QueryRow("SELECT typeof(e) FROM v").Scan(&eType)
		}
		db.Close()
		if err != nil {
			return // a value SQLite will not store (NaN as a rowid alias, say)
		}
		rr, err := openSQLite(Source{Path: path, Options: &SQLiteOptions{Table: "V"}, Wanted: []string{"a", "b", "c", "d", "e"}})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		rec, err := rr.Next()
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		if rec.Line != n || rec.Fields[0] != text || rec.Fields[1] != string(blob) || rec.Fields[2] != strconv.FormatInt(n, 10) || eType == "text" && rec.Fields[4] != text {
			t.Fatalf("read back %d %q, wrote %d %q %q", rec.Line, rec.Fields, n, text, blob)
		}
		if !math.IsNaN(real) { // SQLite stores NaN as NULL
			got, err := strconv.ParseFloat(rec.Fields[3], 64)
			if err != nil && !math.IsInf(real, 0) || err == nil && got != real && math.Abs(got-real) > 1e-14*math.Abs(real) {
				t.Fatalf("real %v read back as %q", real, rec.Fields[3])
			}
		}
		if _, err := rr.Next(); err != io.EOF {
			t.Fatalf("second record: %v", err)
		}
		rr.Close()

		// The same database with its tail replaced by the fuzzer's bytes, and the bytes alone.
		data, _ := os.ReadFile(path)
		for k, b := range [][]byte{append(data[:min(len(data), 4096):min(len(data), 4096)], junk...), junk} {
			p := filepath.Join(dir, "junk"+strconv.Itoa(k)+".sqlite")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			rr, err := openSQLite(Source{Path: p, Options: &SQLiteOptions{Table: "v"}, Wanted: []string{"a"}})
			if err != nil {
				continue
			}
			for i := 0; ; i++ {
				if _, err := rr.Next(); err != nil {
					var pe *ParseError
					if errors.As(err, &pe) && i < 1000 {
						continue
					}
					break
				}
			}
			rr.Close()
		}
	})
}

// A file name may hold characters that mean something in a URI.
func TestSQLiteAwkwardPath(t *testing.T) {
	src := buildSQLite(t, "CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x');")
	dir := filepath.Join(t.TempDir(), "in box #1 ?50%")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	path := filepath.Join(dir, "Dental Cases.sqlite")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rr, err := openSQLite(Source{Path: path, Options: &SQLiteOptions{Table: "t"}, Wanted: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	if rec, err := rr.Next(); err != nil || rec.Fields[0] != "x" || rec.Line != 1 {
		t.Fatalf("%v %v", rec, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("reading wrote beside the file: %d entries", len(entries))
	}
}
