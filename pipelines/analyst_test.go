package pipelines_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// TestAnalystsQueryWhileTheNightlyRuns: analysts read the published copy while the nightly
// job writes the warehouse. Queries started during the run, each an analyst's process of
// its own (as ccare sql is), all succeed; a query that holds
// its result open across the run's publishing reads on to the end of the copy it began
// with; and the run, for its part, is never refused or held by a reader.
func TestAnalystsQueryWhileTheNightlyRuns(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	gen2 := t.TempDir()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{Dir: dir, Patients: 300, Seed: 3, Day: day1}); err != nil {
		t.Fatal(err)
	}
	if cmd := startRun(t, dir); cmd.Wait() != nil {
		t.Fatalf("the first run failed: %v", cmd.Stderr)
	}
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Generate(ctx, synth.Options{Dir: gen2, Patients: 300, Seed: 3, Day: day1.AddDate(0, 0, 1)}); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(gen2, "inbox"), filepath.Join(dir, "inbox-2"))
	moveInto(t, filepath.Join(dir, "inbox-2"), filepath.Join(dir, "inbox"))

	// A long read: opened on the first day's copy, held across the whole second run.
	long, err := load.OpenReadOnly(ctx, cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	defer long.Close()
	var firstDay int64
	if err := long.QueryRow("SELECT count(*) FROM core.condition").Scan(&firstDay); err != nil {
		t.Fatal(err)
	}
	held, err := long.Query("SELECT condition_id FROM core.condition ORDER BY condition_id")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	cmd := startRun(t, dir)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	queries, failures := 0, 0
	var runErr error
loop:
	for {
		select {
		case runErr = <-done:
			break loop
		default:
		}
		q := exec.Command(os.Args[0], "-test.run=^$")
		q.Env = append(os.Environ(), "CCARE_BENCH_CHILD=query", "CCARE_BENCH_DIR="+dir)
		out, err := q.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, out)
		}
		queries++
		if err != nil {
			failures++
			t.Errorf("query %d during the run: %v", queries, err)
		}
	}
	if runErr != nil {
		t.Fatalf("the nightly run beside the analysts failed: %v", cmd.Stderr)
	}
	t.Logf("%d analyst queries during the run, %d failed", queries, failures)
	if queries < 3 {
		t.Errorf("only %d queries ran during the run: the test proves little", queries)
	}
	rows := 0
	for held.Next() {
		rows++
	}
	if err := held.Err(); err != nil || int64(rows) != firstDay {
		t.Errorf("the long read: %d of %d rows, %v", rows, firstDay, err)
	}

	// And the copy now shows the second day. (DuckDB shares one open database per path
	// within a process: the long reader's must be closed before this one sees the new file.)
	held.Close()
	long.Close()
	db, err := load.OpenReadOnly(ctx, cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT count(*) FROM ops.runs WHERE status = 'succeeded'"); n != 2 {
		t.Errorf("the published copy lists %d succeeded runs, want 2", n)
		printQueryT(t, db, "SELECT run_id, status, finished_at, published_at FROM ops.runs")
	}
}

func printQueryT(t *testing.T, db *sql.DB, q string) {
	rows, err := db.Query(q)
	if err != nil {
		t.Log(q, err)
		return
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		rows.Scan(p...)
		t.Log(v...)
	}
}

// childQuery is an analyst's query in a process of its own, against the published copy.
func childQuery(dir string) int {
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	db, err := load.OpenReadOnly(context.Background(), cfg.Published)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM core.person p JOIN core.person_link l USING (person_id)
		JOIN core.condition c USING (person_id)`).Scan(&n); err != nil || n == 0 {
		fmt.Fprintln(os.Stderr, n, err)
		return 1
	}
	return 0
}
