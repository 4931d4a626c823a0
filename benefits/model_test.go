package benefits

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// handWorked is a three-year model small enough to work by hand.
const handWorked = `
appraisal: {first_year: 2027, years: 3, discount_rate: 0.10}
assumptions:
  - {id: community_population, name: p, value: 2000, unit: people, low: 1000, high: 3000, source: s}
  - {id: minutes_saved_per_gap, name: m, value: 6, unit: min, low: 0, high: 12, source: s}
  - {id: clinician_cost_per_hour, name: c, value: 50, unit: £/h, low: 50, high: 50, source: s}
  - {id: admissions_avoided_per_gap, name: a, value: 0.01, unit: n, low: 0, high: 0.02, source: s}
  - {id: cost_per_admission, name: a, value: 1000, unit: £, low: 500, high: 1500, source: s}
  - {id: bed_days_saved_per_client_admission, name: b, value: 1, unit: d, low: 0.5, high: 2, source: s}
  - {id: cost_per_bed_day, name: b, value: 200, unit: £, low: 200, high: 200, source: s}
  - {id: repeat_share_avoided, name: r, value: 0.1, unit: share, low: 0, high: 0.2, source: s}
  - {id: cost_per_urgent_attendance, name: u, value: 100, unit: £, low: 100, high: 100, source: s}
  - {id: optimism_bias, name: o, value: 0.2, unit: share, low: 0, high: 1, source: s}
benefit_realisation: {source: s, by_year: [0, 0.5, 1]}
costs:
  - {id: build, name: Build and run, source: s, by_year: [5000, 1000, 1000]}
`

var handVolumes = Volumes{People: 1000, InformationGaps: 100, SocialCareAdmissions: 10, RepeatAttendances: 50}

// The working, by hand:
//
//	scale = 2000 people ÷ 1000 in the record = 2
//	clinician time     = 100 gaps × 2 × 6/60 h × £50      = £1,000 a year at full realisation
//	avoided admissions = 100 gaps × 2 × 0.01 × £1,000     = £2,000
//	discharge planning = 10 admissions × 2 × 1 day × £200 = £4,000
//	repeat attendances = 50 repeats × 2 × 0.1 × £100      = £1,000
//	full annual benefit                                   = £8,000
//	benefits by year (realisation 0, ½, 1)                = 0, 4,000, 8,000
//	costs with 20% optimism bias                          = 6,000, 1,200, 1,200
//	discount factors 1/1.1^t                              = 1, 1/1.1, 1/1.21
//	PV benefits = 4000/1.1 + 8000/1.21        = (440000 + 800000)/121 = 1240000/121 = 10,247.93
//	PV costs    = 6000 + 1200/1.1 + 1200/1.21 = (726000 + 132000 + 120000)/121 = 978000/121 = 8,082.64
//	NPV         = 262000/121 = £2,165.29;  BCR = 1240000/978000 = 1.26789
//	cumulative discounted net: year 0 −6,000; year 1 −6,000 + 2,800/1.1 = −3,454.55;
//	year 2 −3,454.55 + 6,800/1.21 = +2,165.29 → payback in year 2.
func TestAppraiseHandWorked(t *testing.T) {
	m, err := Parse("hand.yaml", []byte(handWorked))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Appraise(handVolumes)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"scale", r.Scale, 2},
		{"full annual benefit", r.AnnualFull[0] + r.AnnualFull[1] + r.AnnualFull[2] + r.AnnualFull[3], 8000},
		{"clinician time", r.AnnualFull[0], 1000},
		{"avoided admissions", r.AnnualFull[1], 2000},
		{"discharge planning", r.AnnualFull[2], 4000},
		{"repeat attendances", r.AnnualFull[3], 1000},
		{"year 1 benefit", r.Years[1].Benefit, 4000},
		{"year 0 cost", r.Years[0].Cost, 6000},
		{"year 2 discount factor", r.Years[2].DiscountFactor, 1 / 1.21},
		{"PV benefits", r.PVBenefits, 1240000.0 / 121},
		{"PV costs", r.PVCosts, 978000.0 / 121},
		{"NPV", r.NPV, 262000.0 / 121},
		{"BCR", r.BCR, 1240000.0 / 978000},
		{"year 1 cumulative", r.Years[1].CumulativeNPV, -6000 + 2800/1.1},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %.12f, want %.12f", c.name, c.got, c.want)
		}
	}
	if got := math.Round(r.NPV*100) / 100; got != 2165.29 {
		t.Errorf("NPV to the penny %.2f, want 2165.29", got)
	}
	if r.Payback != 2 {
		t.Errorf("payback year %d, want 2", r.Payback)
	}
	if r.Years[2].Label != "2029/30" {
		t.Errorf("year 2 label %q, want 2029/30", r.Years[2].Label)
	}
}

