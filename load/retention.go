package load

import (
	"context"
	"database/sql"
	"fmt"

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
