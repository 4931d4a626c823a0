package load

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The published copy must equal the warehouse byte for byte whatever its size: direct I/O
// writes whole blocks only, so sizes around a block and a chunk are the ones that matter.
func TestWriteCopyIsExact(t *testing.T) {
	for _, size := range []int{0, 1, 4095, 4096, 4097, copyChunk - 1, copyChunk, copyChunk + 4096 + 7, 3*copyChunk + 512} {
		for name, write := range map[string]func(context.Context, *os.File, string) error{
			"writeCopy": writeCopy,
			"buffered":  func(ctx context.Context, src *os.File, tmp string) error { return writeBuffered(ctx, src, tmp) },
		} {
			dir := t.TempDir()
			want := make([]byte, size)
			r := rand.New(rand.NewPCG(uint64(size), 7))
			for i := range want {
				want[i] = byte(r.Uint32())
			}
			srcPath := filepath.Join(dir, "warehouse.duckdb")
			if err := os.WriteFile(srcPath, want, 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := os.Open(srcPath)
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(dir, "copy.duckdb")
			// An earlier, longer copy left behind must not survive past the new end.
			if err := os.WriteFile(dst, bytes.Repeat([]byte{1}, size+copyChunk), 0o644); err != nil {
				t.Fatal(err)
			}
			err = write(context.Background(), src, dst)
			src.Close()
			if err != nil {
				t.Fatalf("%s, %d bytes: %v", name, size, err)
			}
			got, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s, %d bytes: the copy has %d bytes and differs from the source", name, size, len(got))
			}
		}
	}
}

func TestWriteCopyStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	srcPath := filepath.Join(dir, "warehouse.duckdb")
	if err := os.WriteFile(srcPath, make([]byte, 2*copyChunk), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(srcPath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := writeCopy(ctx, src, filepath.Join(dir, "copy.duckdb")); err == nil {
		t.Fatal("a cancelled copy reported success")
	}
}

// refresh must leave the spare equal to the warehouse whatever their sizes, and write only
// the blocks that differ.
func TestRefreshWritesOnlyChangedBlocks(t *testing.T) {
	random := func(n int, seed uint64) []byte {
		b := make([]byte, n)
		r := rand.New(rand.NewPCG(seed, 11))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	base := random(3*copyChunk+5000, 1)
	changed := func(offsets ...int) []byte {
		b := bytes.Clone(base)
		for _, o := range offsets {
			b[o] ^= 0xff
		}
		return b
	}
	tests := []struct {
		name        string
		spare, want []byte
		written     int64
		// withSums: written when refresh knows the spare's block sums and not its bytes, where
		// that differs: a block cut short no longer hashes as it did.
		withSums int64
	}{
		{"equal", base, base, 0, 0},
		{"one byte in one block", base, changed(compareBlock + 7), compareBlock, compareBlock},
		{"two blocks either side of a chunk's end", base, changed(copyChunk-1, copyChunk), 2 * compareBlock, 2 * compareBlock},
		{"the last, short block", base, changed(len(base) - 1), int64(len(base) % compareBlock), int64(len(base) % compareBlock)},
		{"warehouse grew", base[:copyChunk+100], base, int64(len(base) - copyChunk), int64(len(base) - copyChunk)},
		{"warehouse shrank", base, base[:compareBlock+1], 0, 1},
		{"no spare contents", nil, base[:2*compareBlock], 2 * compareBlock, 2 * compareBlock},
		{"empty warehouse", base, nil, 0, 0},
	}
	for _, tt := range tests {
		for _, withSums := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, block sums known %v", tt.name, withSums), func(t *testing.T) {
				dir := t.TempDir()
				srcPath, dstPath := filepath.Join(dir, "warehouse.duckdb"), filepath.Join(dir, "spare.duckdb")
				if err := os.WriteFile(srcPath, tt.want, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dstPath, tt.spare, 0o644); err != nil {
					t.Fatal(err)
				}
				src, err := os.Open(srcPath)
				if err != nil {
					t.Fatal(err)
				}
				defer src.Close()
				dst, err := os.OpenFile(dstPath, os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				var known []blockSum
				if withSums {
					if known, err = hashBlocks(context.Background(), dst); err != nil {
						t.Fatal(err)
					}
					if known == nil {
						known = []blockSum{} // an empty spare's sums: none, but known
					}
				}
				sums, written, size, err := refresh(context.Background(), dst, src, known)
				dst.Close()
				if err != nil {
					t.Fatal(err)
				}
				wantSums, err := hashBlocks(context.Background(), src)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(sums, wantSums) {
					t.Errorf("refresh returned %d block sums that are not the warehouse's %d", len(sums), len(wantSums))
				}
				got, err := os.ReadFile(dstPath)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tt.want) {
					t.Fatalf("the spare has %d bytes and differs from the warehouse's %d", len(got), len(tt.want))
				}
				wantWritten := tt.written
				if withSums {
					wantWritten = tt.withSums
				}
				if size != int64(len(tt.want)) || written != wantWritten {
					t.Errorf("refresh reported %d bytes written of %d; want %d of %d", written, size, wantWritten, len(tt.want))
				}
			})
		}
	}
}

