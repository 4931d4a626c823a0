package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

func TestChecks(t *testing.T) {
	r := Result{Steps: []Step{
		{People: 20000, Name: Floor, Seconds: 10, Rows: 250000},
		{People: 20000, Name: Nightly, Seconds: 25, Rows: 250000, PeakRSS: 1 << 30},
		{People: 20000, Name: Hourly, Seconds: 2, Rows: 2500, PeakRSS: 1 << 29},
		{People: 1000000, Name: Floor, Seconds: 100, Rows: 12500000},
		{People: 1000000, Name: Nightly, Seconds: 400, Rows: 12500000, PeakRSS: 5 << 30},
		{People: 1000000, Name: Hourly, Seconds: 30, Rows: 125000, PeakRSS: 2 << 30},
	}}
	var got []string
	for _, c := range r.Checks(DefaultTargets) {
		got = append(got, map[bool]string{true: "ok ", false: "MISS "}[c.Pass]+c.Text)
	}
	want := []string{
		"ok 20000 people: nightly / floor = 2.50 (target ≤ 3.0)",
		"ok 20000 people: hourly (1% new) / nightly = 0.080 (target ≤ 0.10)",
		"ok 20000 people: peak RSS of the pipeline's runs 1024 MiB (target ≤ 4096 MiB)",
		"MISS 1000000 people: nightly / floor = 4.00 (target ≤ 3.0)",
		"ok 1000000 people: hourly (1% new) / nightly = 0.075 (target ≤ 0.10)",
		"MISS 1000000 people: peak RSS of the pipeline's runs 5120 MiB (target ≤ 4096 MiB)",
		// 400/12.5M = 32 µs per record against 25/250k = 100 µs: faster per record.
		"ok scaling: nightly seconds per record at 1000000 people = 0.32 × that at 20000 (target ≤ 1.2)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var b strings.Builder
	if err := r.WriteBenchfmt(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "BenchmarkCcare/people=1000000/step=hourly_median 1 30000000000 ns/op 4167 rows/s 125000 rows 2048 peak-MiB\n") {
		t.Errorf("benchmark format:\n%s", b.String())
	}
	if notes := r.Notes(); len(notes) != 0 {
		t.Errorf("notes without a second night: %q", notes)
	}
}

// The second night is shown against the first, and its memory counts towards the peak.
func TestSecondNight(t *testing.T) {
	r := Result{Steps: []Step{
		{People: 1000000, Name: Floor, Seconds: 40, Rows: 12500000},
		{People: 1000000, Name: Nightly, Seconds: 300, Rows: 12500000, PeakRSS: 3 << 30},
		{People: 1000000, Name: Hourly, Seconds: 25, Rows: 125000, PeakRSS: 2 << 30},
		{People: 1000000, Name: SecondNight, Seconds: 510, Rows: 12500000, PeakRSS: 5 << 30},
	}}
	want := "1000000 people: the second night's nightly job took 1.70 × the first's (no target; the demo resends every record, each date a day on, so every record is a new version)"
	if notes := r.Notes(); len(notes) != 1 || notes[0] != want {
		t.Errorf("notes: %q, want %q", notes, want)
	}
	var b strings.Builder
	if err := r.WriteTable(&b, DefaultTargets); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"note " + want, "MISS 1000000 people: peak RSS of the pipeline's runs 5120 MiB"} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("table lacks %q:\n%s", line, b.String())
		}
	}
	b.Reset()
	if err := r.WriteBenchfmt(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "BenchmarkCcare/people=1000000/step=nightly_second_night 1 510000000000 ns/op") {
		t.Errorf("benchmark format:\n%s", b.String())
	}
}

func TestCut(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "in.csv")
	os.WriteFile(csv, []byte("id,name\n1,a\n2,b\n3,c\n4,d"), 0o644)
	n, err := cutCSV(csv, filepath.Join(dir, "out", "a.csv"), 1, 2)
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "a.csv")); err != nil || n != 2 || string(b) != "id,name\n2,b\n3,c\n" {
		t.Errorf("cutCSV: %d %v %q", n, err, b)
	}
	n, err = cutCSV(csv, filepath.Join(dir, "b.csv"), 3, 5)
	if b, _ := os.ReadFile(filepath.Join(dir, "b.csv")); err != nil || n != 1 || string(b) != "id,name\n4,d" {
		t.Errorf("cutCSV past the end: %d %v %q", n, err, b)
	}
	mllp := filepath.Join(dir, "in.mllp")
	os.WriteFile(mllp, []byte("\x0bMSH|1\r\x1c\r\x0bMSH|2\r\x1c\r\x0bMSH|3\r\x1c\r"), 0o644)
	n, err = cutMLLP(mllp, filepath.Join(dir, "c.mllp"), 1, 1)
	if b, _ := os.ReadFile(filepath.Join(dir, "c.mllp")); err != nil || n != 1 || string(b) != "\x0bMSH|2\r\x1c\r" {
		t.Errorf("cutMLLP: %d %v %q", n, err, b)
	}
}

func TestConfigTextSetsTheMemoryLimit(t *testing.T) {
	text, err := configText("2.5GB")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), `memory_limit: "2.5GB"`) || !strings.Contains(string(text), "providers:") {
		t.Errorf("the limit is not set, or the rest is lost:\n%.600s", text)
	}
	cfg, err := pipelines.ParseConfig("ccare.yaml", text, t.TempDir())
	if err != nil || cfg.DuckDB.MemoryLimit != "2.5GB" || len(cfg.Providers) != 10 {
		t.Errorf("the configuration written: %v, %+v", err, cfg)
	}
}
