// Package synth generates the demo health community: one synthetic population, and what
// each of its source systems would send about it on one day, in that system's own format
// and with its own habits. It also writes the ground truth (who is who, and what should
// become of every record) so that a pipeline's results can be scored. Nothing here is a
// real person; NHS numbers come from the range reserved for testing.
//
// The formats are the contract in FORMATS.md. Output is deterministic: the same seed,
// population size and day give byte-identical files.
package synth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // file times and local times are Europe/London wherever we run
)

// Options say what to generate and where.
type Options struct {
	Dir      string    // output root: writes Dir/inbox/... and Dir/truth/...
	Patients int       // population size, default 20000 if 0
	Seed     int64     // default 1 if 0
	Day      time.Time // drop day D (date only); zero means 2026-11-01
	// Hourly writes only the feeds the systems send every hour, each as 24 files, one an
	// hour of D (Europe/London), the people spread evenly over them: the same records as
	// the day's file, which it replaces. The truth then describes these files.
	Hourly bool
}

// Summary says what was generated.
type Summary struct {
	People       int    // persons generated
	Files        int    // drop files written
	Records      int    // data records written across all files
	Inbox, Truth string // Dir/inbox and Dir/truth (as given: absolute if Dir is)
}

// Defaults for zero Options fields.
const (
	defaultPatients = 20000
	defaultSeed     = 1
)

var defaultDay = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// gen is one generation run.
type gen struct {
	ctx      context.Context
	seed     uint64
	day      day       // D
	d8       string    // D as YYYYMMDD
	received time.Time // D 23:59:59 Europe/London: every day's drop file's modification time
	hourly   bool      // Options.Hourly
	inbox    string
	truth    string
	people   []person
	rates    [habitCount]float64 // habit rates, in draw order (habitAt)
	tppNext  uint32              // the next SystmOne RowIdentifier after every patient's
}

// Generate writes the community's drop files for the day under Dir/inbox/<provider>/<feed>/
// and the ground truth under Dir/truth/. Files of the same day are replaced; other files
// are left alone. Cancelling ctx stops the run between files.
func Generate(ctx context.Context, opt Options) (Summary, error) {
	return generateWith(ctx, opt, 1)
}

// generateWith is Generate with the rates of the rarer habits (those the data-quality rules
// count: unknown_code, discharge_before_admission, before_birth, implausible_age, orphan)
// multiplied by boost, so that a test can see each of them in every feed at a small size.
func generateWith(ctx context.Context, opt Options, boost float64) (Summary, error) {
	if opt.Dir == "" {
		return Summary{}, errors.New("synth: no output directory")
	}
	if opt.Patients < 0 {
		return Summary{}, fmt.Errorf("synth: %d patients: want at least 1", opt.Patients)
	}
	if opt.Patients == 0 {
		opt.Patients = defaultPatients
	}
	if opt.Seed == 0 {
		opt.Seed = defaultSeed
	}
	if opt.Day.IsZero() {
		opt.Day = defaultDay
	}
	y, m, d := opt.Day.Date()
	g := &gen{
		ctx:      ctx,
		seed:     uint64(opt.Seed),
		day:      dayOf(y, int(m), d),
		d8:       fmt.Sprintf("%04d%02d%02d", y, int(m), d),
		received: time.Date(y, m, d, 23, 59, 59, 0, london),
		inbox:    filepath.Join(opt.Dir, "inbox"),
		truth:    filepath.Join(opt.Dir, "truth"),
		rates:    habitRates(boost),
		hourly:   opt.Hourly,
	}
	sum := Summary{People: opt.Patients, Inbox: g.inbox, Truth: g.truth}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if err := os.MkdirAll(g.truth, 0o755); err != nil {
		return sum, fmt.Errorf("synth: %w", err)
	}
	g.population(opt.Patients)

	results, err := g.writeDrops()
	if err != nil {
		return sum, fmt.Errorf("synth: %w", err)
	}
	for _, r := range results {
		sum.Files++
		sum.Records += r.records
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if err := g.writeTruth(results); err != nil {
		return sum, fmt.Errorf("synth: %w", err)
	}
	return sum, nil
}

// hourEnd is the modification time of hour h's file: the hour's last second, local time.
func (g *gen) hourEnd(h int) time.Time {
	y, m, d := g.received.Date()
	return time.Date(y, m, d, h, 59, 59, 0, london)
}

// sortedSystems is the registry in provider order.
func sortedSystems() []system {
	s := slices.Clone(systems)
	slices.SortFunc(s, func(a, b system) int { return strings.Compare(a.id, b.id) })
	return s
}

type job struct {
	sys  *system
	fd   *feed
	part string // this file's rows of truth/records.csv
}

// writeDrops writes every feed's file, several at a time; each file depends only on the
// population and its own random stream, so the order of work does not change the bytes.
func (g *gen) writeDrops() ([]fileResult, error) {
	syss := sortedSystems()
	var jobs []job
	for i := range syss {
		for j := range syss[i].feeds {
			fd := &syss[i].feeds[j]
			if g.hourly && !fd.hourly {
				continue
			}
			jobs = append(jobs, job{
				sys: &syss[i], fd: fd,
				part: filepath.Join(g.truth, fmt.Sprintf(".records-%s-%s.part", syss[i].id, fd.name)),
			})
		}
	}
	results := make([][]fileResult, len(jobs))
	errs := make([]error, len(jobs))
	ctx, cancel := context.WithCancel(g.ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for k := range next {
				if err := ctx.Err(); err != nil {
					errs[k] = err
					continue
				}
				results[k], errs[k] = g.writeFeed(jobs[k].sys, jobs[k].fd, jobs[k].part)
				if errs[k] != nil {
					cancel()
				}
			}
		})
	}
	for k := range jobs {
		next <- k
	}
	close(next)
	wg.Wait()
	err := g.ctx.Err()
	for _, e := range errs {
		if err == nil && e != nil {
			err = e
		}
	}
	if err == nil {
		err = g.concatRecords(jobs)
	}
	for _, j := range jobs {
		os.Remove(j.part)
	}
	if err != nil {
		return nil, err
	}
	return slices.Concat(results...), nil
}

// canceled is checked by long feeds every few thousand people.
func (g *gen) canceled(i int) error {
	if i&4095 == 0 {
		return g.ctx.Err()
	}
	return nil
}
