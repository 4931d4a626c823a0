// Package benefits is the business case's cost-benefit model: the assumptions
// (benefits.yaml, embedded, or a file the board edits) and their appraisal the way HM
// Treasury's Green Book asks — net present value, benefit–cost ratio, payback year,
// switching values and a one-at-a-time sensitivity analysis.
//
// The model is deliberately the same arithmetic as the workbook's formulas
// (reports/benefits_xlsx.go): the figure the CLI prints is the figure Excel computes.
package benefits

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/bnssg-connecting-care/ccare/yamlfault"
)

//go:embed benefits.yaml
var defaultYAML []byte

// DefaultName names the embedded assumptions in messages and reports.
const DefaultName = "(embedded) benefits.yaml"

// DefaultYAML is the text of the embedded assumptions, for a user to copy and edit.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

// Assumption is one input of the model that the board can see and change.
type Assumption struct {
	ID           string  `yaml:"id"`
	Name         string  `yaml:"name"`
	Value        float64 `yaml:"value"`
	Unit         string  `yaml:"unit"`
	Low          float64 `yaml:"low"`
	High         float64 `yaml:"high"`
	Source       string  `yaml:"source"`
	Illustrative bool    `yaml:"illustrative"`
}

// Schedule is a figure per year of the appraisal, year 0 first.
type Schedule struct {
	ID           string    `yaml:"id"`
	Name         string    `yaml:"name"`
	Source       string    `yaml:"source"`
	Illustrative bool      `yaml:"illustrative"`
	ByYear       []float64 `yaml:"by_year"`
}

// Appraisal holds the period and the discount rate.
type Appraisal struct {
	FirstYear    int     `yaml:"first_year"`
	Years        int     `yaml:"years"`
	DiscountRate float64 `yaml:"discount_rate"`
}

// Model is a parsed, validated benefits.yaml.
type Model struct {
	Source      string       `yaml:"-"`
	Appraisal   Appraisal    `yaml:"appraisal"`
	Assumptions []Assumption `yaml:"assumptions"`
	Realisation Schedule     `yaml:"benefit_realisation"`
	Costs       []Schedule   `yaml:"costs"`
}

// The assumptions the arithmetic uses, by id. A file must give each exactly once.
const (
	CommunityPopulation      = "community_population"
	MinutesSavedPerGap       = "minutes_saved_per_gap"
	ClinicianCostPerHour     = "clinician_cost_per_hour"
	AdmissionsAvoidedPerGap  = "admissions_avoided_per_gap"
	CostPerAdmission         = "cost_per_admission"
	BedDaysSavedPerAdmission = "bed_days_saved_per_client_admission"
	CostPerBedDay            = "cost_per_bed_day"
	RepeatShareAvoided       = "repeat_share_avoided"
	CostPerUrgentAttendance  = "cost_per_urgent_attendance"
	OptimismBias             = "optimism_bias"
)

// RequiredAssumptions lists every assumption id the model needs, in the file's order.
var RequiredAssumptions = []string{
	CommunityPopulation, MinutesSavedPerGap, ClinicianCostPerHour, AdmissionsAvoidedPerGap,
	CostPerAdmission, BedDaysSavedPerAdmission, CostPerBedDay, RepeatShareAvoided,
	CostPerUrgentAttendance, OptimismBias,
}

// Error is a fault in an assumptions file, located by line.
type Error = yamlfault.Error

// Default is the embedded model.
func Default() (*Model, error) { return Parse(DefaultName, defaultYAML) }

