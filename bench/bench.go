// Package bench measures the pipeline against its floor on one generated community: the
// time DuckDB alone needs to read the inputs it can read natively (and, for the formats it
// cannot, the time our Go readers need to parse them and nothing more), then the nightly
// job end to end, then hourly runs of 1% new data, and, if asked, the next night's nightly job
// on top of them. Every step runs as a child process of the ccare binary, so that its peak
// memory is its own.
package bench

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

// Options say what to measure and where.
type Options struct {
	Dir        string // holds one community per size (generated once, reused)
	People     []int  // sizes, smallest first
	HourlyRuns int    // hourly runs of 1% new data after the nightly (median reported)
	// SecondNight: after the hourly runs, land the next day's files and time the nightly job
	// again, on a warehouse that already holds a night and a day: what an operator's every
	// night costs, where the first measures a warehouse's first build.
	SecondNight bool
	Exe         string // the ccare binary the steps run as
	// MemoryLimit, if set, is the configuration's duckdb.memory_limit for the runs (e.g.
	// "2.5GB"): how a deployment on a small machine would run.
	MemoryLimit string
	Log         *slog.Logger
}

// Step is one measured step.
type Step struct {
	People  int
	Name    string
	Seconds float64
	Rows    int64
	PeakRSS int64 // bytes
}

// RowsPerSecond is the step's throughput.
func (s Step) RowsPerSecond() float64 {
	if s.Seconds == 0 {
		return 0
	}
	return float64(s.Rows) / s.Seconds
}

// Result is every step measured, by size.
type Result struct {
	Started time.Time
	Steps   []Step
}

