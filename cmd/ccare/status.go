package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/schedule"
)

// attentionError makes ccare status exit 3: it ran, and something needs the operator.
type attentionError struct{ n int }

func (e attentionError) Error() string { return fmt.Sprintf("%d thing(s) need attention", e.n) }

func newStatus(g *globals) *cobra.Command {
	var configPath, format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what runs or last ran, each feed against its due times, and what needs attention",
		Long: `Show the pipeline's state without the daemon: a run holding the writer's lock (or one
that died holding it), how the newest run ended, the run the published copy was built by,
each feed against its due times (newest file in the inbox, next due, late or on time) with
what the published copy holds from it (files loaded, rejected, superseded and archived;
rows), and a list of what needs attention: a failed or unfinished run, late feeds, a feed
whose newest file was rejected, a whole extract held back by the shrink guard.

It reads the lock's record, <warehouse>.last-run.json, the inbox and the published copy,
never the warehouse itself, so it cannot get in a run's way.

Exit status: 0 when nothing needs attention, 3 when something does (for monitoring
scripts), 1 when the state could not be read, 2 on a usage error.`,
		Example: `  ccare status --config ccare.yaml
  ccare status --config ccare.yaml --format json | jq '.attention'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usageError{fmt.Errorf("--format %q: table or json", format)}
			}
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			rep, err := pipelines.Status(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				err = enc.Encode(rep)
			} else {
				err = printStatus(g.stdout, rep)
			}
			if err != nil {
				return err
			}
			if len(rep.Attention) > 0 {
				return attentionError{len(rep.Attention)}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file (default: the demo's)")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func printStatus(w io.Writer, rep pipelines.StatusReport) error {
	when := func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.In(london).Format("Mon 2 Jan 15:04")
	}
	fmt.Fprintf(w, "Connecting Care pipeline: status as of %s (Europe/London)\n\n", rep.Now.In(london).Format("Mon 2 Jan 2006 15:04"))
	switch {
	case rep.Running != nil:
		fmt.Fprintf(w, "running:    %s run, pid %d on %s, started %s\n", rep.Running.Job, rep.Running.PID, rep.Running.Host, when(rep.Running.Started))
	default:
		fmt.Fprintln(w, "running:    nothing")
	}
	if r := rep.LastRun; r != nil {
		id := "not recorded"
		if r.RunID != 0 {
			id = fmt.Sprintf("run %d", r.RunID)
		}
		fmt.Fprintf(w, "last run:   %s, %s, %s, %s to %s\n", id, r.Job, r.Status, when(r.Started), when(r.Finished))
	} else {
		fmt.Fprintln(w, "last run:   none recorded")
	}
	if p := rep.Published; p != nil {
		fmt.Fprintf(w, "published:  built by run %d (%s), %s", p.RunID, p.Job, when(p.Finished))
		if n := rep.Nightly; n != nil && n.RunID != p.RunID {
			fmt.Fprintf(w, "; last nightly build run %d, %s", n.RunID, when(n.Finished))
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintln(w, "published:  nothing yet")
	}
	if len(rep.Attention) == 0 {
		fmt.Fprintln(w, "\nNothing needs attention.")
	} else {
		fmt.Fprintf(w, "\nNeeds attention (%d):\n", len(rep.Attention))
		for _, a := range rep.Attention {
			fmt.Fprintf(w, "  - %s\n", a)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "provider\tfeed\tstate\tnewest file\twritten\tnext due by\tfiles loaded\trejected\tsuperseded\tarchived\trows loaded\tquarantined\t")
	for _, f := range rep.Feeds {
		state := f.State
		if f.State == "late" {
			state = "late " + schedule.DurationWords(time.Duration(f.LateBySeconds)*time.Second)
		}
		if f.HeldBack != "" {
			state += ", held back"
		}
		newest := f.NewestFile
		if newest == "" {
			newest = "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", f.Provider, f.Feed, state, newest,
			when(f.NewestFileAt), when(f.NextDue), f.FilesLoaded, f.FilesRejected, f.FilesSuperseded, f.FilesArchived,
			f.RowsLoaded, f.RowsQuarantined)
	}
	return tw.Flush()
}
