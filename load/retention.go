package load

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Extract is one still-read file of a whole feed (delivery: whole), as the ledger has it.
type Extract struct {
	FileID   int64
	Name     string
	RowsRead int64
}

// CurrentExtracts are a whole feed's files not yet superseded, in the order they landed.
func CurrentExtracts(ctx context.Context, conn *sql.Conn, provider, feed string) ([]Extract, error) {
	rows, err := sqlfiles.Query(ctx, conn, "ops/whole_extracts.sql", provider, feed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var files []Extract
	for rows.Next() {
		var e Extract
		if err := rows.Scan(&e.FileID, &e.Name, &e.RowsRead); err != nil {
			return nil, fmt.Errorf("ops/whole_extracts.sql: %w", err)
		}
		files = append(files, e)
	}
	return files, rows.Err()
}

// Supersede picks a whole feed's current extract among its still-read files (in landing
// order): the latest file, unless it is suspiciously small. A file with fewer rows than
// guard × the rows of the extract it would supersede (an empty or truncated export)
// supersedes nothing and is held: read beside that extract, so that a bad night's file
// cannot empty the shared record of everything the provider sent before. A later file of
// normal size supersedes both. current indexes files; held are the files after it kept back
// by the guard. With no files, current is -1.
func Supersede(files []Extract, guard float64) (current int, held []Extract) {
	current = -1
	for i, f := range files {
		if current >= 0 && float64(f.RowsRead) < guard*float64(files[current].RowsRead) {
			held = append(held, f)
			continue
		}
		current, held = i, nil
	}
	return current, held
}

// MarkSuperseded records in the ledger that a whole feed's files landed before its current
// extract (file id by) are superseded by it, with their final counts
// (sql/ops/supersede_files.sql). Call it in the transaction that rebuilds core without them.
func MarkSuperseded(ctx context.Context, conn *sql.Conn, provider, feed string, by int64) error {
	return sqlfiles.Exec(ctx, conn, "ops/supersede_files.sql", provider, feed, by)
}

// Archived is one superseded file whose rows moved from raw.* to the archive.
type Archived struct {
	Provider, Feed, File string
	Rows                 int64
	Path                 string
}

// ArchiveSuperseded moves the rows of every superseded whole extract still in raw.* to a
// Parquet file under dir (raw/<provider>/<feed>/<file>.<sha256 prefix>.parquet), so that raw
// (and with it the warehouse's file and its published copy) holds one extract per whole feed
// rather than one per night. Nothing is lost: the Parquet file is written beside its final
// name, its rows are counted against raw's, it is synced and renamed into place, and only
// then, in one transaction with the ledger's archived_to, do the rows leave raw. A crash at
// any point leaves the rows in raw, or in raw and an archive file the next run writes again.
// rawTable names a feed's raw table.
func ArchiveSuperseded(ctx context.Context, conn *sql.Conn, dir string, rawTable func(provider, feed string) (string, bool)) ([]Archived, error) {
	rows, err := sqlfiles.Query(ctx, conn, "ops/archive_pending.sql")
	if err != nil {
		return nil, err
	}
	type pending struct {
		id                        int64
		provider, feed, name, sha string
	}
	var todo []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.provider, &p.feed, &p.name, &p.sha); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ops/archive_pending.sql: %w", err)
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var done []Archived
	for _, p := range todo {
		table, ok := rawTable(p.provider, p.feed)
		if !ok {
			continue // a feed no longer configured: its rows stay where they are
		}
		path := filepath.Join(dir, "raw", p.provider, p.feed, fmt.Sprintf("%s.%s.parquet", p.name, p.sha[:12]))
		n, err := archiveFile(ctx, conn, table, p.id, path)
		if err != nil {
			return done, fmt.Errorf("archive %s/%s %s: %w", p.provider, p.feed, p.name, err)
		}
		done = append(done, Archived{Provider: p.provider, Feed: p.feed, File: p.name, Rows: n, Path: path})
	}
	return done, nil
}

// archiveFile writes file id's rows of raw.<table> to path, then removes them from raw.
func archiveFile(ctx context.Context, conn *sql.Conn, table string, id int64, path string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	tmp := path + ".tmp"
	data := map[string]any{"Table": table, "FileID": id, "Path": tmp}
	if err := execTemplate(ctx, conn, "templates/raw_archive_write.sql", data); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	count, err := sqlfiles.Render("templates/raw_archive_count.sql", data)
	if err != nil {
		return 0, err
	}
	var inRaw, written int64
	if err := conn.QueryRowContext(ctx, count).Scan(&inRaw, &written); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("templates/raw_archive_count.sql: %w", err)
	}
	if inRaw != written {
		os.Remove(tmp)
		return 0, fmt.Errorf("wrote %d rows of the %d in raw.%s; the rows stay in raw", written, inRaw, table)
	}
	if err := syncFile(tmp); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, err
	}
	if err := syncFile(filepath.Dir(path)); err != nil {
		return 0, err
	}
	remove, err := sqlfiles.Render("templates/raw_archive_remove.sql", data)
	if err != nil {
		return 0, err
	}
	err = sqlfiles.InTransaction(ctx, conn, func() error {
		if _, err := conn.ExecContext(ctx, remove); err != nil {
			return fmt.Errorf("templates/raw_archive_remove.sql: %w", err)
		}
		return sqlfiles.Exec(ctx, conn, "ops/archive_done.sql", id, path)
	})
	return inRaw, err
}

// syncFile flushes a file (or a folder's entries) to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
