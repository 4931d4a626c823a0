package pseudonym

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// The expected value is openssl's: printf 'person:42' | openssl dgst -sha256 -hmac dev,
// first 32 hex digits.
func TestOfIsTruncatedHMACSHA256(t *testing.T) {
	if got, want := NewKey("dev").Of("person", "42"), "f97e24607c916ec9039cf8047d2e8213"; got != want {
		t.Fatalf("Of = %s, want %s", got, want)
	}
	if NewKey("dev").Of("person", "42") == NewKey("dev").Of("encounter", "42") {
		t.Fatal("domains do not separate pseudonyms")
	}
	if NewKey("dev").Of("person", "42") == NewKey("other").Of("person", "42") {
		t.Fatal("the key does not change the pseudonym")
	}
}

func TestFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    string // the secret: compared through Of
		wantErr string
	}{
		{"key", map[string]string{EnvKey: "s3cret"}, "s3cret", ""},
		{"key wins over file", map[string]string{EnvKey: "s3cret", EnvKeyFile: file}, "s3cret", ""},
		{"file without its newline", map[string]string{EnvKeyFile: file}, "from-file", ""},
		{"neither", nil, "", ErrNoKey.Error()},
		{"missing file", map[string]string{EnvKeyFile: filepath.Join(dir, "nope")}, "", "no such file"},
		{"empty file", map[string]string{EnvKeyFile: empty}, "", "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := FromEnv(func(name string) string { return tt.env[name] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.name == "neither" && !errors.Is(err, ErrNoKey) {
					t.Fatalf("err = %v, want ErrNoKey", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Of("person", "1") != NewKey(tt.want).Of("person", "1") {
				t.Fatalf("the key read is not %q", tt.want)
			}
		})
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k := NewKey("s3cret")
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
		if strings.Contains(s, "s3cret") {
			t.Fatalf("the key printed as %q", s)
		}
	}
}

// The SQL function agrees with Of, keeps NULL as NULL, scales to a million people in
// seconds, and is not stored in the database file.
func TestRegisterMillionPeople(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k := NewKey("dev")
	if err := Register(conn, k); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var n, distinct int64
	var p42 string
	err = conn.QueryRowContext(ctx, `
		CREATE TABLE p AS SELECT range AS person_id, ccare_pseudonym('person', range::VARCHAR) AS pseudonym FROM range(1000000);
		SELECT count(*), count(DISTINCT pseudonym), any_value(pseudonym) FILTER (person_id = 42) FROM p`).Scan(&n, &distinct, &p42)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("a million pseudonyms in %s", took)
	if n != 1_000_000 || distinct != n {
		t.Fatalf("%d rows, %d distinct pseudonyms; want 1,000,000 of each", n, distinct)
	}
	if p42 != k.Of("person", "42") {
		t.Fatalf("SQL gives %s for person 42, Go %s", p42, k.Of("person", "42"))
	}
	if took > 60*time.Second {
		t.Fatalf("a million pseudonyms took %s", took)
	}
	var null sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT ccare_pseudonym('person', NULL)").Scan(&null); err != nil || null.Valid {
		t.Fatalf("pseudonym of NULL = %v, %v; want NULL", null, err)
	}
	conn.Close()
	db.Close()

	db, err = sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var found int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'ccare_pseudonym'").Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found != 0 {
		t.Fatal("ccare_pseudonym is still defined after reopening the database: it was persisted")
	}
}
