package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

const defaultDay = "2026-11-01"

func newGenerate(g *globals) *cobra.Command {
	var opt genFlags
	var hourly bool
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write the synthetic demo community's drops (inbox/) and its ground truth (truth/)",
		Long: `Write what each of the demo community's ten systems sends on --day, in its own format and
with its own habits, under DIR/inbox/<provider>/<feed>/, and the ground truth (who is who,
and what should become of every record) under DIR/truth/. The same seed, size and day give
byte-identical files; the day's files are replaced, other days' left alone.

With --hourly, only the feeds sent every hour (nbt-pas adt_live, uhbw-ed attendances,
ooh-adastra cases), each as 24 files, one an hour of the day (named ..._YYYYMMDDTHH00, the
people spread evenly over the hours): the same records as the day's file, which they
replace. The truth then describes these files. For trying the hourly job:
  ccare generate --dir demo --day 2026-11-02 --hourly && ccare run hourly`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := opt.options()
			if err != nil {
				return err
			}
			o.Hourly = hourly
			log, _ := g.logger()
			start := time.Now()
			sum, err := synth.Generate(cmd.Context(), o)
			if err != nil {
				return err
			}
			log.Info("generated", "people", sum.People, "files", sum.Files, "records", sum.Records, "seconds", time.Since(start).Seconds())
			fmt.Fprintf(g.stdout, "generated %d people: %d records in %d files\ninbox: %s\ntruth: %s\n", sum.People, sum.Records, sum.Files, sum.Inbox, sum.Truth)
			return nil
		},
	}
	opt.register(cmd, "")
	cmd.Flags().BoolVar(&hourly, "hourly", false, "only the hourly feeds, as one file an hour of the day")
	return cmd
}

func newDemo(g *globals) *cobra.Command {
	var opt genFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate the demo community and run the nightly job on it",
		Long: `Generate the demo community's drops (deterministic for a seed and day), then run the
nightly job with the embedded configuration, and print where the warehouse, the Parquet
lake and the reports are. Running it again on the same directory changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := opt.options()
			if err != nil {
				return err
			}
			log, progress := g.logger()
			sum, err := synth.Generate(cmd.Context(), o)
			if err != nil {
				return err
			}
			log.Info("demo community generated", "dir", o.Dir, "people", sum.People, "files", sum.Files, "records", sum.Records)
			cfg, err := pipelines.DemoConfig(o.Dir)
			if err != nil {
				return err
			}
			res, err := pipelines.Run(cmd.Context(), cfg, pipelines.RunOptions{Job: "nightly", Log: log, Progress: progress})
			printResult(g, res)
			return err
		},
	}
	opt.register(cmd, "demo")
	return cmd
}

type genFlags struct {
	dir      string
	patients int
	seed     int64
	day      string
}

func (f *genFlags) register(cmd *cobra.Command, defaultDir string) {
	cmd.Flags().StringVarP(&f.dir, "dir", "d", defaultDir, "output directory")
	cmd.Flags().IntVarP(&f.patients, "patients", "n", 20000, "number of people in the community")
	cmd.Flags().Int64Var(&f.seed, "seed", 1, "random seed (same seed and day: byte-identical files)")
	cmd.Flags().StringVar(&f.day, "day", defaultDay, "the drop day, YYYY-MM-DD")
	if defaultDir == "" {
		_ = cmd.MarkFlagRequired("dir")
	}
}

func (f *genFlags) options() (synth.Options, error) {
	day, err := time.Parse("2006-01-02", f.day)
	if err != nil {
		return synth.Options{}, usageError{fmt.Errorf("--day %q: want YYYY-MM-DD", f.day)}
	}
	if f.patients < 1 {
		return synth.Options{}, usageError{fmt.Errorf("--patients %d: want at least 1", f.patients)}
	}
	return synth.Options{Dir: f.dir, Patients: f.patients, Seed: f.seed, Day: day}, nil
}
