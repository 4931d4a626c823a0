package load

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// PublishCopy checkpoints the warehouse and copies its file to path, for analysts and the
// read-only commands. DuckDB lets one process write a database file or several read it,
// never both: a query against the pipeline's own file would fail during a run, or stop the
// next run from starting. Against the copy, a long query never blocks a run and a run
// never breaks a query.
//
// The copy is written beside path and renamed over it, so a reader that opened the old
// copy reads it to the end (its open file keeps the old inode) and a new reader gets the
// new copy whole. conn must not be in a transaction, and nothing may write the warehouse
// meanwhile (the caller holds the writer's lock). On Linux io.Copy between files uses
// copy_file_range, which shares blocks instead of copying them where the filesystem can.
func PublishCopy(ctx context.Context, conn *sql.Conn, warehouse, path string) error {
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("publish: checkpoint: %w", err)
	}
	if st, err := os.Stat(warehouse + ".wal"); err == nil && st.Size() > 0 {
		return fmt.Errorf("publish: %s.wal still holds %d bytes after a checkpoint", warehouse, st.Size())
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	src, err := os.Open(warehouse)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	defer src.Close()
	tmp := filepath.Join(filepath.Dir(path), ".writing-"+filepath.Base(path))
	dst, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: copy %s to %s: %w", warehouse, tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}