// Load reads an assumptions file; an empty path means the embedded default.
func Load(path string) (*Model, error) {
	if path == "" {
		return Default()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read assumptions: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates assumptions text; name is used in messages.
func Parse(name string, data []byte) (*Model, error) {
	m := &Model{}
	file, err := yamlfault.Decode(name, data, m)
	if err != nil {
		return nil, err
	}
	m.Source = name
	v := validator{yamlfault.Collector{Name: name, File: file}}
	a := m.Appraisal
	if a.Years < 1 || a.Years > 60 {
		v.Fail("$.appraisal.years", "appraisal.years", "must be 1 to 60")
	}
	if !(a.DiscountRate >= 0 && a.DiscountRate < 1) { // false for NaN too
		v.Fail("$.appraisal.discount_rate", "appraisal.discount_rate", "must be a rate from 0 to 1, e.g. 0.035")
	}
	seen := map[string]int{}
	for i, as := range m.Assumptions {
		at := fmt.Sprintf("$.assumptions[%d]", i)
		field := fmt.Sprintf("assumptions[%d]", i)
		if as.ID != "" {
			field = "assumptions." + as.ID
		}
		switch {
		case !slices.Contains(RequiredAssumptions, as.ID):
			v.Fail(at+".id", field+".id", fmt.Sprintf("%q is not an assumption the model uses (%s)", as.ID, strings.Join(RequiredAssumptions, ", ")))
		case seen[as.ID] > 0:
			v.Fail(at+".id", field+".id", fmt.Sprintf("%q is given twice", as.ID))
		}
		seen[as.ID]++
		for _, f := range []struct{ key, val string }{{"name", as.Name}, {"unit", as.Unit}, {"source", as.Source}} {
			if strings.TrimSpace(f.val) == "" {
				v.Fail(at, field+"."+f.key, "is required")
			}
		}
		if as.Value < 0 || as.Low < 0 || as.High < 0 {
			v.Fail(at+".value", field, "value, low and high must not be negative")
		}
		if !plausible(as.Value) || !plausible(as.Low) || !plausible(as.High) {
			v.Fail(at+".value", field, fmt.Sprintf("value, low and high must be finite and below %g", maxFigure))
		}
		if !(as.Low <= as.Value && as.Value <= as.High) {
			v.Fail(at+".value", field, fmt.Sprintf("low %v, value %v and high %v must be in that order", as.Low, as.Value, as.High))
		}
		if as.ID == CommunityPopulation && as.Value <= 0 {
			v.Fail(at+".value", field+".value", "must be more than 0")
		}
	}
	for _, id := range RequiredAssumptions {
		if seen[id] == 0 {
			v.Fail("$.assumptions", "assumptions", fmt.Sprintf("%q is missing", id))
		}
	}
	checkSchedule := func(at, field string, s Schedule, share bool) {
		if len(s.ByYear) != a.Years && a.Years > 0 {
			v.Fail(at+".by_year", field+".by_year", fmt.Sprintf("has %d years; the appraisal has %d", len(s.ByYear), a.Years))
		}
		for t, x := range s.ByYear {
			if !plausible(x) {
				v.Fail(fmt.Sprintf("%s.by_year[%d]", at, t), fmt.Sprintf("%s.by_year[%d]", field, t), fmt.Sprintf("%v must be finite and below %g", x, maxFigure))
				continue
			}
			if x < 0 || (share && x > 1) {
				what := "must not be negative"
				if share {
					what = "must be a share from 0 to 1"
				}
				v.Fail(fmt.Sprintf("%s.by_year[%d]", at, t), fmt.Sprintf("%s.by_year[%d]", field, t), fmt.Sprintf("%v %s", x, what))
			}
		}
		if strings.TrimSpace(s.Source) == "" {
			v.Fail(at, field+".source", "is required")
		}
	}
	checkSchedule("$.benefit_realisation", "benefit_realisation", m.Realisation, true)
	if len(m.Costs) == 0 {
		v.Fail("$.costs", "costs", "at least one cost line is required")
	}
	costIDs := map[string]bool{}
	for i, c := range m.Costs {
		at := fmt.Sprintf("$.costs[%d]", i)
		field := fmt.Sprintf("costs[%d]", i)
		if c.ID == "" || costIDs[c.ID] {
			v.Fail(at+".id", field+".id", fmt.Sprintf("%q must be given, once", c.ID))
		}
		costIDs[c.ID] = true
		if strings.TrimSpace(c.Name) == "" {
			v.Fail(at, field+".name", "is required")
		}
		checkSchedule(at, field, c, false)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// maxFigure bounds every figure in the file: far above any business case's, far enough
// below float64's range that no product of them overflows.
const maxFigure = 1e15

func plausible(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) && math.Abs(x) < maxFigure }

// Assumption returns the assumption with the given id (Parse guarantees each required one).
func (m *Model) Assumption(id string) Assumption {
	for _, a := range m.Assumptions {
		if a.ID == id {
			return a
		}
	}
	return Assumption{ID: id}
}

func (m *Model) value(id string) float64 { return m.Assumption(id).Value }

// With returns a copy of the model with one assumption's value changed.
func (m *Model) With(id string, value float64) *Model {
	c := *m
	c.Assumptions = slices.Clone(m.Assumptions)
	for i := range c.Assumptions {
		if c.Assumptions[i].ID == id {
			c.Assumptions[i].Value = value
		}
	}
	return &c
}

type validator struct{ yamlfault.Collector }
