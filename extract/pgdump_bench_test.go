package extract

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/synth"
)

// BenchmarkPgDump1GB reads the diagnoses table of a generated 1 GB pg_dump (COPY rows with
// escapes, then INSERT rows of another table) and fails if the process's peak resident
// memory reaches 500 MB: the reader streams, whatever the dump's size.
//
//	go test ./extract -run '^$' -bench PgDump1GB -benchtime 1x
//
// The dump is written once to $TMPDIR/ccare-pgdump-1gb.sql (override the size in MB with
// CCARE_PGDUMP_MB) and kept between runs.
func BenchmarkPgDump1GB(b *testing.B) {
	mb := 1024
	if v, err := strconv.Atoi(os.Getenv("CCARE_PGDUMP_MB")); err == nil && v > 0 {
		mb = v
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-pgdump-%dmb.sql", mb))
	if _, err := synth.WriteVolumeFile(path, int64(mb)<<20, synth.WriteCDWVolume); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		rr, err := openPgDump(Source{Path: path, Options: &PgDumpOptions{Table: "cdw.diagnoses"}})
		if err != nil {
			b.Fatal(err)
		}
		var rows, bad int64
		for {
			rec, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				bad++
				continue
			}
			if len(rec.Fields) != 9 {
				bad++
			}
			rows++
		}
		rr.Close()
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		peak := float64(ru.Maxrss) / 1024 // Linux reports kilobytes
		b.ReportMetric(float64(rows), "rows")
		b.ReportMetric(peak, "peak-MiB")
		b.Logf("%s (%d MB): %d rows (%d bad) in %s, peak RSS %.0f MiB", path, st.Size()>>20, rows, bad,
			time.Since(start).Round(time.Millisecond), peak)
		if peak >= 500 {
			b.Errorf("peak RSS %.0f MiB, want under 500", peak)
		}
		if bad != 0 {
			b.Errorf("%d rows could not be read", bad)
		}
	}
}
