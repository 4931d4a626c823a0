package load

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
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
