package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/quarantine"
)

func newQuarantine(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quarantine list|show",
		Short: "List the source rows the quality rules held back, and show one with its rules and record",
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{fmt.Errorf("quarantine needs a subcommand: list or show")}
		},
	}
	cmd.AddCommand(newQuarantineList(g), newQuarantineShow(g))
	return cmd
}

func newQuarantineList(g *globals) *cobra.Command {
	var configPath, format string
	var f quarantine.Filter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List quarantined rows by provider, feed, file, line and rule",
		Long: `List the rows held back by an error rule (quality.quarantine), sorted by provider,
feed, file, line and rule. The table ends with how many rows are shown of how many the
filters select, and a tally by rule. csv and json carry every column, for scripts; the
limit applies to them too (--limit 0 for all).`,
		Example: `  ccare quarantine list --provider gp-emis --rule DAT-002
  ccare quarantine list --stage extract --limit 0 --format csv > extract-failures.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("quarantine list takes flags only, not %q", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "csv" && format != "json" {
				return usageError{fmt.Errorf("--format %q: table, csv or json", format)}
			}
			db, err := openReadOnly(cmd.Context(), configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			l, err := quarantine.List(cmd.Context(), db, f)
			if err != nil {
				return exitCode(err)
			}
			switch format {
			case "csv":
				err = l.CSV(g.stdout)
			case "json":
				err = l.JSON(g.stdout)
			default:
				err = l.Table(g.stdout, terminalWidth(g))
			}
			if err == nil && format != "table" && int64(len(l.Rows)) < l.Total {
				fmt.Fprintf(g.stderr, "ccare: %d of %d quarantined rows written (--limit 0 for all)\n", len(l.Rows), l.Total)
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringSliceVarP(&f.Providers, "provider", "p", nil, "only these providers (repeatable)")
	cmd.Flags().StringVar(&f.Feed, "feed", "", "only this feed")
	cmd.Flags().StringSliceVar(&f.Rules, "rule", nil, "only these rules, e.g. DAT-002 (repeatable)")
	cmd.Flags().StringVar(&f.File, "file", "", "only this file (its name as received)")
	cmd.Flags().StringVar(&f.Stage, "stage", "", "only this stage: extract (could not be read) or staging (failed a rule)")
	cmd.Flags().IntVarP(&f.Limit, "limit", "n", 50, "at most this many rows; 0 for all")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func newQuarantineShow(g *globals) *cobra.Command {
	var configPath, format string
	cmd := &cobra.Command{
		Use:   "show FILE_NAME:LINE | PROVIDER/FEED/FILE_NAME:LINE",
		Short: "Show one quarantined row: its file, every rule it failed, and the record as sent",
		Example: `  ccare quarantine show EMIS_Problems_20261101.csv:108
  ccare quarantine show nbt-cdw/patients/CDW_nightly_20261101.sql:707 --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("quarantine show needs one FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format %q: text or json", format)}
			}
			ref, err := quarantine.ParseRef(args[0])
			if err != nil {
				return exitCode(err)
			}
			db, err := openReadOnly(cmd.Context(), configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			d, err := quarantine.Show(cmd.Context(), db, ref)
			if err != nil {
				return exitCode(err)
			}
			if format == "json" {
				return d.JSON(g.stdout)
			}
			return d.Text(g.stdout)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// openReadOnly opens, read-only, the published copy of the warehouse that --config names
// (or the demo's): a query there never stops a run from writing, and a run never breaks a
// query. A warehouse from before copies were published is read itself.
func openReadOnly(ctx context.Context, configPath string) (*sql.DB, error) {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return nil, err
	}
	return load.OpenReadOnly(ctx, cfg.ReadPath())
}

// exitCode marks a request the quarantine package found wrong as a usage error (exit 2).
func exitCode(err error) error {
	var ue *quarantine.UsageError
	if errors.As(err, &ue) {
		return usageError{err}
	}
	return err
}

// terminalWidth is the width a table is fitted to: 100 columns on a terminal, none
// (nothing shortened) when the output goes to a file or a pipe.
func terminalWidth(g *globals) int {
	if f, ok := g.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return 100
	}
	return 0
}
