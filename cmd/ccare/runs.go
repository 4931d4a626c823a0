package main

import (
	"fmt"

	"github.com/spf13/cobra"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

func newRuns(g *globals) *cobra.Command {
	var configPath, format string
	var limit int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List the run history: job, status, seconds per phase, files and rows",
		Long: `List the latest runs, newest first, from the warehouse's published copy: each run's job,
start, status (succeeded, failed, interrupted, running), its seconds in all and per phase
(extract, transform, publish), the files it found new, skipped and rejected, and the rows
its files brought (read = loaded + quarantined + superseded).

The copy is made at the end of every run that changes the warehouse; a run that found
nothing new is listed from its next changing run on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: table or csv", format)}
			}
			if limit < 1 {
				return usageError{fmt.Errorf("--limit %d: at least 1", limit)}
			}
			query, err := sqlfiles.File("reports/runs.sql")
			if err != nil {
				return err
			}
			db, err := openReadOnly(cmd.Context(), configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			return printQuery(cmd.Context(), db, g.stdout, format, query, limit)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVar(&format, "format", "table", "table or csv")
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "how many runs")
	return cmd
}
