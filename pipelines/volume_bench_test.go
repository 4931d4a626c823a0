package pipelines_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bnssg-connecting-care/ccare/synth"
)

// The 1 GB benchmarks run the whole nightly job (land, transform, publish, report) on an
// inbox holding one large generated file, in a child process so that peak RSS is the job's
// own, and fail if peak memory reaches 500 MB. Override the size in MB with CCARE_VOLUME_MB.
//
//	go test ./pipelines -run '^$' -bench 'Nightly1GB' -benchtime 1x -timeout 60m

// volumeMemoryLimit is duckdb.memory_limit as a deployment with 500 MB to spare would set
// it. DuckDB's resident memory runs well above its limit (allocations outside the buffer
// pool and allocator slack: about 250 MB more while landing ten million rows), so the limit
// is about a quarter of the budget. CCARE_BENCH_MEMORY_LIMIT overrides it.
//
// duckdb.threads is the other lever: each thread keeps its own hash tables. The HL7 batch
// carries 900,000 patients through identity resolution and the golden record, and at 128MB
// needs one thread (two threads need 192MB, and then peak near 480 MiB); the pg_dump carries
// no patients and runs with one thread per core. CCARE_BENCH_THREADS overrides both.
const volumeMemoryLimit = "128MB"

// BenchmarkPgDumpNightly1GB: a 1 GB nbt-cdw dump in the diagnoses feed.
func BenchmarkPgDumpNightly1GB(b *testing.B) {
	benchVolume(b, "pgdump", "0", filepath.Join("nbt-cdw", "diagnoses", "CDW_nightly_20261101.sql"), synth.WriteCDWVolume)
}

// BenchmarkHL7Nightly1GB: a 1 GB nbt-pas ADT batch file in the adt feed.
func BenchmarkHL7Nightly1GB(b *testing.B) {
	benchVolume(b, "hl7", "1", filepath.Join("nbt-pas", "adt", "ADT_20261101.hl7"), synth.WriteADTVolume)
}

func benchVolume(b *testing.B, name, threads, file string, write func(io.Writer, int64) (int64, error)) {
	mb := 1024
	if v, err := strconv.Atoi(os.Getenv("CCARE_VOLUME_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-%s-%dmb", name, mb))
	rows, err := synth.WriteVolumeFile(filepath.Join(dir, "inbox", file), int64(mb)<<20, write)
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("CCARE_BENCH_MEMORY_LIMIT") == "" {
		b.Setenv("CCARE_BENCH_MEMORY_LIMIT", volumeMemoryLimit)
	}
	if os.Getenv("CCARE_BENCH_THREADS") == "" {
		b.Setenv("CCARE_BENCH_THREADS", threads)
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
