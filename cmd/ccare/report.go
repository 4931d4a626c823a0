package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/benefits"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/reports"
)

func newReport(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report summary|benefits",
		Short: "Write a report from the warehouse's published copy: summary (the run summary) or benefits (the business-case board pack)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{fmt.Errorf("report needs a subcommand: summary or benefits")}
		},
	}
	cmd.AddCommand(newReportSummary(g), newReportBenefits(g))
	return cmd
}

func newReportSummary(g *globals) *cobra.Command {
	var configPath, dir string
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Write the run summary (summary.html, summary.xlsx) from the warehouse's published copy",
		Long: `Write the run summary that every full run writes (people in the shared record, files
and rows per system, data quality per rule and over time, the quarantine) from the
warehouse's published read-only copy, as of the run that last built it. Counts are
published under the configuration's disclosure policy, so a summary wanted again after
the policy changed needs no run.`,
		Example: `  ccare report summary
  ccare report summary --config ccare.yaml --dir board/2026-11`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if dir == "" {
				dir = cfg.Reports
			}
			log, _ := g.logger()
			paths, err := pipelines.SummaryReport(cmd.Context(), cfg, dir, log)
			if err != nil {
				return err
			}
			for _, p := range paths {
				fmt.Fprintln(g.stdout, p)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVarP(&dir, "dir", "d", "", "where to write the summary (default: the configuration's reports directory)")
	return cmd
}

func newReportBenefits(g *globals) *cobra.Command {
	var configPath, dir, assumptions string
	var printAssumptions bool
	cmd := &cobra.Command{
		Use:   "benefits",
		Short: "Write the business-case board pack (benefits.xlsx, benefits.html) and print its headline figures",
		Long: `Measure the benefits the shared record brings (sql/reports/benefits_*.sql) in the
warehouse's published read-only copy, value them with the assumptions in benefits.yaml
and appraise them as HM Treasury's Green Book asks: net present value, benefit–cost
ratio, payback year, switching values and a sensitivity analysis. Writes an Excel
workbook whose Summary computes from its Assumptions sheet with live formulas, and a
self-contained HTML page that prints on A4.

The assumptions are the embedded benefits.yaml unless --benefits or the configuration's
"benefits:" names a file; --print-assumptions writes the embedded file to start one from.
Counts are published under the configuration's disclosure policy.`,
		Example: `  ccare report benefits
  ccare report benefits --print-assumptions > my-benefits.yaml
  ccare report benefits --benefits my-benefits.yaml --dir board-pack`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if printAssumptions {
				_, err := g.stdout.Write(benefits.DefaultYAML())
				return err
			}
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if assumptions != "" {
				cfg.Benefits = assumptions
			}
			if dir == "" {
				dir = cfg.Reports
			}
			log, _ := g.logger()
			res, err := pipelines.BoardPack(cmd.Context(), cfg, dir, log)
			var be *benefits.Error
			if errors.As(err, &be) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			return printHeadline(g.stdout, res)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVarP(&dir, "dir", "d", "", "where to write the board pack (default: the configuration's reports directory)")
	cmd.Flags().StringVarP(&assumptions, "benefits", "b", "", "assumptions file (default: the configuration's, else the embedded benefits.yaml)")
	cmd.Flags().BoolVar(&printAssumptions, "print-assumptions", false, "print the embedded benefits.yaml and exit")
	return cmd
}

// printHeadline prints the figures a board member asks for first. Counts are as published.
func printHeadline(w io.Writer, res pipelines.BoardPackResult) error {
	p := res.Pack
	var b strings.Builder
	fmt.Fprintf(&b, "Board pack written:\n")
	for _, path := range res.Paths {
		fmt.Fprintf(&b, "  %s\n", path)
	}
	fmt.Fprintf(&b, "Assumptions: %s\n", p.Model.Source)
	fmt.Fprintf(&b, "Appraisal: %d years from %s, real prices, discount rate %.1f%%\n", p.Model.Appraisal.Years, p.Model.YearLabel(0), p.Model.Appraisal.DiscountRate*100)
	fmt.Fprintf(&b, "Present value of benefits: %s\n", reports.Money(res.PVBenefits))
	fmt.Fprintf(&b, "Present value of costs: %s\n", reports.Money(res.PVCosts))
	fmt.Fprintf(&b, "Net present value: %s\n", reports.Money(res.NPV))
	fmt.Fprintf(&b, "Benefit-cost ratio: %.2f\n", res.BCR)
	fmt.Fprintf(&b, "Payback: %s\n", reports.PaybackText(p.Model, p.Result))
	fmt.Fprintf(&b, "People in the shared record: %s; known to two or more providers: %s\n", p.People.Shown, p.PeopleShared.Shown)
	for _, m := range p.Measures {
		fmt.Fprintf(&b, "%s (12 months): %s events, %s people\n", m.Title, m.Events.Shown, m.People.Shown)
	}
	fmt.Fprintf(&b, "%s\n", p.Policy)
	_, err := io.WriteString(w, b.String())
	return err
}
