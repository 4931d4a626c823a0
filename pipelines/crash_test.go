package pipelines_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// childRun is the child of the crash test and the hourly benchmark: the nightly job (or the
// job CCARE_BENCH_JOB names) on the demo configuration under dir, in a process of its own
// so that the test can kill it with SIGKILL and the benchmark can measure it alone.
func childRun(dir string) int {
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	job := os.Getenv("CCARE_BENCH_JOB")
	if job == "" {
		job = "nightly"
	}
	res, err := pipelines.Run(context.Background(), cfg, pipelines.RunOptions{Job: job})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if job == "hourly" && !res.Incremental {
		fmt.Fprintln(os.Stderr, "the hourly run rebuilt instead of merging its batch")
		return 3
	}
	return 0
}

// startRun starts the nightly job on dir in a child process.
func startRun(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CCARE_BENCH_CHILD=run", "CCARE_BENCH_DIR="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// copyTree copies the folder src to dst (created), file times and symbolic links kept:
// a file's time is when it was received, and lake/current is a link.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		out := filepath.Join(dst, rel)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case info.IsDir():
			return os.MkdirAll(out, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, in); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Chtimes(out, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// moveInto moves every file under src to the same place under dst: the next day's files
// join the inbox.
func moveInto(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.Rename(path, filepath.Join(dst, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// digestTables are what a run's result is compared on: the common model, its history and
// links' events, and the ledger's account of every file.
var digestTables = []string{
	"core.person", "core.person_link", "core.allergy", "core.condition", "core.medication",
	"core.encounter", "core.care_episode", "core.link_review", "core.person_id_event",
	"history.person", "history.person_link", "history.allergy", "history.condition",
	"history.medication", "history.encounter", "history.care_episode", "quality.quarantine",
	"ops.file_ledger",
}

// digestIgnored: columns that say which run did something or when, not what the result is.
// A run killed before it finished uses up a run id, so batch and run ids differ.
var digestIgnored = map[string]bool{
	"_batch_id": true, "batch_id": true, "run_id": true, "recorded_at": true, "valid_from": true,
	"valid_to": true, "valid_from_run": true, "valid_to_run": true, "file_id": true, "received_at": true,
	"_file_id": true, "quarantined_at": true, "archived_at": true,
}

// digest returns each table's rows (ignored columns left out, doubles rounded) as one
// sorted text per table.
func digest(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range digestTables {
		schema, name, _ := strings.Cut(table, ".")
		// batch.<table>: quality.quarantine or ops.file_ledger, only the latest batch's files.
		from, where := table, ""
		if schema == "batch" {
			schema = map[string]string{"quarantine": "quality", "file_ledger": "ops"}[name]
			from = schema + "." + name
			where = " WHERE file_name IN (SELECT file_name FROM ops.file_ledger WHERE batch_id = (SELECT max(batch_id) FROM ops.file_ledger))"
		}
		rows, err := db.Query(fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE %s)", from))
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c, typ string
			rows.Scan(&c, &typ)
			switch {
			case digestIgnored[c]:
			case c == "superseded_by": // a file id: compared by the superseding file's name
				cols = append(cols, "(SELECT s.file_name FROM ops.file_ledger s WHERE s.file_id = file_ledger.superseded_by)")
			case c == "archived_to": // each trial has its own folder
				cols = append(cols, `regexp_extract("archived_to", '[^/]*$')`)
			case typ == "DOUBLE":
				cols = append(cols, fmt.Sprintf("round(%q, 9)", c))
			case typ == "JSON": // a quarantined row's record carries its batch and file ids
				cols = append(cols, fmt.Sprintf(`json_merge_patch(%q, '{"_batch_id": null, "_file_id": null}')`, c))
			default:
				cols = append(cols, fmt.Sprintf("%q", c))
			}
		}
		rows.Close()
		if len(cols) == 0 {
			t.Fatalf("%s: no columns", table)
		}
		var n int64
		var text sql.NullString
		q := fmt.Sprintf("SELECT count(*), string_agg(x, chr(10) ORDER BY x) FROM (SELECT CAST(row(%s) AS VARCHAR) AS x FROM %s%s)", strings.Join(cols, ", "), from, where)
		if err := db.QueryRow(q).Scan(&n, &text); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out[table] = fmt.Sprintf("%d rows\n%s", n, text.String)
	}
	return out
}

func warehouseDigest(t *testing.T, dir string) map[string]string {
	t.Helper()
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := load.OpenReadOnly(context.Background(), cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return digest(t, db)
}

// checkLakeReadable: whenever lake/current exists it is a whole snapshot: its manifest
// parses and every table it lists has its files.
func checkLakeReadable(t *testing.T, dir, when string) {
	t.Helper()
	current := filepath.Join(dir, "lake", "current")
	b, err := os.ReadFile(filepath.Join(current, "manifest.json"))
	if os.IsNotExist(err) {
		if _, lerr := os.Lstat(current); lerr == nil {
			t.Errorf("%s: lake/current exists without a manifest", when)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	var m load.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: manifest: %v", when, err)
	}
	for table, glob := range m.Paths {
		files, _ := filepath.Glob(filepath.Join(current, glob))
		if len(files) == 0 && m.Tables[table] > 0 {
			t.Errorf("%s: the lake's %s has %d rows and no files", when, table, m.Tables[table])
		}
	}
}

// TestKilledRunsFinishToTheSameResult: on a warehouse holding a first day, the second
// day's nightly job is killed with SIGKILL at many points of its run (spread over landing,
// transforming and publishing), once or several times in a row; then one run is let
// finish. Its result must equal that of a second day never interrupted: every core and
// history table, the links' events, the quarantine and the ledger, compared row by row.
// In between, the lake is always whole, and the dead runs are recorded as interrupted.
func TestKilledRunsFinishToTheSameResult(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	gen1, gen2 := t.TempDir(), t.TempDir()
	for i, gen := range []string{gen1, gen2} {
		if _, err := synth.Generate(ctx, synth.Options{Dir: gen, Patients: 300, Seed: 11, Day: day1.AddDate(0, 0, i)}); err != nil {
			t.Fatal(err)
		}
	}
	// The first day, loaded once; each trial starts from a copy of it.
	base := t.TempDir()
	copyTree(t, filepath.Join(gen1, "inbox"), filepath.Join(base, "inbox"))
	if cmd := startRun(t, base); cmd.Wait() != nil {
		t.Fatalf("the first day's run failed: %v", cmd.Stderr)
	}
	secondDay := func() string {
		dir := t.TempDir()
		copyTree(t, base, filepath.Join(dir, "d"))
		dir = filepath.Join(dir, "d")
		copyTree(t, filepath.Join(gen2, "inbox"), filepath.Join(dir, "inbox-day2"))
		moveInto(t, filepath.Join(dir, "inbox-day2"), filepath.Join(dir, "inbox"))
		return dir
	}
	ref := secondDay()
	start := time.Now()
	if cmd := startRun(t, ref); cmd.Wait() != nil {
		t.Fatalf("the uninterrupted run failed: %v", cmd.Stderr)
	}
	full := time.Since(start)
	want := warehouseDigest(t, ref)

	trials := 6
	if testing.Short() {
		trials = 2
	}
	rng := rand.New(rand.NewPCG(7, uint64(trials)))
	for trial := range trials {
		dir := secondDay()
		kills := 1 + trial%3
		var killedAt []string
		for k := range kills {
			// Stratified over the run: trial i kills first in the i-th slice of its length.
			frac := (float64(trial) + rng.Float64()) / float64(trials)
			if k > 0 {
				frac = rng.Float64()
			}
			cmd := startRun(t, dir)
			delay := time.Duration(frac * float64(full))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("trial %d: a run before its kill failed: %v", trial, err)
				}
				killedAt = append(killedAt, "finished first")
			case <-time.After(delay):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				killedAt = append(killedAt, delay.Round(time.Millisecond).String())
			}
			checkLakeReadable(t, dir, fmt.Sprintf("trial %d after kill %d", trial, k))
		}
		if cmd := startRun(t, dir); cmd.Wait() != nil {
			t.Fatalf("trial %d: the run after the kills failed: %v", trial, cmd.Stderr)
		}
		checkLakeReadable(t, dir, fmt.Sprintf("trial %d at the end", trial))
		got := warehouseDigest(t, dir)
		t.Logf("trial %d: killed at %s of a %s run", trial, strings.Join(killedAt, ", "), full.Round(time.Millisecond))
		for _, table := range digestTables {
			if got[table] != want[table] {
				t.Errorf("trial %d (killed at %v): %s differs from the uninterrupted run's:\n%s", trial, killedAt, table, firstDifference(got[table], want[table]))
			}
		}
		cfg, _ := pipelines.DemoConfig(dir)
		db, err := load.OpenReadOnly(context.Background(), cfg.Warehouse)
		if err != nil {
			t.Fatal(err)
		}
		var running, unfinished int64
		db.QueryRow("SELECT count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'interrupted' AND message LIKE 'interrupted: the nightly run, pid %') FROM ops.runs").Scan(&running, &unfinished)
		db.Close()
		if running != 0 {
			t.Errorf("trial %d: %d runs still 'running' after a finished run", trial, running)
		}
		killed := 0
		for _, k := range killedAt {
			if k != "finished first" {
				killed++
			}
		}
		if int(unfinished) > killed {
			t.Errorf("trial %d: %d runs recorded interrupted, %d killed", trial, unfinished, killed)
		}
	}
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			// From a little before the first byte that differs: rows can be long.
			at := 0
			for at < min(len(a), len(b)) && a[at] == b[at] {
				at++
			}
			from := max(0, at-100)
			return fmt.Sprintf("line %d, from byte %d\n got: %.300s\nwant: %.300s", i+1, from+1, a[from:], b[from:])
		}
	}
	return "(same lines)"
}