// Successive publications: a whole copy while there is no spare, then the spare brought up
// to date in place; never a spare that a reader has open, whose reader goes on reading the
// rows it opened.
func TestPublishCopyUpdatesTheSpareUnlessARecordIsOpen(t *testing.T) {
	if !keepSpare {
		t.Skip("no spare is kept on this system")
	}
	ctx := context.Background()
	dir := t.TempDir()
	warehouse, published := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "published", "w.duckdb")
	db, err := sql.Open("duckdb", warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(300000)"); err != nil {
		t.Fatal(err)
	}
	rows := int64(300000)
	count := func(db *sql.DB) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	publish := func(step string, inPlace, spareRead bool) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, "INSERT INTO t SELECT range AS n, md5(range::VARCHAR) FROM range(1000)"); err != nil {
			t.Fatal(err)
		}
		rows += 1000
		pub, err := PublishCopy(ctx, conn, warehouse, published)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if pub.InPlace != inPlace || pub.SpareRead != spareRead {
			t.Errorf("%s: in place %v, spare read %v; want %v, %v", step, pub.InPlace, pub.SpareRead, inPlace, spareRead)
		}
		want, err := os.ReadFile(warehouse)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(published)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || pub.Size != int64(len(want)) {
			t.Fatalf("%s: the copy (%d bytes, reported %d) differs from the warehouse (%d bytes)", step, len(got), pub.Size, len(want))
		}
		if inPlace && pub.Written >= pub.Size/2 {
			t.Errorf("%s: wrote %d of %d bytes to add a thousand rows", step, pub.Written, pub.Size)
		}
		// Through a name of its own: in one process DuckDB hands a path already open (the
		// held copy below) the database it opened, not the file the name now has.
		look := filepath.Join(dir, step+".duckdb")
		if err := os.Link(published, look); err != nil {
			t.Fatal(err)
		}
		reader, err := OpenReadOnly(ctx, look)
		if err != nil {
			t.Fatal(err)
		}
		defer reader.Close()
		if n := count(reader); n != rows {
			t.Errorf("%s: the copy has %d rows, want %d", step, n, rows)
		}
	}
	publish("first", false, false)              // nothing to keep as a spare yet
	publish("second", false, false)             // the first copy becomes the spare
	publish("third", true, false)               // the first copy, brought up to date
	reader, err := OpenReadOnly(ctx, published) // holds the third copy open
	if err != nil {
		t.Fatal(err)
	}
	held := count(reader)
	publish("fourth", true, false) // the second copy; the held third becomes the spare
	publish("fifth", false, false) // the spare is held: a whole copy
	if n := count(reader); n != held {
		t.Errorf("the reader of the held copy now counts %d rows, having counted %d", n, held)
	}
	reader.Close()
	publish("sixth", true, false) // the fourth copy, no longer held by anyone

	// A spare written since its block sums were recorded (a run stopped half-way through
	// bringing it up to date) must be compared byte for byte: its sums no longer say what
	// it holds. The coarse clock that stamps files must tick first.
	time.Sleep(20 * time.Millisecond)
	spare, err := os.OpenFile(filepath.Join(dir, "published", ".spare-w.duckdb"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spare.WriteAt(bytes.Repeat([]byte{0xee}, 3*compareBlock), 2*compareBlock); err != nil {
		t.Fatal(err)
	}
	spare.Close()
	publish("seventh", true, true)
	matches, err := filepath.Glob(filepath.Join(dir, "published", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range matches {
		names = append(names, filepath.Base(m))
	}
	if len(names) != 4 || !strings.HasPrefix(names[0], ".spare-w.duckdb") || !strings.HasPrefix(names[1], ".w.duckdb.blocks-") ||
		!strings.HasPrefix(names[2], ".w.duckdb.blocks-") || names[3] != "w.duckdb" {
		t.Errorf("the published folder holds %v; want the copy, its spare and their block sums", names)
	}
}
