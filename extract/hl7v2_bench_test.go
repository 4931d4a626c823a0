package extract_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/extract"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// BenchmarkHL7v2 lands a generated HL7 v2 batch file (1 GiB unless CCARE_BENCH_HL7_MB says
// otherwise) into a DuckDB warehouse through the same reader and lander the nightly job
// uses, and reports the peak resident memory of the landing (the process's high-water mark
// is reset after the file is generated). Run it with
//
//	go test ./extract -run '^$' -bench BenchmarkHL7v2 -benchtime 1x
//
// DuckDB gets the memory_limit a deployment on a small machine would set (256MB).
func BenchmarkHL7v2(b *testing.B) {
	mb := 1024
	if n, err := strconv.Atoi(os.Getenv("CCARE_BENCH_HL7_MB")); err == nil && n > 0 {
		mb = n
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-hl7-%dMB.hl7", mb))
	messages := benchHL7File(b, path, int64(mb)<<20)
	f, ok := extract.Lookup("hl7v2")
	if !ok {
		b.Fatal("no hl7v2 format")
	}
	columns := []extract.Column{
		{Name: "event", Header: "MSH-9.2"}, {Name: "control_id", Header: "MSH-10"}, {Name: "message_time", Header: "MSH-7"}, {Name: "mrn", Header: "PID-3[PI].1"},
		{Name: "nhs_number", Header: "PID-3[NH].1"}, {Name: "family_name", Header: "PID-5.1"}, {Name: "given_name", Header: "PID-5.2"}, {Name: "birth_date", Header: "PID-7"},
		{Name: "sex", Header: "PID-8"}, {Name: "postcode", Header: "PID-11.5"}, {Name: "practice_code", Header: "PD1-3.3"}, {Name: "patient_class", Header: "PV1-2"},
		{Name: "location", Header: "PV1-3.1"}, {Name: "prior_location", Header: "PV1-6.1"}, {Name: "visit_number", Header: "PV1-19"}, {Name: "admit_time", Header: "PV1-44"},
		{Name: "discharge_time", Header: "PV1-45"}, {Name: "merged_mrn", Header: "MRG-1[PI].1"},
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		ctx := context.Background()
		db, err := load.Open(ctx, filepath.Join(dir, "bench.duckdb"), load.Settings{MemoryLimit: benchMemoryLimit()})
		if err != nil {
			b.Fatal(err)
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t := extract.Target{Provider: "nbt-pas", Feed: "adt", Entity: "person", Format: f,
			Options: f.NewOptions(), Columns: columns}
		if err := extract.EnsureRawTable(ctx, conn, t); err != nil {
			b.Fatal(err)
		}
		file := extract.File{Path: path, Name: filepath.Base(path), SHA256: benchSHA(b, path), ReceivedAt: time.Now()}
		resetPeakRSS(b)
		b.StartTimer()
		start := time.Now()
		res, err := extract.Land(ctx, conn, t, file, 1, 1, nil)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.RowsRead != messages {
			b.Fatalf("landed %d messages of %d (%s)", res.RowsRead, messages, res.Message)
		}
		peak := peakRSS(b)
		b.ReportMetric(float64(messages)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.Logf("%d messages (%d MiB) landed in %s: %.0f msgs/s, peak RSS %.0f MiB",
			messages, mb, elapsed.Round(time.Millisecond), float64(messages)/elapsed.Seconds(), float64(peak)/(1<<20))
		conn.Close()
		db.Close()
		b.StartTimer()
	}
}

// benchHL7File writes (once, kept between runs) a batch file of about size bytes of ADT
// messages shaped like nbt-pas's, and returns how many messages it holds.
func benchHL7File(b *testing.B, path string, size int64) int64 {
	b.Helper()
	n, err := synth.WriteVolumeFile(path, size, synth.WriteADTVolume)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

func benchSHA(b *testing.B, path string) string {
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		b.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// resetPeakRSS resets the process's resident-set high-water mark (Linux: writing 5 to
// /proc/self/clear_refs), so that the peak measured is the landing's, not the generator's.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS (%v): the figure includes generating the file", err)
	}
}

// peakRSS reads VmHWM from /proc/self/status.
func peakRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// BenchmarkHL7v2Read reads the same file through the HL7 reader alone, without DuckDB:
// the parser's own speed and memory.
func BenchmarkHL7v2Read(b *testing.B) {
	mb := 1024
	if n, err := strconv.Atoi(os.Getenv("CCARE_BENCH_HL7_MB")); err == nil && n > 0 {
		mb = n
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-hl7-%dMB.hl7", mb))
	messages := benchHL7File(b, path, int64(mb)<<20)
	f, _ := extract.Lookup("hl7v2")
	wanted := []string{"MSH-9.2", "MSH-10", "MSH-7", "PID-3[PI].1", "PID-3[NH].1", "PID-5.1", "PID-5.2", "PID-7",
		"PID-8", "PID-11.5", "PD1-3.3", "PV1-2", "PV1-3.1", "PV1-6.1", "PV1-19", "PV1-44", "PV1-45", "MRG-1[PI].1"}
	b.ResetTimer()
	for range b.N {
		resetPeakRSS(b)
		start := time.Now()
		rr, err := f.Open(extract.Source{Path: path, Options: f.NewOptions(), Wanted: wanted})
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for {
			_, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		rr.Close()
		elapsed := time.Since(start)
		if n != messages {
			b.Fatalf("read %d messages of %d", n, messages)
		}
		peak := peakRSS(b)
		b.ReportMetric(float64(int64(mb)<<20)/elapsed.Seconds()/(1<<20), "MiB/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.Logf("%d messages (%d MiB) read in %s, peak RSS %.0f MiB", n, mb, elapsed.Round(time.Millisecond), float64(peak)/(1<<20))
	}
}

// benchMemoryLimit is DuckDB's memory_limit for the landing benchmarks: what a deployment
// on a small machine would set (CCARE_BENCH_MEMORY_LIMIT overrides it).
func benchMemoryLimit() string {
	if v := os.Getenv("CCARE_BENCH_MEMORY_LIMIT"); v != "" {
		return v
	}
	return "256MB"
}
