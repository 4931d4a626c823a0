package load

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zeebo/xxh3"
)

// A copy's block sums let the next run but one bring it up to date without reading it: the
// warehouse's blocks are hashed and compared with the sums of the copy's, and only the
// blocks that differ are written. Reading a copy that has left the page cache took 6.5 s at
// a million people, more than writing a whole new one.
//
// The sums of a copy live beside it in .<name>.blocks-<inode> (name: the published copy's),
// named by the file and not by its role, so that renaming copies between the published name and the spare's never leaves a
// file's sums under another file's name. The sums record the copy's size and modification
// time as they were when the sums were made: a copy written since (a run stopped half-way
// through bringing it up to date) no longer matches, and is compared byte for byte instead.

// blockSum is the 128-bit XXH3 hash of one compareBlock of a file (the last may be short):
// for two different blocks to hash alike is far less likely than for the disk to misread.
type blockSum = xxh3.Uint128

const blockSumsMagic = "ccare block sums 1\n"

// stamp identifies one state of a file: which file, its size, and when it was last written.
type stamp struct {
	ino, size, mtime int64
}

// sumsPrefix starts the names of the block sums of the copies of the published file base:
// another warehouse's copies published to the same folder keep their own.
func sumsPrefix(base string) string { return "." + base + ".blocks-" }

func sumsPath(dir, base string, ino int64) string {
	return filepath.Join(dir, sumsPrefix(base)+strconv.FormatInt(ino, 10))
}

// readSums returns the block sums recorded for f as it is now, or nil when there are none
// or they describe another state of it.
func readSums(dir, base string, f *os.File) []blockSum {
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	st, ok := fileStamp(fi)
	if !ok {
		return nil
	}
	b, err := os.ReadFile(sumsPath(dir, base, st.ino))
	if err != nil {
		return nil
	}
	return parseSums(b, st)
}

// parseSums reads a block sums file's contents as the sums of the file in state st, or
// returns nil when they are damaged or describe another state.
func parseSums(b []byte, st stamp) []blockSum {
	if !bytes.HasPrefix(b, []byte(blockSumsMagic)) {
		return nil
	}
	b = b[len(blockSumsMagic):]
	if len(b) < 32 {
		return nil
	}
	var rec stamp
	rec.ino = int64(binary.LittleEndian.Uint64(b[0:]))
	rec.size = int64(binary.LittleEndian.Uint64(b[8:]))
	rec.mtime = int64(binary.LittleEndian.Uint64(b[16:]))
	block := int64(binary.LittleEndian.Uint64(b[24:]))
	b = b[32:]
	n := (st.size + compareBlock - 1) / compareBlock
	if rec != st || block != compareBlock || int64(len(b)) != 16*n {
		return nil
	}
	sums := make([]blockSum, n)
	for i := range sums {
		sums[i] = blockSum{Hi: binary.LittleEndian.Uint64(b[16*i:]), Lo: binary.LittleEndian.Uint64(b[16*i+8:])}
	}
	return sums
}

// writeSums records sums as those of the file named path as it is now (written and
// synced), by write and rename. The file is looked up by name, never opened: closing a file
// this process opened would drop every lock the process holds on it, and with them a
// DuckDB reader's in this process, which is how a copy shows it is being read (spareFree).
func writeSums(path, base string, sums []blockSum) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fileStamp(fi)
	if !ok {
		return nil
	}
	dir := filepath.Dir(path)
	b := make([]byte, 0, len(blockSumsMagic)+32+16*len(sums))
	b = append(b, blockSumsMagic...)
	for _, v := range []int64{st.ino, st.size, st.mtime, compareBlock} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, s := range sums {
		b = binary.LittleEndian.AppendUint64(b, s.Hi)
		b = binary.LittleEndian.AppendUint64(b, s.Lo)
	}
	name := sumsPath(dir, base, st.ino)
	tmp := name + ".writing"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, name)
}

// removeStaleSums removes the block sums of base's copies no longer in dir (named in keep
// by path; looked up by name, as in writeSums).
func removeStaleSums(dir, base string, keep ...string) error {
	wanted := map[string]bool{}
	for _, path := range keep {
		fi, err := os.Stat(path)
		if err != nil {
			continue
		}
		if st, ok := fileStamp(fi); ok {
			wanted[filepath.Base(sumsPath(dir, base, st.ino))] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), sumsPrefix(base)) && !wanted[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// hashBlocks returns the block sums of src, read from its start.
func hashBlocks(ctx context.Context, src *os.File) ([]blockSum, error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	buf := make([]byte, copyChunk)
	var sums []blockSum
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := io.ReadFull(src, buf)
		for i := 0; i < n; i += compareBlock {
			sums = append(sums, xxh3.Hash128(buf[i:min(i+compareBlock, n)]))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return sums, nil
		}
		if err != nil {
			return nil, fmt.Errorf("hash blocks: %w", err)
		}
	}
}
