package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

func newRun(g *globals) *cobra.Command {
	var configPath string
	var providers []string
	var replay bool
	var from string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "run nightly|hourly",
		Short: "Run a job: land new files, rebuild the common model, publish the lake and reports",
		Long: `Run a job of the pipeline.

  nightly  every feed of every configured system; rebuilds the common model
  hourly   only the feeds whose cadence is hourly; merges their new records into the
           common model (new local ids without a matching NHS number wait, 'pending',
           for the nightly run's identity resolution), or rebuilds when it must

Files already loaded (same content) are skipped (one untouched since, by name, size and
modification time, without being read again); a file whose layout does not match the
configuration is rejected, reported, and tried again next run. With no --config, the
embedded demo configuration is used with paths under ./demo.

--replay reads again, from the inbox, every loaded file that holds a quarantined row (of
the --provider systems, or all), and rebuilds even if nothing new arrived: after fixing a
column mapping, a reader or a rule, the rows that now pass move from quarantine into core.
--from DATE reads again every file of the --provider systems received on or after DATE
(Europe/London), quarantined rows or not; other providers' rows are left as they are.

One run writes at a time: a second run exits naming the first (pid, job, start), unless
--wait gives it time to wait its turn.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || (args[0] != "nightly" && args[0] != "hourly") {
				return usageError{fmt.Errorf("run needs one job: nightly or hourly")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			opt := pipelines.RunOptions{Job: args[0], Providers: providers, Replay: replay, Wait: wait}
			if from != "" {
				if len(providers) == 0 {
					return usageError{fmt.Errorf("--from replays one provider's files: name it with --provider")}
				}
				if opt.From, err = time.ParseInLocation("2006-01-02", from, london); err != nil {
					return usageError{fmt.Errorf("--from %q: want a date, YYYY-MM-DD", from)}
				}
			}
			opt.Log, opt.Progress = g.logger()
			res, err := pipelines.Run(cmd.Context(), cfg, opt)
			printResult(g, res)
			return err
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file (default: the embedded demo configuration)")
	cmd.Flags().StringSliceVarP(&providers, "provider", "p", nil, "only these providers (repeatable)")
	cmd.Flags().BoolVar(&replay, "replay", false, "read again the files holding quarantined rows, and rebuild")
	cmd.Flags().StringVar(&from, "from", "", "with --provider: read again that provider's files received since this date (YYYY-MM-DD)")
	cmd.Flags().DurationVar(&wait, "wait", 0, "wait this long for a run already writing (e.g. 30m); 0: exit at once")
	return cmd
}

func printResult(g *globals, res pipelines.RunResult) {
	if res.RunID == 0 {
		return
	}
	w := g.stdout
	fmt.Fprintf(w, "run %d %s: %d new file(s), %d already loaded, %d rejected\n",
		res.RunID, orDefault(res.Status, "failed"), res.FilesNew, res.FilesSkipped, res.FilesRejected)
	for _, r := range res.Rejected {
		fmt.Fprintf(w, "  rejected: %s\n", r)
	}
	for _, d := range res.Drift {
		fmt.Fprintf(w, "  schema drift: %s\n", d)
	}
	for _, h := range res.Held {
		fmt.Fprintf(w, "  held back: %s\n", h)
	}
	if res.Status != "succeeded" {
		return
	}
	if !res.Rebuilt {
		fmt.Fprintln(w, "nothing new: warehouse, lake and reports unchanged")
	}
	if res.Replayed > 0 || res.QuarantinedBefore > 0 {
		fmt.Fprintf(w, "replay: %d file(s) read again; quarantined rows %d before, %d after\n",
			res.Replayed, res.QuarantinedBefore, res.QuarantinedAfter)
	}
	if res.Archived > 0 {
		fmt.Fprintf(w, "archive: %d superseded extract(s) moved from raw to %s\n", res.Archived, res.Archive)
	}
	if res.ArchiveError != "" {
		fmt.Fprintf(w, "archive failed: %s (the rows stay in raw; the next run tries again)\n", res.ArchiveError)
	}
	if res.ReplayMissing > 0 {
		fmt.Fprintf(w, "replay: %d file(s) no longer in the inbox, left as loaded\n", res.ReplayMissing)
	}
	fmt.Fprintf(w, "warehouse: %s\n", res.Warehouse)
	fmt.Fprintf(w, "published: %s (read-only copy for queries)\n", res.Published)
	fmt.Fprintf(w, "lake:      %s\n", res.Lake)
	fmt.Fprintf(w, "reports:   %s\n", strings.Join(res.Reports, "\n           "))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// loadConfig reads --config, or with none the embedded demo configuration under ./demo.
func loadConfig(path string) (*pipelines.Config, error) {
	if path == "" {
		return pipelines.DemoConfig("demo")
	}
	return pipelines.LoadConfig(path)
}

// london is the time zone dates on the command line are read in: the community's.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()
