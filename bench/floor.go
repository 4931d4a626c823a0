package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/bnssg-connecting-care/ccare/extract"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Floor parts.
const (
	PartDuckDB = "duckdb" // the inputs DuckDB reads natively: delimited text, NDJSON
	PartGo     = "go"     // the rest (Excel, fixed width, HL7 v2, pg_dump, SQLite): our readers' parse alone
)

// nativeTemplate is the SQL that has DuckDB read a feed's files natively, or "" when it
// cannot (no reader for the format among the built-in extensions here).
func nativeTemplate(f pipelines.Feed) (string, string) {
	if ro, ok := f.Options.(interface{ DuckDBReadOptions() string }); ok {
		return "templates/floor_read_csv.sql", ro.DuckDBReadOptions()
	}
	if f.Format.Name == "fhir-ndjson" {
		return "templates/floor_read_ndjson.sql", ""
	}
	return "", ""
}

// MeasureFloor does one part of the floor over every file of cfg's inbox and returns the
// rows read. The DuckDB part writes to a scratch database beside the warehouse, removed
// afterwards; the Go part parses every record and keeps none.
func MeasureFloor(ctx context.Context, cfg *pipelines.Config, part string) (int64, error) {
	switch part {
	case PartDuckDB:
		return floorDuckDB(ctx, cfg)
	case PartGo:
		return floorGo(ctx, cfg)
	}
	return 0, fmt.Errorf("floor part %q: want %s or %s", part, PartDuckDB, PartGo)
}

func feedFiles(cfg *pipelines.Config, p pipelines.Provider, f pipelines.Feed) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(cfg.Inbox, p.ID, f.Name, f.Pattern))
	if err != nil {
		return nil, fmt.Errorf("%s/%s pattern %q: %w", p.ID, f.Name, f.Pattern, err)
	}
	sort.Strings(files)
	return files, nil
}

func floorDuckDB(ctx context.Context, cfg *pipelines.Config) (int64, error) {
	path := filepath.Join(filepath.Dir(cfg.Warehouse), "bench-floor.duckdb")
	os.Remove(path)
	defer os.Remove(path)
	db, err := load.Open(ctx, path, cfg.DuckDB.Settings())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var rows int64
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			name, options := nativeTemplate(f)
			if name == "" {
				continue
			}
			files, err := feedFiles(cfg, p, f)
			if err != nil {
				return rows, err
			}
			for i, file := range files {
				table := fmt.Sprintf("%s_%s_%d", p.ID, f.Name, i)
				q, err := sqlfiles.Render(name, map[string]any{"Table": table, "Path": file, "Options": options})
				if err != nil {
					return rows, err
				}
				if _, err := db.ExecContext(ctx, q); err != nil {
					return rows, fmt.Errorf("floor: read %s: %w", file, err)
				}
				n, err := tableRows(ctx, db, table)
				if err != nil {
					return rows, err
				}
				rows += n
			}
		}
	}
	return rows, nil
}

func tableRows(ctx context.Context, db *sql.DB, table string) (int64, error) {
	q, err := sqlfiles.Render("templates/table_rows.sql", map[string]any{"Schema": "main", "Table": table})
	if err != nil {
		return 0, err
	}
	var n int64
	if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("floor: count %s: %w", table, err)
	}
	return n, nil
}

func floorGo(ctx context.Context, cfg *pipelines.Config) (int64, error) {
	var rows int64
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			if name, _ := nativeTemplate(f); name != "" {
				continue
			}
			files, err := feedFiles(cfg, p, f)
			if err != nil {
				return rows, err
			}
			wanted := make([]string, len(f.Columns))
			for i, c := range f.Columns {
				wanted[i] = c.Header
			}
			for _, file := range files {
				rr, err := f.Format.Open(extract.Source{Path: file, Options: f.Options, Wanted: wanted})
				if err != nil {
					return rows, fmt.Errorf("floor: open %s: %w", file, err)
				}
				for {
					if err := ctx.Err(); err != nil {
						rr.Close()
						return rows, err
					}
					_, err := rr.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					var pe *extract.ParseError
					if err != nil && !errors.As(err, &pe) {
						rr.Close()
						return rows, fmt.Errorf("floor: read %s: %w", file, err)
					}
					rows++ // a record the pipeline would quarantine is read all the same
				}
				if err := rr.Close(); err != nil {
					return rows, err
				}
			}
		}
	}
	return rows, nil
}
