package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/bench"
)

func newBench(g *globals) *cobra.Command {
	var dir, out, sizes, memoryLimit string
	var hourlyRuns int
	var secondNight bool
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the nightly and hourly jobs against DuckDB's bare reading of the same files",
		Long: `Measure the pipeline on generated communities, one size after another.

For each size: generate the community's drops (kept in --dir for the next time), time the
floor (DuckDB alone reading every input it can read natively into tables: delimited text
and NDJSON; for Excel, fixed width, HL7 v2, pg_dump and SQLite, which it cannot read here,
our readers' parse alone), the nightly job from an empty warehouse, and hourly runs of 1%
new data (the median); with --second-night, the next day's nightly job on top of them. Each
step runs as a child process, so its peak memory is its own.

Prints a table (step, seconds, rows, rows/s, peak RSS), then the ratios against their
targets: nightly / floor ≤ 3, hourly / nightly ≤ 0.10, peak RSS ≤ 4 GiB, and seconds per
record growing no more than 1.2× from the smallest size to the largest. The results are
also written in Go's benchmark format (compare two runs with benchstat).`,
		Example: `  ccare bench --patients 20000
  ccare bench --patients 20000,200000,1000000 --out bench-2026-11-27.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var people []int
			for _, s := range strings.Split(sizes, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 100 {
					return usageError{fmt.Errorf("--patients %q: want sizes of at least 100, comma-separated", sizes)}
				}
				people = append(people, n)
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			log, _ := g.logger()
			res, err := bench.Run(cmd.Context(), bench.Options{Dir: dir, People: people, HourlyRuns: hourlyRuns, SecondNight: secondNight, Exe: exe, MemoryLimit: memoryLimit, Log: log})
			if werr := res.WriteTable(g.stdout, bench.DefaultTargets); werr != nil && err == nil {
				err = werr
			}
			if out == "" {
				out = filepath.Join(dir, "results-"+res.Started.Format("20060102T150405")+".txt")
			}
			if len(res.Steps) > 0 {
				if werr := res.SaveBenchfmt(out); werr != nil && err == nil {
					err = werr
				}
				fmt.Fprintf(g.stdout, "\nResults (Go benchmark format, for benchstat): %s\n", out)
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&sizes, "patients", "n", "20000", "community sizes, comma-separated, smallest first")
	cmd.Flags().StringVarP(&dir, "dir", "d", filepath.Join(os.TempDir(), "ccare-bench"), "where the communities are generated and kept")
	cmd.Flags().StringVarP(&out, "out", "o", "", "results file (default: DIR/results-<start time>.txt)")
	cmd.Flags().IntVar(&hourlyRuns, "hourly-runs", 3, "hourly runs of 1% new data after the nightly")
	cmd.Flags().BoolVar(&secondNight, "second-night", false, "then land the next day's files and time the nightly job again")
	// The targets' 4 GiB of peak memory: DuckDB left to its default takes up to 80% of RAM
	// (and holds it), so the runs are measured as an operator would configure a 4 GiB budget.
	cmd.Flags().StringVar(&memoryLimit, "memory-limit", "3GB", `duckdb.memory_limit for the runs ("" for DuckDB's default, 80% of RAM)`)
	cmd.AddCommand(newBenchFloor())
	return cmd
}

// newBenchFloor is the child process that times one part of the floor.
func newBenchFloor() *cobra.Command {
	var configPath, part, rowsTo string
	cmd := &cobra.Command{
		Use:    "floor",
		Short:  "One part of the benchmark's floor (run by ccare bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			rows, err := bench.MeasureFloor(cmd.Context(), cfg, part)
			if err != nil {
				return err
			}
			return os.WriteFile(rowsTo, []byte(strconv.FormatInt(rows, 10)+"\n"), 0o644)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file")
	cmd.Flags().StringVar(&part, "part", bench.PartDuckDB, "duckdb or go")
	cmd.Flags().StringVar(&rowsTo, "rows-to", "", "file to write the rows read to")
	return cmd
}
