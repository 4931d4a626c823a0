package benefits

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Volumes are the annual activity the benefits scale with, as measured in the warehouse
// and published (after small-number suppression and rounding: the model works from the
// figures the board can see, so the workbook's formulas reproduce its answer).
type Volumes struct {
	People               float64 // people in the shared record (the scale's denominator)
	InformationGaps      float64 // urgent-care encounters with an allergy or problem held only elsewhere, per year
	SocialCareAdmissions float64 // admissions of social-care clients, per year
	RepeatAttendances    float64 // urgent-care attendances within 30 days of another, per year
}

// Stream is one benefit: a measured volume times the assumptions that value it.
type Stream struct {
	ID, Name string
	Volume   func(Volumes) float64
	// Value is the £ value of one unit of the (scaled) volume.
	Value func(m *Model) float64
	// How says how the stream is valued, in words, for the reports' notes.
	How string
}

// Streams are the benefits the model counts, in the order the reports show them.
var Streams = []Stream{
	{
		ID: "clinician_time", Name: "Clinician time saved looking for information",
		Volume: func(v Volumes) float64 { return v.InformationGaps },
		Value:  func(m *Model) float64 { return m.value(MinutesSavedPerGap) / 60 * m.value(ClinicianCostPerHour) },
		How:    "information gaps × minutes saved per gap ÷ 60 × clinician cost per hour",
	},
	{
		ID: "avoided_admissions", Name: "Emergency admissions avoided",
		Volume: func(v Volumes) float64 { return v.InformationGaps },
		Value:  func(m *Model) float64 { return m.value(AdmissionsAvoidedPerGap) * m.value(CostPerAdmission) },
		How:    "information gaps × admissions avoided per gap × cost per admission",
	},
	{
		ID: "discharge_planning", Name: "Bed days saved by joint discharge planning",
		Volume: func(v Volumes) float64 { return v.SocialCareAdmissions },
		Value:  func(m *Model) float64 { return m.value(BedDaysSavedPerAdmission) * m.value(CostPerBedDay) },
		How:    "admissions of social-care clients × bed days saved per admission × cost per bed day",
	},
	{
		ID: "repeat_attendances", Name: "Repeat urgent attendances avoided",
		Volume: func(v Volumes) float64 { return v.RepeatAttendances },
		Value:  func(m *Model) float64 { return m.value(RepeatShareAvoided) * m.value(CostPerUrgentAttendance) },
		How:    "repeat attendances × share avoided × cost per urgent attendance",
	},
}

// Year is one year of the appraisal.
type Year struct {
	T              int     // 0 = the first year, undiscounted
	Label          string  // the financial year, e.g. 2027/28
	DiscountFactor float64 // 1 / (1 + r)^T
	Realisation    float64 // share of the full annual benefit realised
	Benefits       []float64
	Benefit        float64   // all streams, £ real
	CostLines      []float64 // per cost line, before optimism bias
	CostBase       float64
	Uplift         float64 // optimism bias on CostBase
	Cost           float64 // CostBase + Uplift
	PVBenefit      float64
	PVCost         float64
	CumulativeNPV  float64 // Σ (PVBenefit − PVCost) up to and including this year
}

// Result is the appraisal.
type Result struct {
	Scale      float64   // community population ÷ people in the record
	AnnualFull []float64 // each stream's £ per year at full realisation
	Years      []Year
	PVBenefits float64
	PVCosts    float64
	NPV        float64
	BCR        float64
	Payback    int // the first year whose cumulative discounted net benefit is ≥ 0; -1 for none
}

// ErrNoPeople is returned when the warehouse has no people to scale the volumes by.
var ErrNoPeople = errors.New("the warehouse has no people in the shared record: nothing to measure benefits from")

