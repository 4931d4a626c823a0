//go:build linux

package load

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// keepSpare: Linux can tell whether any reader has a copy open (spareFree).
const keepSpare = true

// openDirect opens the file name for writing with direct I/O, or returns nil where the
// filesystem refuses it.
func openDirect(name string) *os.File {
	f, err := os.OpenFile(name, os.O_WRONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return nil
	}
	return f
}

// fileStamp is a file's inode, size and modification time (in nanoseconds).
func fileStamp(fi fs.FileInfo) (stamp, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return stamp{}, false
	}
	return stamp{ino: int64(st.Ino), size: st.Size, mtime: st.Mtim.Nano()}, true
}

// spareFree reports whether no DuckDB reader has f open. DuckDB holds a shared lock on a
// file it opened read-only for as long as it has it open. An open file description lock
// for writing conflicts with that lock whichever process holds it, this one included (the
// daemon reads the published copy for its status page), which a classic POSIX lock would
// not. The lock is released when f is closed, after the caller has written it.
func spareFree(f *os.File) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		return false, nil
	}
	return err == nil, err
}

// writeCopy writes src's contents to a new file tmp and syncs it. The copy is written with
// direct I/O, past the page cache. Through the page cache, every page of a copy as large as
// the warehouse must first be reclaimed from other files' cached pages: with the page cache
// full (the inbox's files, the lake), a 2.8 GB copy took 6 to 8 seconds instead of 3, and
// the hourly job's time swung by as much. Direct writes go to the disk at its own pace and
// leave the cache to the files being read. Where the filesystem has no direct I/O (tmpfs),
// the copy goes through the page cache.
func writeCopy(ctx context.Context, src *os.File, tmp string) error {
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_DIRECT, 0o644)
	if errors.Is(err, syscall.EINVAL) {
		return writeBuffered(ctx, src, tmp)
	}
	if err != nil {
		return err
	}
	tail, wrote, err := copyDirect(ctx, dst, src, alignedBuffer(copyChunk))
	if errors.Is(err, syscall.EINVAL) && wrote == 0 {
		// Opened for direct I/O, which its writes then refuse (some network and FUSE
		// filesystems): start again through the page cache.
		dst.Close()
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return writeBuffered(ctx, src, tmp)
	}
	if err == nil && len(tail) > 0 {
		// The last part of a block, which direct I/O cannot write, goes through the cache.
		err = appendFile(tmp, tail)
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyDirect writes src to dst through buf in whole blocks, until src ends or ctx is done.
// It returns the bytes after the last whole block, unwritten, and how many it wrote.
func copyDirect(ctx context.Context, dst *os.File, src io.Reader, buf []byte) (tail []byte, wrote int64, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, wrote, err
		}
		n, err := io.ReadFull(src, buf)
		whole := n &^ (directBlock - 1)
		if whole > 0 {
			if _, werr := dst.Write(buf[:whole]); werr != nil {
				return nil, wrote, werr
			}
			wrote += int64(whole)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return buf[whole:n], wrote, nil
		}
		if err != nil {
			return nil, wrote, err
		}
	}
}

// appendFile writes b at the end of the file name and syncs it.
func appendFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
