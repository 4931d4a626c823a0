package sql_test

import (
	"context"
	dbsql "database/sql"
	"errors"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

func TestInTransactionTimed(t *testing.T) {
	ctx := context.Background()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("step failed")
	tests := []struct {
		name      string
		fn        func() error
		wantErr   error
		wantCalls int
		wantRows  int
	}{
		{"committed", func() error { _, err := conn.ExecContext(ctx, "INSERT INTO t VALUES (1)"); return err }, nil, 1, 1},
		{"rolled back", func() error {
			if _, err := conn.ExecContext(ctx, "INSERT INTO t VALUES (2)"); err != nil {
				return err
			}
			return failed
		}, failed, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := sqlfiles.InTransactionTimed(ctx, conn, tt.fn, func(seconds float64) {
				calls++
				if seconds < 0 {
					t.Errorf("commit took %v s", seconds)
				}
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("committed called %d times, want %d", calls, tt.wantCalls)
			}
			var n int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != tt.wantRows {
				t.Errorf("%d rows after, want %d", n, tt.wantRows)
			}
		})
	}
	// Without a callback it is InTransaction.
	if err := sqlfiles.InTransactionTimed(ctx, conn, func() error { return nil }, nil); err != nil {
		t.Fatal(err)
	}
}
