package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/linkage"
)

func newLinkage(g *globals) *cobra.Command {
	var configPath, truthPath string
	cmd := &cobra.Command{
		Use:   "linkage",
		Short: "Print identity resolution's match rates per provider, and its precision and recall on generated data",
		Long: `Print how each provider's local ids were linked to people (on NHS number, by the
provider's own merge, probabilistically, or not at all), how many wait in clerical review
(core.link_review), and how many belong to a person another provider also knows.

On generated data, also score the links against the generator's ground truth
(truth/person_links.csv): pairwise precision (of the pairs of local ids put in one person,
the share that are one person) and recall (of the pairs that are one person, the share put
in one). With the demo's configuration the truth is found in demo/truth; otherwise name it
with --truth.`,
		Example: `  ccare linkage
  ccare linkage -c ccare.yaml --truth generated/truth/person_links.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if truthPath == "" && configPath == "" {
				if p := filepath.Join("demo", "truth", "person_links.csv"); fileExists(p) {
					truthPath = p
				}
			}
			db, err := openReadOnly(ctx, configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			rates, err := linkage.Rates(ctx, db)
			if err != nil {
				return err
			}
			if err := linkage.WriteRates(g.stdout, rates); err != nil {
				return err
			}
			if truthPath == "" {
				return nil
			}
			f, err := os.Open(truthPath)
			if err != nil {
				return usageError{fmt.Errorf("--truth: %w", err)}
			}
			defer f.Close()
			truth, err := linkage.ReadTruth(f, truthPath)
			if err != nil {
				return err
			}
			links, err := linkage.ReadLinks(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "\nagainst %s:\n", truthPath)
			linkage.WriteScore(g.stdout, linkage.ScoreLinks(links, truth))
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVar(&truthPath, "truth", "", "a ground truth person_links.csv to score against (default with the demo: demo/truth/person_links.csv)")
	return cmd
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
