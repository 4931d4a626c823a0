package pipelines_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkPgDumpNightly1GB: the nightly job (land, transform, publish) on an inbox holding
// only a generated 1 GB nbt-cdw dump in the diagnoses feed, run in a child process so that
// peak RSS is the job's own. Override the size in MB with CCARE_PGDUMP_MB.
//
//	go test ./pipelines -run '^$' -bench PgDumpNightly1GB -benchtime 1x
func BenchmarkPgDumpNightly1GB(b *testing.B) {
	mb := 1024
	if v, err := strconv.Atoi(os.Getenv("CCARE_PGDUMP_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-pgdump-%dmb", mb))
	path := filepath.Join(dir, "inbox", "nbt-cdw", "diagnoses", "CDW_nightly_20261101.sql")
	rows, err := benchDump(path, int64(mb)<<20)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		elapsed, peak := runChild(b, "nightly", dir)
		report(b, rows, elapsed, peak)
		if peak >= 500<<20 {
			b.Errorf("peak RSS %.0f MiB, want under 500", float64(peak)/(1<<20))
		}
	}
}

// benchDump writes (once) a dump of about size bytes whose diagnoses COPY block holds rows
// shaped as nbt-cdw sends them, and returns how many rows it holds.
func benchDump(path string, size int64) (int64, error) {
	countFile := path + ".rows"
	if b, err := os.ReadFile(countFile); err == nil {
		return strconv.ParseInt(string(b), 10, 64)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, _ := fmt.Fprint(w, "SET standard_conforming_strings = on;\n\nCOPY cdw.diagnoses (diagnosis_id, mrn, spell_id, icd10_code, diagnosis_description, diagnosis_sequence, diagnosis_date, clinician_comment, recorded_at) FROM stdin;\n")
	written, rows := int64(n), int64(0)
	comments := []string{`\N`, `\N`, `\N`, `Pt declined\tobs`, `Discussed with reg.\nFollow-up`}
	for ; written < size-64; rows++ {
		n, _ := fmt.Fprintf(w, "%d\tRVJ%07d\t%d\tJ189\tPneumonia, unspecified\t%d\t2025-%02d-%02d\t%s\t2025-%02d-%02d 10:%02d:00+00\n",
			40_000_000+rows, rows%10_000_000, 7_000_000+rows/3, 1+rows%4, 1+rows%12, 1+rows%28, comments[rows%5], 1+rows%12, 1+rows%28, rows%60)
		written += int64(n)
	}
	fmt.Fprint(w, "\\.\n")
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return rows, os.WriteFile(countFile, []byte(strconv.FormatInt(rows, 10)), 0o644)
}
