package load

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHistoryRefusesRepeatedKeys: a core table with a key on two rows stops the history
// merge, on a first build and on a later one, with one key column or two, however the
// repeated keys are first found (by hash) and then confirmed.
func TestHistoryRefusesRepeatedKeys(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tt := range []struct {
		name string
		key  []string
	}{
		{"one_key", []string{"k"}},
		{"two_keys", []string{"p", "k"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			table := HistoryTable{Name: "dup_" + tt.name, Key: tt.key}
			exec := func(q string) {
				t.Helper()
				if _, err := conn.ExecContext(ctx, strings.ReplaceAll(q, "{t}", "core.dup_"+tt.name)); err != nil {
					t.Fatal(err)
				}
			}
			exec("CREATE TABLE {t} (p VARCHAR, k VARCHAR, v INTEGER)")
			exec("INSERT INTO {t} VALUES ('x', 'a', 1), ('x', 'a', 2), ('y', 'a', 3), ('x', 'b', 4)")
			merge := func(run int64) error {
				return mergeHistory(ctx, conn, table, run, time.Now(), false, false, false)
			}
			wantRefused := func(run int64, n int) {
				t.Helper()
				err := merge(run)
				if err == nil || !strings.Contains(err.Error(), "keys on more than one row") {
					t.Fatalf("run %d: got %v, want the repeated keys refused", run, err)
				}
				if want := fmt.Sprintf(" has %d keys", n); !strings.Contains(err.Error(), want) {
					t.Errorf("run %d: %v does not say%s", run, err, want)
				}
			}
			wantRefused(1, 1) // first build: ('x', 'a') twice, or 'a' three times
			exec("DELETE FROM {t} WHERE v = 2")
			if tt.name == "one_key" {
				exec("DELETE FROM {t} WHERE v = 3")
			}
			if err := merge(1); err != nil {
				t.Fatalf("first build without repeats: %v", err)
			}
			exec("INSERT INTO {t} VALUES ('x', 'b', 5)")
			wantRefused(2, 1) // a later run: ('x', 'b') twice
		})
	}
}
