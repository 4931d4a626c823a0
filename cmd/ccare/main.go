// Command ccare runs the Connecting Care warehouse: it generates the demo community's
// drops, runs the pipeline's jobs, and tells the operator where the results are.
//
// Exit codes: 0 done; 1 the run failed (the warehouse is as the last good run left it);
// 2 the command line or the configuration is wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	_ "time/tzdata" // file times and dates are read in Europe/London on any machine

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(os.Stdout, os.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "ccare:", err)
	var ae attentionError
	if errors.As(err, &ae) {
		os.Exit(3)
	}
	var ue usageError
	var ce *pipelines.ConfigError
	if errors.As(err, &ue) || errors.As(err, &ce) {
		os.Exit(2)
	}
	os.Exit(1)
}

type globals struct {
	quiet, verbose bool
	stdout, stderr io.Writer
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "ccare",
		Short:         "Connecting Care: the shared-care data warehouse's batch pipeline",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "plain log lines, no progress display")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "also log each SQL step")
	// For finding where a run's Go time goes (go tool pprof FILE); DuckDB's own time is in
	// ops.step_timings and EXPLAIN ANALYZE.
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a Go CPU profile of the command to this file")
	var stopProfile func()
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.AddCommand(newDemo(g), newGenerate(g), newRun(g), newSQL(g), newQuarantine(g), newLinkage(g), newRuns(g), newStatus(g), newSchedule(g), newReport(g), newDocs(g), newBench(g))
	// Runnable, so that its arguments are checked: an unknown command is a usage error
	// rather than a page of help and success.
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	argumentsAreUsage(root)
	return root
}

// argumentsAreUsage makes a wrong argument to c or any command under it (an unknown command,
// one argument too many) a usage error, exit 2, as a bad flag is; cobra's own checks return
// plain errors, which would exit 1, the code for a failed run.
func argumentsAreUsage(c *cobra.Command) {
	for _, sub := range c.Commands() {
		argumentsAreUsage(sub)
	}
	check := c.Args
	if check == nil {
		// cobra's default, which it applies only while Args is unset: the root takes no
		// word that is not one of its commands.
		check = func(cmd *cobra.Command, args []string) error {
			if cmd.HasSubCommands() && !cmd.HasParent() && len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += "; did you mean " + strings.Join(s, " or ") + "?"
				}
				return errors.New(msg)
			}
			return nil
		}
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			var ue usageError
			if errors.As(err, &ue) {
				return err
			}
			return usageError{err}
		}
		return nil
	}
}

// logger and progress: a terminal gets a progress display and warnings; --quiet and
// non-terminals (cron, CI, the scheduler's log file) get one plain line per event.
func (g *globals) logger() (*slog.Logger, *pipelines.Progress) {
	level := slog.LevelInfo
	var progress *pipelines.Progress
	if f, ok := g.stderr.(*os.File); ok && !g.quiet && term.IsTerminal(int(f.Fd())) {
		progress = pipelines.NewProgress(g.stderr)
		level = slog.LevelWarn
	}
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level})), progress
}
