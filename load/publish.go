package load

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// Publication is how PublishCopy wrote the copy.
type Publication struct {
	InPlace bool // the spare copy was brought up to date: only its changed blocks written
	// SpareRead: the spare was read to find its changed blocks, its block sums being
	// missing or out of date (a spare kept by an older ccare, or written since).
	SpareRead bool
	Size      int64 // bytes in the copy
	Written   int64 // bytes written to make it
}

// PublishCopy checkpoints the warehouse and copies its file to path, for analysts and the
// read-only commands. DuckDB lets one process write a database file or several read it,
// never both: a query against the pipeline's own file would fail during a run, or stop the
// next run from starting. Against the copy, a long query never blocks a run and a run
// never breaks a query.
//
// The copy is made under another name and renamed over path, so a reader that opened the
// old copy reads it to the end (its open file keeps the old inode) and a new reader gets
// the new copy whole. The copy that path held goes on under a hidden name beside it, as the
// spare (on Linux; see spareFree): the next run brings the spare up to date by writing only
// the blocks that differ from the warehouse, and renames it over path in turn. An hourly run
// changes tens of megabytes of a file of gigabytes, and a whole copy took 4 to 5 seconds of
// its 25 at a million people. A spare that any DuckDB reader still has open is never
// written: it is let go (the reader keeps its file) and a whole copy made instead.
//
// conn must not be in a transaction, and nothing may write the warehouse meanwhile (the
// caller holds the writer's lock).
func PublishCopy(ctx context.Context, conn *sql.Conn, warehouse, path string) (Publication, error) {
	var pub Publication
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return pub, fmt.Errorf("publish: checkpoint: %w", err)
	}
	if st, err := os.Stat(warehouse + ".wal"); err == nil && st.Size() > 0 {
		return pub, fmt.Errorf("publish: %s.wal still holds %d bytes after a checkpoint", warehouse, st.Size())
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pub, fmt.Errorf("publish: %w", err)
	}
	src, err := os.Open(warehouse)
	if err != nil {
		return pub, fmt.Errorf("publish: %w", err)
	}
	defer src.Close()
	spare := filepath.Join(dir, ".spare-"+base)
	next := filepath.Join(dir, ".spare-next-"+base)
	// Left by a run that stopped between the steps of the swap below, or by an older ccare
	// that wrote its copies under this name: names only, no reader can have opened them.
	os.Remove(next)
	os.Remove(filepath.Join(dir, ".writing-"+base))

	pub, err = refreshSpare(ctx, src, spare, base)
	if err != nil {
		return pub, fmt.Errorf("publish: bring %s up to date from %s: %w", spare, warehouse, err)
	}
	if !pub.InPlace {
		// No spare, or one a reader has open: the reader keeps its file when the name goes.
		if err := os.Remove(spare); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return pub, fmt.Errorf("publish: %w", err)
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return pub, fmt.Errorf("publish: %w", err)
		}
		if err := writeCopy(ctx, src, spare); err != nil {
			os.Remove(spare)
			return pub, fmt.Errorf("publish: copy %s to %s: %w", warehouse, spare, err)
		}
		st, err := os.Stat(spare)
		if err != nil {
			return pub, fmt.Errorf("publish: %w", err)
		}
		pub.Size, pub.Written = st.Size(), st.Size()
		if keepSpare {
			// Read again from the page cache, which the copy, written past it, left alone.
			sums, err := hashBlocks(ctx, src)
			if err != nil {
				return pub, fmt.Errorf("publish: %s: %w", warehouse, err)
			}
			if err := writeSums(spare, base, sums); err != nil {
				return pub, fmt.Errorf("publish: record block sums of %s: %w", spare, err)
			}
		}
	}

	// The swap: path's current copy gets a second name, the fresh one takes path, and the
	// second name becomes the spare. path names a whole copy at every moment.
	keep := false
	if keepSpare {
		keep = os.Link(path, next) == nil // none yet, or a filesystem without links: no spare
	}
	if err := os.Rename(spare, path); err != nil {
		os.Remove(next)
		return pub, fmt.Errorf("publish: %w", err)
	}
	if keep {
		if err := os.Rename(next, spare); err != nil {
			os.Remove(next)
			return pub, fmt.Errorf("publish: keep the spare: %w", err)
		}
	}
	if err := removeStaleSums(dir, base, path, spare); err != nil {
		return pub, fmt.Errorf("publish: %w", err)
	}
	return pub, nil
}