// At each assumption's switching value the NPV is 0; the tornado puts the widest first.
func TestSensitivityAndSwitchingValues(t *testing.T) {
	m, err := Parse("hand.yaml", []byte(handWorked))
	if err != nil {
		t.Fatal(err)
	}
	swings, err := m.Sensitivity(handVolumes)
	if err != nil {
		t.Fatal(err)
	}
	if len(swings) != len(RequiredAssumptions) {
		t.Fatalf("%d swings, want %d", len(swings), len(RequiredAssumptions))
	}
	for i, s := range swings {
		if i > 0 && s.Range() > swings[i-1].Range() {
			t.Errorf("swing %s (%.2f) after a narrower one", s.Assumption.ID, s.Range())
		}
		if !s.OK {
			continue
		}
		r, _ := m.With(s.Assumption.ID, s.Switching).Appraise(handVolumes)
		if math.Abs(r.NPV) > 1e-6 {
			t.Errorf("%s at its switching value %v: NPV %v, want 0", s.Assumption.ID, s.Switching, r.NPV)
		}
	}
	// Optimism bias: NPV(b) = 1240000/121 − (1+b)·815000/121 (costs before bias, discounted,
	// are 815000/121) → 0 at b = 1240000/815000 − 1 = 0.52147…; from 0.2 that is +160.7%.
	var bias Swing
	for _, s := range swings {
		if s.Assumption.ID == OptimismBias {
			bias = s
		}
	}
	if want := 1240000.0/815000 - 1; math.Abs(bias.Switching-want) > 1e-9 {
		t.Errorf("optimism bias switching value %v, want %v", bias.Switching, want)
	}
	if want := (1240000.0/815000 - 1 - 0.2) / 0.2; math.Abs(bias.SwitchingChange-want) > 1e-9 {
		t.Errorf("optimism bias switching change %v, want %v", bias.SwitchingChange, want)
	}
	// The clinician's hourly cost has no range here but does move the NPV: it has a switching value.
	r, _ := m.Appraise(handVolumes)
	if got, _ := r.BenefitsSwitching(); math.Abs(got-(-262000.0/1240000)) > 1e-12 {
		t.Errorf("benefits switching %v, want %v", got, -262000.0/1240000)
	}
}

func TestDefaultModelParses(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if m.Appraisal.Years != 10 || m.Appraisal.DiscountRate != 0.035 {
		t.Errorf("appraisal %+v, want 10 years at 3.5%%", m.Appraisal)
	}
	var total float64
	for _, c := range m.Costs {
		if c.ID == "running" {
			continue
		}
		for _, x := range c.ByYear {
			total += x
		}
	}
	if total != 2_000_000 {
		t.Errorf("stage 1 and roll-out cost £%.0f, want £2,000,000", total)
	}
	if s := m.Costs[0].ByYear[0]; s >= 300_000 {
		t.Errorf("stage 1 costs £%.0f, want under £300k", s)
	}
}

// Faults name the file, the line and the field.
func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, edit, want string
	}{
		{"misspelt key", strings.Replace(handWorked, "unit: people", "units: people", 1), "hand.yaml line 4: "},
		{"value outside range", strings.Replace(handWorked, "value: 6, unit: min, low: 0", "value: 16, unit: min, low: 0", 1),
			"hand.yaml line 5: assumptions.minutes_saved_per_gap: low 0, value 16 and high 12 must be in that order"},
		{"unknown assumption", strings.Replace(handWorked, "id: cost_per_bed_day", "id: cost_per_bed_night", 1),
			`hand.yaml line 10: assumptions.cost_per_bed_night.id: "cost_per_bed_night" is not an assumption`},
		{"missing assumption", strings.Replace(handWorked, "id: cost_per_bed_day", "id: cost_per_bed_night", 1),
			`assumptions: "cost_per_bed_day" is missing`},
		{"short schedule", strings.Replace(handWorked, "by_year: [5000, 1000, 1000]", "by_year: [5000, 1000]", 1),
			"hand.yaml line 16: costs[0].by_year: has 2 years; the appraisal has 3"},
		{"realisation above 1", strings.Replace(handWorked, "[0, 0.5, 1]", "[0, 1.5, 1]", 1),
			"hand.yaml line 14: benefit_realisation.by_year[1]: 1.5 must be a share from 0 to 1"},
		{"infinite value", strings.Replace(handWorked, "value: 2000, unit: people, low: 1000, high: 3000", "value: .inf, unit: people, low: 1000, high: .inf", 1),
			"hand.yaml line 4: assumptions.community_population: value, low and high must be finite and below 1e+15"},
		{"no source", strings.Replace(handWorked, "high: 1, source: s}", "high: 1, source: \"\"}", 1),
			"hand.yaml line 13: assumptions.optimism_bias.source: is required"},
		// go-yaml v1.19.2 panics on a tagged scalar where a list goes (goccy/go-yaml#735)
		{"tagged schedule", strings.Replace(handWorked, "by_year: [5000, 1000, 1000]", "by_year: !!str 5000", 1),
			"hand.yaml line 16: by_year: YAML tags such as !!str are not read in this file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hand.yaml", []byte(tt.edit))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not a *benefits.Error", err)
			}
		})
	}
}

// Any text either fails with a located *Error or gives a model that appraises to finite
// figures.
func FuzzParse(f *testing.F) {
	f.Add([]byte(handWorked))
	f.Add(DefaultYAML())
	f.Add([]byte("appraisal: {years: 0}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not a *benefits.Error", err, err)
			}
			return
		}
		r, err := m.Appraise(handVolumes)
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(r.NPV) || math.IsInf(r.NPV, 0) {
			t.Fatalf("NPV %v", r.NPV)
		}
	})
}
