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
// meanwhile (the caller holds the writer's lock).
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
	if err := writeCopy(ctx, src, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: copy %s to %s: %w", warehouse, tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// copyChunk is how much of the warehouse writeCopy reads and writes at a time: a multiple
// of every block size direct I/O may require.
const copyChunk = 8 << 20

// writeBuffered writes src's contents to a new file tmp through the page cache and syncs it.
func writeBuffered(ctx context.Context, src io.Reader, tmp string) error {
	dst, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = copyChunks(ctx, dst, src, make([]byte, copyChunk))
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyChunks copies src to dst through buf, a chunk at a time, until src ends or ctx is done.
func copyChunks(ctx context.Context, dst io.Writer, src io.Reader, buf []byte) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(src, buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
