// Package load opens the warehouse with its schema in place, and publishes what the
// transform built: the Parquet lake, swapped in atomically.
package load

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/dustin/go-humanize"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Settings tune DuckDB for the machine.
type Settings struct {
	Threads     int    // 0: one per core
	MemoryLimit string // "": DuckDB's default
	// BlockAllocatorMemory is how much of its buffer memory DuckDB keeps once it has used it
	// ("" = two thirds of the memory limit in effect, "0" = none; see keepBufferMemory).
	BlockAllocatorMemory string
}

// Open opens (creating if need be) the warehouse file and applies sql/schema/*.sql in
// order; every statement there is idempotent, so opening an existing warehouse upgrades it.
// The session time zone is fixed to Europe/London so that dates compare with times the
// way the community's systems mean them, whatever the machine's zone.
//
// Insertion order is not preserved. Nothing in the warehouse depends on row order (every
// report and test sorts or aggregates), and DuckDB 1.5.6's order-preserving parallel insert
// loses rows: inside one transaction, an INSERT … SELECT from an empty table followed by an
// INSERT … SELECT of more than one row group (≈122,880 rows) into the same table leaves
// the second insert invisible while reporting its rows as affected. The transform does
// exactly that whenever one feed sends nothing and another sends a large file.
// TestLargeInsertAfterEmptyInsertKeepsRows guards this.
func Open(ctx context.Context, path string, s Settings) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("warehouse folder: %w", err)
	}
	threads := s.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	connector, err := duckdb.NewConnector(path, func(execer driver.ExecerContext) error {
		stmts := []string{
			fmt.Sprintf("SET threads = %d", threads),
			"SET TimeZone = 'Europe/London'",
			"SET preserve_insertion_order = false",
		}
		if s.MemoryLimit != "" {
			stmts = append(stmts, "SET memory_limit = "+sqlfiles.Literal(s.MemoryLimit))
		}
		for _, q := range stmts {
			if _, err := execer.ExecContext(ctx, q, nil); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	if err := keepBufferMemory(ctx, db, s.BlockAllocatorMemory, s.MemoryLimit); err != nil {
		db.Close()
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	if err := ApplySchema(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("warehouse %s: %w", path, err)
	}
	return db, nil
}

// keepFromLimit is the smallest memory limit at which, by default, buffer memory is kept.
// A small limit is set where resident memory is what is scarce, and kept memory adds to it:
// the nightly job on the 1 GB HL7 batch at 128MB peaked at 501 MiB with two thirds kept
// against 478 MiB without (README, "Buffer memory kept").
const keepFromLimit = 2_000_000_000

// keepBufferMemory sets DuckDB's block_allocator_memory: buffer memory up to this size,
// once used, is kept for reuse instead of being returned to the system. Without it every
// block a query releases goes back to the system and the next one is faulted in afresh, page
// by page; at a million people that was 7 million page faults and 100 s of system time in
// one nightly run, and keeping two thirds of a 3GB limit halved both and took about 14% off
// the run (README, "Buffer memory kept"). What is kept stays below the memory limit, and is
// given back when the warehouse closes. Size "" takes two thirds of the limit in effect
// (DuckDB's own default, 80% of RAM, when memory_limit is not set), or nothing under
// keepFromLimit; "0" keeps nothing.
func keepBufferMemory(ctx context.Context, db *sql.DB, size, limit string) error {
	if size == "0" {
		return nil
	}
	if size == "" {
		// The configured limit, exactly; DuckDB writes its own to one decimal place, so it is
		// asked only when none is configured (or one it reads and humanize does not).
		n, err := humanize.ParseBytes(limit)
		if err != nil {
			var inEffect string
			if err := sqlfiles.QueryRow(ctx, db, "ops/memory_limit.sql", nil, &inEffect); err != nil {
				return fmt.Errorf("read memory_limit: %w", err)
			}
			if n, err = humanize.ParseBytes(inEffect); err != nil {
				return fmt.Errorf("memory_limit %q: %w", inEffect, err)
			}
		}
		if n < keepFromLimit {
			return nil
		}
		size = fmt.Sprintf("%dMB", n*2/3/1_000_000)
	}
	q, err := sqlfiles.Render("templates/block_allocator_memory.sql", map[string]any{"Size": size})
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("set block_allocator_memory %q: %w", size, err)
	}
	return nil
}

// ApplySchema runs sql/schema/*.sql in name order, unless the warehouse records that these
// very files were applied last (they are idempotent, but cost a hourly run a tenth of its
// time). The record is written after they all ran.
func ApplySchema(ctx context.Context, db *sql.DB) error {
	names, err := sqlfiles.Dir("schema")
	if err != nil {
		return err
	}
	h := sha256.New()
	for _, name := range names {
		text, err := sqlfiles.File(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%s\x00", name, text)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var applied string
	if err := sqlfiles.QueryRow(ctx, db, "ops/schema_applied.sql", nil, &applied); err == nil && applied == sum {
		return nil // a missing record, or none at all in a new warehouse: apply
	}
	if err := sqlfiles.ExecDir(ctx, db, "schema", nil); err != nil {
		return err
	}
	return sqlfiles.Exec(ctx, db, "ops/schema_applied_set.sql", sum)
}

// OpenReadOnly opens an existing warehouse for queries only, so an analyst's session can
// never change it (and several can read at once while no job is writing).
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("warehouse: %w (run `ccare demo` or `ccare run nightly` first)", err)
	}
	connector, err := duckdb.NewConnector(path+"?access_mode=read_only", func(execer driver.ExecerContext) error {
		_, err := execer.ExecContext(ctx, "SET TimeZone = 'Europe/London'", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	return sql.OpenDB(connector), nil
}