// Step finds a step of one size.
func (r Result) Step(people int, name string) (Step, bool) {
	for _, s := range r.Steps {
		if s.People == people && s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// Step names.
const (
	Generate    = "generate"
	FloorDuckDB = "floor: duckdb reads"
	FloorGo     = "floor: go parse only"
	Floor       = "floor"
	Nightly     = "nightly"
	Hourly      = "hourly (median)"
	SecondNight = "nightly, second night"
)

// Run measures every size in turn.
func Run(ctx context.Context, opt Options) (Result, error) {
	if opt.HourlyRuns <= 0 {
		opt.HourlyRuns = 3
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	res := Result{Started: time.Now()}
	for _, n := range opt.People {
		steps, err := runSize(ctx, opt, n)
		res.Steps = append(res.Steps, steps...)
		if err != nil {
			return res, fmt.Errorf("%d people: %w", n, err)
		}
	}
	return res, nil
}

func runSize(ctx context.Context, opt Options, people int) ([]Step, error) {
	base := filepath.Join(opt.Dir, fmt.Sprintf("people-%d", people))
	log := opt.Log.With("people", people)
	var steps []Step
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, day := range []string{"day1", "day2"} {
		dir := filepath.Join(base, day)
		if _, err := os.Stat(filepath.Join(dir, "truth", "files.csv")); err == nil {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return steps, err
		}
		log.Info("generating", "day", day)
		s, err := child(ctx, opt.Exe, "", "generate", "--quiet", "--patients", strconv.Itoa(people), "--seed", "1",
			"--day", day1.AddDate(0, 0, i).Format(time.DateOnly), "--dir", dir)
		if err != nil {
			return steps, err
		}
		if i == 0 {
			files, err := readFiles(filepath.Join(dir, "truth", "files.csv"))
			if err != nil {
				return steps, err
			}
			s.People, s.Name, s.Rows = people, Generate, files.records(nil)
			steps = append(steps, s)
			log.Info("generated", "seconds", round(s.Seconds), "records", s.Rows, "peak_mib", s.PeakRSS>>20)
		}
	}
	files, err := readFiles(filepath.Join(base, "day1", "truth", "files.csv"))
	if err != nil {
		return steps, err
	}
	work := filepath.Join(base, "work")
	if err := os.RemoveAll(work); err != nil {
		return steps, err
	}
	if err := copyTree(filepath.Join(base, "day1", "inbox"), filepath.Join(work, "inbox")); err != nil {
		return steps, err
	}
	config := filepath.Join(work, "ccare.yaml")
	text, err := configText(opt.MemoryLimit)
	if err != nil {
		return steps, err
	}
	if err := os.WriteFile(config, text, 0o644); err != nil {
		return steps, err
	}

	var floor Step
	for _, part := range []struct{ name, mode string }{{FloorDuckDB, "duckdb"}, {FloorGo, "go"}} {
		log.Info("timing the floor", "part", part.mode)
		out := filepath.Join(work, "floor-"+part.mode+".rows")
		s, err := child(ctx, opt.Exe, "", "bench", "floor", "--part", part.mode, "--config", config, "--rows-to", out)
		if err != nil {
			return steps, err
		}
		if s.Rows, err = readRows(out); err != nil {
			return steps, err
		}
		s.People, s.Name = people, part.name
		steps = append(steps, s)
		floor.Seconds += s.Seconds
		floor.Rows += s.Rows
		floor.PeakRSS = max(floor.PeakRSS, s.PeakRSS)
	}
	floor.People, floor.Name = people, Floor
	steps = append(steps, floor)

	log.Info("timing the nightly job")
	nightly, err := runNightly(ctx, opt.Exe, config, people, Nightly, files)
	if err != nil {
		return steps, err
	}
	steps = append(steps, nightly)
	log.Info("nightly done", "seconds", round(nightly.Seconds), "ratio_to_floor", round(nightly.Seconds/floor.Seconds))

	// Each hour 1% of the nightly's records, new: about four fifths the next day's ED
	// attendances, the rest its live ADT messages, as the hourly feeds send them.
	want := nightly.Rows / 100
	ed := want * 4 / 5
	var hours []Step
	for h := range int64(opt.HourlyRuns) {
		got, err := cutCSV(filepath.Join(base, "day2", "inbox", "uhbw-ed", "attendances", "ED_Attendances_20261102.csv"),
			filepath.Join(work, "inbox", "uhbw-ed", "attendances", fmt.Sprintf("ED_Attendances_20261102T%02d00.csv", 9+h)), h*ed, ed)
		if err != nil {
			return steps, err
		}
		adt, err := cutMLLP(filepath.Join(base, "day2", "inbox", "nbt-pas", "adt_live", "NBT_ADT_Live_20261102.mllp"),
			filepath.Join(work, "inbox", "nbt-pas", "adt_live", fmt.Sprintf("NBT_ADT_Live_20261102T%02d00.mllp", 9+h)), h*(want-ed), want-ed)
		if err != nil {
			return steps, err
		}
		s, err := child(ctx, opt.Exe, "", "run", "hourly", "--quiet", "--config", config)
		if err != nil {
			return steps, err
		}
		s.Rows = got + adt
		hours = append(hours, s)
		log.Info("hourly done", "run", h+1, "seconds", round(s.Seconds), "records", s.Rows)
	}
	slices.SortFunc(hours, func(a, b Step) int { return cmp.Compare(a.Seconds, b.Seconds) })
	hourly := hours[len(hours)/2]
	for _, h := range hours {
		hourly.PeakRSS = max(hourly.PeakRSS, h.PeakRSS)
	}
	hourly.People, hourly.Name = people, Hourly
	steps = append(steps, hourly)
	if !opt.SecondNight {
		return steps, nil
	}

	// The next day's files, every provider's, beside the first day's and the hourly cuts,
	// as an inbox holds them the next night.
	if err := copyTree(filepath.Join(base, "day2", "inbox"), filepath.Join(work, "inbox")); err != nil {
		return steps, err
	}
	day2, err := readFiles(filepath.Join(base, "day2", "truth", "files.csv"))
	if err != nil {
		return steps, err
	}
	log.Info("timing the second night's nightly job")
	second, err := runNightly(ctx, opt.Exe, config, people, SecondNight, day2)
	if err != nil {
		return steps, err
	}
	steps = append(steps, second)
	log.Info("second night done", "seconds", round(second.Seconds), "ratio_to_first", round(second.Seconds/nightly.Seconds))
	return steps, nil
}

// runNightly times the nightly job as step name, on the records of the files it lands.
func runNightly(ctx context.Context, exe, config string, people int, name string, files fileCounts) (Step, error) {
	s, err := child(ctx, exe, "", "run", "nightly", "--quiet", "--config", config)
	if err != nil {
		return s, err
	}
	s.People, s.Name, s.Rows = people, name, files.records(nil)
	return s, nil
}

// child runs the ccare binary with args and measures its wall time and peak memory.
func child(ctx context.Context, exe, dir string, args ...string) (Step, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return Step{}, fmt.Errorf("ccare %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	var peak int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return Step{Seconds: elapsed.Seconds(), PeakRSS: peak}, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// fileCounts is the generator's truth/files.csv: records per file, with provider and feed.
type fileCounts []struct {
	provider, feed string
	records        int64
}

func readFiles(path string) (fileCounts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read %s: empty", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, need := range []string{"provider", "feed", "records"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("read %s: no %s column", path, need)
		}
	}
	var out fileCounts
	for i, r := range rows[1:] {
		n, err := strconv.ParseInt(r[col["records"]], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("read %s line %d: records: %w", path, i+2, err)
		}
		out = append(out, struct {
			provider, feed string
			records        int64
		}{r[col["provider"]], r[col["feed"]], n})
	}
	return out, nil
}

// records sums the records of the files keep accepts (nil: all).
func (fc fileCounts) records(keep func(provider, feed string) bool) int64 {
	var n int64
	for _, f := range fc {
		if keep == nil || keep(f.provider, f.feed) {
			n += f.records
		}
	}
	return n
}

func readRows(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// copyTree copies a folder's files, keeping their modification times (the pipeline reads
// them as the received times).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
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
}

// configText is the demo configuration, with duckdb.memory_limit set when limit is.
func configText(limit string) ([]byte, error) {
	text := pipelines.DemoConfigYAML()
	if limit == "" {
		return text, nil
	}
	file, err := parser.ParseBytes(text, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	path, err := yaml.PathString("$.duckdb.memory_limit")
	if err != nil {
		return nil, err
	}
	if err := path.ReplaceWithReader(file, strings.NewReader(strconv.Quote(limit))); err != nil {
		return nil, fmt.Errorf("set duckdb.memory_limit: %w", err)
	}
	return []byte(file.String()), nil
}
