package pipelines_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/synth"
)

// BenchmarkHourly: the default demo community (20,000 people; CCARE_BENCH_PEOPLE for
// another size) loaded by the nightly job from an empty warehouse, then the hourly job on
// 1% new data, three times over: the next day's ED attendances and live ADT messages, cut
// into hourly files of 1% of the records the nightly loaded. Reports the nightly's seconds,
// the median hourly run's, peak memory, and hourly/nightly (the target is at most 0.10).
// Each hourly run must merge its batch (a rebuild fails the benchmark).
func BenchmarkHourly(b *testing.B) {
	people := 20000
	if n, err := strconv.Atoi(os.Getenv("CCARE_BENCH_PEOPLE")); err == nil && n > 0 {
		people = n
	}
	base := filepath.Join(os.TempDir(), fmt.Sprintf("ccare-bench-hourly-%d", people))
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var records int64
	for i, day := range []string{"day1", "day2"} {
		dir := filepath.Join(base, day)
		if _, err := os.Stat(filepath.Join(dir, "truth", "files.csv")); err == nil {
			continue
		}
		sum, err := synth.Generate(context.Background(), synth.Options{Dir: dir, Patients: people, Seed: 1, Day: day1.AddDate(0, 0, i)})
		if err != nil {
			b.Fatal(err)
		}
		_ = sum
	}
	for _, r := range readCSV(b, filepath.Join(base, "day1", "truth", "files.csv")) {
		n, _ := strconv.ParseInt(r["records"], 10, 64)
		records += n
	}
	want := records / 100
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		work := filepath.Join(base, "work")
		if err := os.RemoveAll(work); err != nil {
			b.Fatal(err)
		}
		copyTree(b, filepath.Join(base, "day1", "inbox"), filepath.Join(work, "inbox"))
		b.StartTimer()
		nightly, nightlyPeak := runJob(b, work, "nightly")
		b.StopTimer()
		// Three hours, each 1%: about four fifths from the ED file, the rest live ADT messages.
		var hours []time.Duration
		var hourlyPeak, got int64
		for h := range int64(3) {
			ed := want * 4 / 5
			got = cutCSV(b, filepath.Join(base, "day2", "inbox", "uhbw-ed", "attendances", "ED_Attendances_20261102.csv"),
				filepath.Join(work, "inbox", "uhbw-ed", "attendances", fmt.Sprintf("ED_Attendances_20261102T%02d00.csv", 9+h)), h*ed, ed)
			got += cutMLLP(b, filepath.Join(base, "day2", "inbox", "nbt-pas", "adt_live", "NBT_ADT_Live_20261102.mllp"),
				filepath.Join(work, "inbox", "nbt-pas", "adt_live", fmt.Sprintf("NBT_ADT_Live_20261102T%02d00.mllp", 9+h)), h*(want-ed), want-ed)
			b.StartTimer()
			d, peak := runJob(b, work, "hourly")
			b.StopTimer()
			hours = append(hours, d)
			hourlyPeak = max(hourlyPeak, peak)
		}
		slices.Sort(hours)
		hourly := hours[len(hours)/2]
		b.ReportMetric(nightly.Seconds(), "nightly-s")
		b.ReportMetric(hourly.Seconds(), "hourly-s")
		b.ReportMetric(hourly.Seconds()/nightly.Seconds(), "hourly/nightly")
		b.ReportMetric(float64(max(nightlyPeak, hourlyPeak))/(1<<20), "peak-MiB")
		b.Logf("nightly: %d records in %s (peak %.0f MiB); hourly, three runs of %d new records (%.2f%%) each: %v, median %s (peak %.0f MiB); hourly/nightly %.3f",
			records, nightly.Round(time.Millisecond), float64(nightlyPeak)/(1<<20), got, 100*float64(got)/float64(records),
			hours, hourly.Round(time.Millisecond), float64(hourlyPeak)/(1<<20), hourly.Seconds()/nightly.Seconds())
		b.StartTimer()
	}
}

func runJob(b *testing.B, dir, job string) (time.Duration, int64) {
	b.Helper()
	b.Setenv("CCARE_BENCH_JOB", job)
	return runChild(b, "run", dir)
}

// cutCSV writes the header and records from..from+n of a one-line-per-record CSV file.
func cutCSV(b *testing.B, src, dst string, from, n int64) int64 {
	b.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	body := lines[1+min(from, int64(len(lines)-1)):]
	n = min(n, int64(len(body)))
	writeFileB(b, dst, append(append([]byte{}, lines[0]...), bytes.Join(body[:n], nil)...))
	return n
}

// cutMLLP writes framed messages from..from+n (0x0B … 0x1C 0x0D) of an MLLP capture.
func cutMLLP(b *testing.B, src, dst string, from, n int64) int64 {
	b.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	frames := bytes.SplitAfter(data, []byte{0x1c, '\r'})
	frames = frames[min(from, int64(len(frames))):]
	n = min(n, int64(len(frames)))
	writeFileB(b, dst, bytes.Join(frames[:n], nil))
	return n
}

func writeFileB(b *testing.B, path string, data []byte) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}
