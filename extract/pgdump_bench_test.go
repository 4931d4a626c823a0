package extract

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
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
	if st, err := os.Stat(path); err != nil || st.Size() < int64(mb)<<20 {
		if err := writeBenchDump(path, int64(mb)<<20); err != nil {
			b.Fatal(err)
		}
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

// writeBenchDump writes a dump of about size bytes: a diagnoses COPY block (most of it),
// then a short INSERT section, as nbt-cdw sends.
func writeBenchDump(path string, size int64) error {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	cw := &pgBenchCounter{w: w}
	fmt.Fprint(cw, "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n")
	fmt.Fprint(cw, "CREATE TABLE cdw.diagnoses (\n    diagnosis_id bigint NOT NULL,\n    mrn character varying(10)\n);\n\n")
	fmt.Fprint(cw, "COPY cdw.diagnoses (diagnosis_id, mrn, spell_id, icd10_code, diagnosis_description, diagnosis_sequence, diagnosis_date, clinician_comment, recorded_at) FROM stdin;\n")
	comments := []string{`\N`, `\N`, `\N`, `Pt declined\tobs`, `Discussed with reg.\nFollow-up`, `\\\\nbt-fs01\\lab`}
	for i := int64(0); cw.n < size-4096; i++ {
		fmt.Fprintf(cw, "%d\tRVJ%07d\t%d\tJ189\tPneumonia, unspecified\t%d\t2025-%02d-%02d\t%s\t2025-%02d-%02d 10:%02d:00+00\n",
			40_000_000+i, i%10_000_000, 7_000_000+i/3, 1+i%4, 1+i%12, 1+i%28, comments[i%int64(len(comments))], 1+i%12, 1+i%28, i%60)
	}
	fmt.Fprint(cw, "\\.\n\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(cw, "INSERT INTO legacy.allergy_register (allergy_id, hospital_number) VALUES (%d, 'RVJ%07d');\n", i, i)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

type pgBenchCounter struct {
	w io.Writer
	n int64
}

func (c *pgBenchCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
