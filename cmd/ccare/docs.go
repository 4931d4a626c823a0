package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/bnssg-connecting-care/ccare/dictionary"
)

func newDocs(g *globals) *cobra.Command {
	var configPath, out string
	cmd := &cobra.Command{
		Use:   "docs",
		Short: "Write the data dictionary (Markdown and self-contained HTML) from the warehouse's published copy",
		Long: `Write the data dictionary of core, the six user views (uv_*) and analyst: every table and
column with its type and description, the provider feeds that fill each table, its row count,
and the last refresh. It reads the published copy, so it never waits for a run.`,
		Example: `  ccare docs --out docs
  ccare docs --config /etc/ccare/ccare.yaml --out /srv/share/dictionary`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if out == "" {
				out = cfg.Reports
			}
			db, err := openReadOnly(cmd.Context(), configPath)
			if err != nil {
				return err
			}
			defer db.Close()
			d, err := dictionary.Load()
			if err != nil {
				return err
			}
			doc, err := dictionary.Read(cmd.Context(), db, d, cfg.Published)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			for _, f := range []struct {
				name  string
				write func(*bytes.Buffer) error
			}{
				{"dictionary.md", func(b *bytes.Buffer) error { return doc.Markdown(b) }},
				{"dictionary.html", func(b *bytes.Buffer) error { return doc.HTML(b) }},
			} {
				var b bytes.Buffer
				if err := f.write(&b); err != nil {
					return fmt.Errorf("%s: %w", f.name, err)
				}
				path := filepath.Join(out, f.name)
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					return err
				}
				fmt.Fprintln(g.stdout, path)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "configuration file naming the warehouse (default: the demo's)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "folder to write dictionary.md and dictionary.html to (default: the reports folder)")
	return cmd
}