// refreshSpare brings the spare copy up to date with src and records its new block sums, if
// there is a spare that no reader has open; otherwise it reports InPlace false and leaves
// the spare alone. base names the published copy, whose spare it is.
func refreshSpare(ctx context.Context, src *os.File, spare, base string) (Publication, error) {
	var pub Publication
	if !keepSpare {
		return pub, nil
	}
	dst, err := os.OpenFile(spare, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return pub, nil
	}
	if err != nil {
		return pub, err
	}
	defer dst.Close()
	free, err := spareFree(dst)
	if err != nil || !free {
		return pub, nil // in use, or the filesystem cannot say: a whole copy is always safe
	}
	known := readSums(filepath.Dir(spare), base, dst)
	sums, written, size, err := refresh(ctx, dst, src, known)
	if err != nil {
		return pub, err
	}
	if err := writeSums(spare, base, sums); err != nil {
		return pub, fmt.Errorf("record block sums: %w", err)
	}
	return Publication{InPlace: true, SpareRead: known == nil, Size: size, Written: written}, nil
}

// compareBlock is the unit refresh compares and rewrites: small enough that a changed page
// of DuckDB's metadata costs little more than itself, large enough for few writes.
const compareBlock = 64 << 10

// refresh makes dst's contents equal src's (read from its start): it writes only the
// blocks that differ, ends dst where src ends, and syncs it. With known, the block sums of
// dst as it is, it reads src alone; without, it compares dst's bytes. It returns src's
// block sums, the bytes written and src's size.
func refresh(ctx context.Context, dst, src *os.File, known []blockSum) (sums []blockSum, written, size int64, err error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, 0, 0, err
	}
	want, have := alignedBuffer(copyChunk), make([]byte, copyChunk)
	// Whole blocks are written past the page cache, as a whole copy is (writeCopy): a
	// nightly run changes most of the file, and gigabytes written through a full cache
	// made a copy twice as slow. Where direct I/O is refused, through the cache.
	direct := openDirect(dst.Name())
	defer func() {
		if direct != nil {
			direct.Close()
		}
	}()
	write := func(b []byte, off int64) error {
		if whole := len(b) &^ (directBlock - 1); direct != nil && whole > 0 {
			_, err := direct.WriteAt(b[:whole], off)
			switch {
			case err == nil:
				b, off = b[whole:], off+int64(whole)
			case errors.Is(err, syscall.EINVAL):
				direct.Close()
				direct = nil
			default:
				return err
			}
		}
		if len(b) == 0 {
			return nil
		}
		_, err := dst.WriteAt(b, off)
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, written, size, err
		}
		n, rerr := io.ReadFull(src, want)
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return nil, written, size, rerr
		}
		m := 0
		if known == nil {
			var derr error
			m, derr = dst.ReadAt(have[:n], size)
			if derr != nil && derr != io.EOF {
				return nil, written, size, derr
			}
		}
		// Runs of changed blocks are written at once: a direct write waits for the disk.
		run := -1
		flush := func(end int) error {
			if run < 0 {
				return nil
			}
			err := write(want[run:end], size+int64(run))
			written += int64(end - run)
			run = -1
			return err
		}
		for i := 0; i < n; i += compareBlock {
			j := min(i+compareBlock, n)
			sum := xxh3.Hash128(want[i:j])
			sums = append(sums, sum)
			k := len(sums) - 1
			same := (known != nil && k < len(known) && known[k] == sum) ||
				(known == nil && j <= m && bytes.Equal(want[i:j], have[i:j]))
			if same {
				if err := flush(i); err != nil {
					return nil, written, size, err
				}
			} else if run < 0 {
				run = i
			}
		}
		if err := flush(n); err != nil {
			return nil, written, size, err
		}
		size += int64(n)
		if rerr != nil {
			break
		}
	}
	if err := dst.Truncate(size); err != nil {
		return nil, written, size, err
	}
	return sums, written, size, dst.Sync()
}

// directBlock: direct I/O writes whole blocks from aligned memory at aligned offsets; 4096
// is a multiple of every logical block size in use.
const directBlock = 4096

// alignedBuffer is a buffer of n bytes whose start is aligned as direct I/O needs.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directBlock)
	off := int(uintptr(unsafe.Pointer(&b[0])) & (directBlock - 1))
	if off != 0 {
		off = directBlock - off
	}
	return b[off : off+n : off+n]
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
