package load

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A block sums file is read back as the sums of its copy only when it is whole and its
// stamp is the copy's; anything else, however damaged, reads as no sums (the spare is then
// compared byte for byte), never as wrong ones and never as a panic.
func FuzzParseSums(f *testing.F) {
	dir := f.TempDir()
	copyPath := filepath.Join(dir, ".spare-w.duckdb")
	if err := os.WriteFile(copyPath, make([]byte, 3*compareBlock+100), 0o644); err != nil {
		f.Fatal(err)
	}
	cp, err := os.Open(copyPath)
	if err != nil {
		f.Fatal(err)
	}
	defer cp.Close()
	want, err := hashBlocks(context.Background(), cp)
	if err != nil {
		f.Fatal(err)
	}
	if err := writeSums(copyPath, "w.duckdb", want); err != nil {
		f.Fatal(err)
	}
	fi, err := cp.Stat()
	if err != nil {
		f.Fatal(err)
	}
	st, ok := fileStamp(fi)
	if !ok {
		f.Skip("no file stamps on this system")
	}
	valid, err := os.ReadFile(sumsPath(dir, "w.duckdb", st.ino))
	if err != nil {
		f.Fatal(err)
	}
	if got := readSums(dir, "w.duckdb", cp); !slices.Equal(got, want) {
		f.Fatalf("the sums just written read back as %d sums, want %d", len(got), len(want))
	}
	f.Add(valid)
	f.Add(valid[:len(valid)-1])
	f.Add(valid[:len(blockSumsMagic)+32])
	f.Add([]byte(blockSumsMagic))
	f.Add([]byte{})
	header := len(blockSumsMagic) + 32
	f.Fuzz(func(t *testing.T, data []byte) {
		got := parseSums(data, st)
		if got == nil {
			return
		}
		// Accepted: it must be laid out as the file written, bar the hashes themselves (no
		// reader can check those without reading the copy: the stamp vouches for them).
		if len(data) != len(valid) || string(data[:header]) != string(valid[:header]) || len(got) != len(want) {
			t.Fatalf("a sums file of %d bytes unlike the one written was accepted, as %d sums", len(data), len(got))
		}
	})
}
