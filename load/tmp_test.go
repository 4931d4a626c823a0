package load

import (
	"context"
	"testing"
	"time"
)

func TestTmp(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/w.duckdb", Settings{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("INSERT INTO ops.runs (run_id, job, started_at, status) VALUES (1,'x',now(),'running')")
	t.Log(err)
	_, err = db.Exec("UPDATE ops.runs SET finished_at = CAST(? AS TIMESTAMPTZ) WHERE run_id = 1", time.Now())
	t.Log("a", err)
	_, err = db.Exec("UPDATE ops.runs SET finished_at = ? WHERE run_id = 1", time.Now())
	t.Log("b", err)
	_, err = db.Exec("UPDATE ops.runs SET message = ? WHERE run_id = 1", nil)
	t.Log("c", err)
	_, err = db.Exec("UPDATE ops.runs SET message = t.x FROM (SELECT ? AS x) t WHERE run_id = 1", "s")
	t.Log("d", err)
}