// Appraise computes the discounted cash flows of the model for the measured volumes.
func (m *Model) Appraise(v Volumes) (Result, error) {
	if v.People <= 0 {
		return Result{}, ErrNoPeople
	}
	r := Result{Scale: m.value(CommunityPopulation) / v.People, Payback: -1}
	for _, s := range Streams {
		r.AnnualFull = append(r.AnnualFull, s.Volume(v)*r.Scale*s.Value(m))
	}
	bias := m.value(OptimismBias)
	for t := 0; t < m.Appraisal.Years; t++ {
		y := Year{T: t, Label: m.YearLabel(t), DiscountFactor: DiscountFactor(m.Appraisal.DiscountRate, t), Realisation: m.Realisation.ByYear[t]}
		for _, full := range r.AnnualFull {
			b := full * y.Realisation
			y.Benefits = append(y.Benefits, b)
			y.Benefit += b
		}
		for _, c := range m.Costs {
			y.CostLines = append(y.CostLines, c.ByYear[t])
			y.CostBase += c.ByYear[t]
		}
		y.Uplift = y.CostBase * bias
		y.Cost = y.CostBase + y.Uplift
		y.PVBenefit = y.Benefit * y.DiscountFactor
		y.PVCost = y.Cost * y.DiscountFactor
		r.PVBenefits += y.PVBenefit
		r.PVCosts += y.PVCost
		y.CumulativeNPV = r.PVBenefits - r.PVCosts
		if r.Payback < 0 && y.CumulativeNPV >= 0 {
			r.Payback = t
		}
		r.Years = append(r.Years, y)
	}
	r.NPV = r.PVBenefits - r.PVCosts
	if r.PVCosts > 0 {
		r.BCR = r.PVBenefits / r.PVCosts
	}
	return r, nil
}

// DiscountFactor is the Green Book factor for year t at rate r: 1/(1+r)^t, year 0 = 1.
func DiscountFactor(r float64, t int) float64 { return 1 / math.Pow(1+r, float64(t)) }

// YearLabel names year t as a financial year, e.g. 2027/28.
func (m *Model) YearLabel(t int) string {
	y := m.Appraisal.FirstYear + t
	return fmt.Sprintf("%d/%02d", y, (y+1)%100)
}

// Swing is one assumption's effect on the NPV across its range (one at a time).
type Swing struct {
	Assumption Assumption
	NPVLow     float64 // the NPV with the assumption at its low value, every other at its value
	NPVHigh    float64
	// Switching is the value of the assumption at which the NPV is 0, and SwitchingChange
	// that value's change from the assumption's value, as a fraction (-0.25 = 25% lower).
	// OK is false when the NPV does not depend on the assumption (or its value is 0).
	Switching, SwitchingChange float64
	OK                         bool
}

// Range is how far the NPV moves between the assumption's low and high.
func (s Swing) Range() float64 { return math.Abs(s.NPVHigh - s.NPVLow) }

// Sensitivity moves each assumption to its low and high in turn, and finds its switching
// value; the widest swing first (the tornado's order). Every assumption enters the NPV
// linearly when the others are held, so the switching value is exact.
func (m *Model) Sensitivity(v Volumes) ([]Swing, error) {
	base, err := m.Appraise(v)
	if err != nil {
		return nil, err
	}
	npv := func(id string, x float64) float64 {
		r, _ := m.With(id, x).Appraise(v)
		return r.NPV
	}
	var out []Swing
	for _, a := range m.Assumptions {
		s := Swing{Assumption: a, NPVLow: npv(a.ID, a.Low), NPVHigh: npv(a.ID, a.High)}
		// The NPV's slope in this assumption, from two points a unit apart.
		slope := npv(a.ID, a.Value+1) - base.NPV
		if math.Abs(slope) > 1e-9 && a.Value != 0 {
			s.Switching = a.Value - base.NPV/slope
			s.SwitchingChange = (s.Switching - a.Value) / a.Value
			s.OK = true
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Range() > out[j].Range() })
	return out, nil
}

// BenefitsSwitching is the change in total benefits, as a fraction, that takes the NPV to 0
// (-0.4 = benefits 40% lower); CostsSwitching the same for total costs.
func (r Result) BenefitsSwitching() (float64, bool) {
	if r.PVBenefits == 0 {
		return 0, false
	}
	return -r.NPV / r.PVBenefits, true
}

// CostsSwitching is the change in total costs, as a fraction, that takes the NPV to 0.
func (r Result) CostsSwitching() (float64, bool) {
	if r.PVCosts == 0 {
		return 0, false
	}
	return r.NPV / r.PVCosts, true
}
