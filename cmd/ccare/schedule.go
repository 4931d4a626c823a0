package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

func newSchedule(g *globals) *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Run the daemon: the nightly and hourly jobs on their times, and the operator's status page",
		Long: `Run the scheduler daemon until SIGTERM or SIGINT.

Jobs and their times come from the configuration's schedule section (Europe/London; by
default the hourly job at ten past every hour and the nightly at 02:30). A job still running
when it is due again is not started twice. A run that finds another writing is retried
with a doubling backoff; any other failure is recorded and shown, and the next time comes
as usual.

On the configured address (default 127.0.0.1:8787): /healthz, /metrics (Prometheus) and /
(the status page). Logs are JSON lines unless on a terminal. On SIGTERM the daemon takes
no more jobs, lets a running job's current step commit or roll back, and exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			var handler slog.Handler = slog.NewJSONHandler(g.stderr, nil)
			if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				handler = slog.NewTextHandler(g.stderr, nil)
			}
			log := slog.New(handler)
			d, err := pipelines.NewDaemon(cfg, log, nil)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			return d.Serve(ctx, cfg.Schedule.Listen)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file (default: the embedded demo configuration)")
	return cmd
}
