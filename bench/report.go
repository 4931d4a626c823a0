package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
)

// Targets are the acceptance figures the table is checked against.
type Targets struct {
	NightlyOverFloor float64 // at most
	HourlyOverNight  float64 // at most
	PeakRSS          int64   // bytes, at most
	Linearity        float64 // seconds per record at the largest size over the smallest's, at most
}

// DefaultTargets are issue 10's: nightly within 3× the floor, hourly within 10% of the
// nightly, 4 GiB, and time per record growing no more than 1.2× from the smallest size to
// the largest.
var DefaultTargets = Targets{NightlyOverFloor: 3, HourlyOverNight: 0.10, PeakRSS: 4 << 30, Linearity: 1.2}

func mib(b int64) string { return fmt.Sprintf("%d MiB", b>>20) }

// WriteTable prints every step, then each size's ratios against the targets, then the
// scaling from the smallest size.
func (r Result) WriteTable(w io.Writer, t Targets) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "people\tstep\tseconds\trows\trows/s\tpeak RSS\t")
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%.1f\t%d\t%.0f\t%s\t\n", s.People, s.Name, s.Seconds, s.Rows, s.RowsPerSecond(), mib(s.PeakRSS))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, c := range r.Checks(t) {
		mark := "ok  "
		if !c.Pass {
			mark = "MISS"
		}
		fmt.Fprintf(w, "%s %s\n", mark, c.Text)
	}
	for _, n := range r.Notes() {
		fmt.Fprintf(w, "note %s\n", n)
	}
	return nil
}

// Notes are figures the table shows that no target covers: the second night against the
// first.
func (r Result) Notes() []string {
	var out []string
	for _, n := range r.sizes() {
		first, okF := r.Step(n, Nightly)
		second, okS := r.Step(n, SecondNight)
		if okF && okS && first.Seconds > 0 {
			out = append(out, fmt.Sprintf("%d people: the second night's nightly job took %.2f × the first's (no target; the demo resends every record, each date a day on, so every record is a new version)",
				n, second.Seconds/first.Seconds))
		}
	}
	return out
}

// Check is one figure against its target.
type Check struct {
	Text string
	Pass bool
}

func (r Result) sizes() []int {
	var out []int
	for _, s := range r.Steps {
		if len(out) == 0 || out[len(out)-1] != s.People {
			out = append(out, s.People)
		}
	}
	return out
}

// Checks are the ratios the issue asks for, per size and across sizes.
func (r Result) Checks(t Targets) []Check {
	var out []Check
	sizes := r.sizes()
	for _, n := range sizes {
		floor, okF := r.Step(n, Floor)
		nightly, okN := r.Step(n, Nightly)
		hourly, okH := r.Step(n, Hourly)
		if okF && okN && floor.Seconds > 0 {
			ratio := nightly.Seconds / floor.Seconds
			out = append(out, Check{fmt.Sprintf("%d people: nightly / floor = %.2f (target ≤ %.1f)", n, ratio, t.NightlyOverFloor), ratio <= t.NightlyOverFloor})
		}
		if okN && okH && nightly.Seconds > 0 {
			ratio := hourly.Seconds / nightly.Seconds
			out = append(out, Check{fmt.Sprintf("%d people: hourly (1%% new) / nightly = %.3f (target ≤ %.2f)", n, ratio, t.HourlyOverNight), ratio <= t.HourlyOverNight})
		}
		var peak int64
		for _, s := range r.Steps {
			if s.People == n && s.Name != Generate && s.Name != Floor {
				peak = max(peak, s.PeakRSS)
			}
		}
		if okN {
			out = append(out, Check{fmt.Sprintf("%d people: peak RSS of the pipeline's runs %s (target ≤ %s)", n, mib(peak), mib(t.PeakRSS)), peak <= t.PeakRSS})
		}
	}
	if len(sizes) > 1 {
		small, okS := r.Step(sizes[0], Nightly)
		for _, n := range sizes[1:] {
			big, okB := r.Step(n, Nightly)
			if !okS || !okB || small.Rows == 0 || big.Rows == 0 || small.Seconds == 0 {
				continue
			}
			growth := (big.Seconds / float64(big.Rows)) / (small.Seconds / float64(small.Rows))
			out = append(out, Check{fmt.Sprintf("scaling: nightly seconds per record at %d people = %.2f × that at %d (target ≤ %.1f)", n, growth, sizes[0], t.Linearity), growth <= t.Linearity})
		}
	}
	return out
}

// WriteBenchfmt writes the steps in the Go benchmark format, so that two result files can
// be compared with benchstat (golang.org/x/perf/cmd/benchstat).
func (r Result) WriteBenchfmt(w io.Writer) error {
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/bnssg-connecting-care/ccare/bench\n", runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "# ccare bench, started %s\n", r.Started.Format("2006-01-02T15:04:05Z07:00"))
	for _, s := range r.Steps {
		name := strings.NewReplacer(" ", "_", ":", "", ",", "", "(", "", ")", "").Replace(s.Name)
		fmt.Fprintf(w, "BenchmarkCcare/people=%d/step=%s 1 %d ns/op %.0f rows/s %d rows %d peak-MiB\n",
			s.People, name, int64(s.Seconds*1e9), s.RowsPerSecond(), s.Rows, s.PeakRSS>>20)
	}
	return nil
}

// SaveBenchfmt writes WriteBenchfmt's text to path, through a file beside it renamed over
// it, so that a run stopped half way leaves no half-written results to compare against.
func (r Result) SaveBenchfmt(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), ".writing-"+filepath.Base(path))
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := r.WriteBenchfmt(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
