package pipelines_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/bnssg-connecting-care/ccare/linkage"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// The benchmarks run the work in a child process (this test binary again, told what to do
// by CCARE_BENCH_CHILD) so that peak memory is the job's own, not the generator's.
func TestMain(m *testing.M) {
	switch os.Getenv("CCARE_BENCH_CHILD") {
	case "":
		os.Exit(m.Run())
	case "nightly":
		os.Exit(childNightly(os.Getenv("CCARE_BENCH_DIR")))
	case "floor":
		os.Exit(childFloor(os.Getenv("CCARE_BENCH_DIR")))
	case "run":
		os.Exit(childRun(os.Getenv("CCARE_BENCH_DIR")))
	case "query":
		os.Exit(childQuery(os.Getenv("CCARE_BENCH_DIR")))
	}
	fmt.Fprintln(os.Stderr, "unknown CCARE_BENCH_CHILD")
	os.Exit(2)
}

func benchPeople() int {
	if n, err := strconv.Atoi(os.Getenv("CCARE_BENCH_PEOPLE")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// benchCommunity generates the community once and keeps it between benchmark runs (delete
// $TMPDIR/ccare-bench-N after changing the generator). It returns the records of every file.
func benchCommunity(b *testing.B) (dir string, records int64) {
	return benchCommunityFiles(b, func(provider, feed string) bool { return true })
}

// benchCommunityFiles is benchCommunity counting only the records of the feeds keep accepts.
func benchCommunityFiles(b *testing.B, keep func(provider, feed string) bool) (dir string, records int64) {
	b.Helper()
	people := benchPeople()
	dir = filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-%d", people))
	if _, err := os.Stat(filepath.Join(dir, "truth", "files.csv")); err != nil {
		start := time.Now()
		if _, err := synth.Generate(context.Background(), synth.Options{Dir: dir, Patients: people, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d people in %s", people, time.Since(start).Round(time.Millisecond))
	}
	f, err := os.Open(filepath.Join(dir, "truth", "files.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		if keep(r[col["provider"]], r[col["feed"]]) {
			n, _ := strconv.ParseInt(r[col["records"]], 10, 64)
			records += n
		}
	}
	return dir, records
}

func runChild(b *testing.B, mode, dir string) (time.Duration, int64) {
	b.Helper()
	out := filepath.Join(dir, "bench-out")
	if err := os.RemoveAll(out); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CCARE_BENCH_CHILD="+mode, "CCARE_BENCH_DIR="+dir)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v", mode, err)
	}
	elapsed := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return elapsed, ru.Maxrss * 1024 // Linux reports kilobytes
}

func report(b *testing.B, records int64, elapsed time.Duration, peak int64) {
	b.ReportMetric(float64(records)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(elapsed.Seconds(), "s/run")
	b.Logf("%d records in %s: %.0f rows/s, peak RSS %.0f MiB", records, elapsed.Round(time.Millisecond),
		float64(records)/elapsed.Seconds(), float64(peak)/(1<<20))
}

// BenchmarkNightly: the whole nightly job (land, transform, publish, report) from an
// empty warehouse.
//
// It also reports identity resolution's own seconds (sql/identity and its Go steps, from
// ops.step_timings) and its pairwise precision and recall against the generator's truth:
// with CCARE_BENCH_PEOPLE=1000000, the matching of a million people's records.
func BenchmarkNightly(b *testing.B) {
	dir, records := benchCommunity(b)
	b.ResetTimer()
	for range b.N {
		elapsed, peak := runChild(b, "nightly", dir)
		report(b, records, elapsed, peak)
		b.StopTimer()
		reportLinkage(b, dir)
		b.StartTimer()
	}
}

func reportLinkage(b *testing.B, dir string) {
	ctx := context.Background()
	db, err := load.OpenReadOnly(ctx, filepath.Join(dir, "bench-out", "ccare.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var seconds float64
	if err := db.QueryRow("SELECT sum(seconds) FROM ops.step_timings WHERE detail LIKE 'identity%'").Scan(&seconds); err != nil {
		b.Fatal(err)
	}
	links, err := linkage.ReadLinks(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	s := linkage.ScoreLinks(links, truthLinks(b, dir))
	b.ReportMetric(seconds, "identity-s")
	b.ReportMetric(s.Precision(), "precision")
	b.ReportMetric(s.Recall(), "recall")
	b.Logf("identity resolution: %.1f s for %d local ids; pairwise precision %.5f, recall %.5f (%d false merges, %d splits)",
		seconds, len(links), s.Precision(), s.Recall(), s.FalseMerges, s.Splits)
}

// BenchmarkFloor: DuckDB alone reading the same files into tables with read_csv, the
// floor the nightly job is measured against.
func BenchmarkFloor(b *testing.B) {
	// The floor reads only the delimited-text feeds (DuckDB has no reader for the others
	// here), so its rows per second count only their records.
	cfg, err := pipelines.DemoConfig(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	delimited := map[string]bool{}
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			if _, ok := f.Options.(interface{ DuckDBReadOptions() string }); ok {
				delimited[p.ID+"/"+f.Name] = true
			}
		}
	}
	dir, records := benchCommunityFiles(b, func(provider, feed string) bool { return delimited[provider+"/"+feed] })
	b.ResetTimer()
	for range b.N {
		elapsed, peak := runChild(b, "floor", dir)
		report(b, records, elapsed, peak)
	}
}

func childNightly(dir string) int {
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := filepath.Join(dir, "bench-out")
	cfg.Warehouse = filepath.Join(out, "ccare.duckdb")
	cfg.Published = filepath.Join(out, "published.duckdb")
	cfg.Lake = filepath.Join(out, "lake")
	cfg.Reports = filepath.Join(out, "reports")
	// The 1 GB benchmarks run as a deployment on a small machine would: with duckdb.memory_limit set.
	if limit := os.Getenv("CCARE_BENCH_MEMORY_LIMIT"); limit != "" {
		cfg.DuckDB.MemoryLimit = limit
	}
	if threads, err := strconv.Atoi(os.Getenv("CCARE_BENCH_THREADS")); err == nil {
		cfg.DuckDB.Threads = threads
	}
	if _, err := pipelines.Run(context.Background(), cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func childFloor(dir string) int {
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := filepath.Join(dir, "bench-out")
	_ = os.MkdirAll(out, 0o755)
	connector, err := duckdb.NewConnector(filepath.Join(out, "floor.duckdb"), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			ro, ok := f.Options.(interface{ DuckDBReadOptions() string })
			if !ok {
				continue // not delimited text: DuckDB's read_csv is no floor for it
			}
			opts := ro.DuckDBReadOptions()
			files, _ := filepath.Glob(filepath.Join(cfg.Inbox, p.ID, f.Name, f.Pattern))
			for i, file := range files {
				q := fmt.Sprintf("CREATE TABLE %q AS SELECT * FROM read_csv('%s', header = true, all_varchar = true, ignore_errors = true, %s)",
					fmt.Sprintf("%s_%s_%d", p.ID, f.Name, i), file, opts)
				if _, err := db.Exec(q); err != nil {
					fmt.Fprintln(os.Stderr, q, err)
					return 1
				}
			}
		}
	}
	return 0
}
