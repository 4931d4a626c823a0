package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/bnssg-connecting-care/ccare/benefits"
)

// okabeIto is the Okabe–Ito palette, safe for the common colour-vision deficiencies. The
// charts also tell series apart by pattern and label, never by colour alone.
var okabeIto = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"}

// svgChart is an inline SVG chart with its text alternatives: a title, a description and
// the table of the figures it draws.
type svgChart struct {
	ID, Title, Desc string
	W, H            int
	Patterns        []svgPattern
	Bars            []svgBar
	Lines           []svgLine
	Texts           []svgText
	Legend          []svgLegend
	Table           Table
}

type svgPattern struct {
	ID, Colour, Path string // Path: the marks drawn over the colour ("" for solid)
}

type svgBar struct {
	X, Y, W, H float64
	Fill, Tip  string
}

type svgLine struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type svgText struct {
	X, Y         float64
	Text, Anchor string
	Class        string
}

type svgLegend struct {
	X, Y        float64
	Fill, Label string
}

// patternMarks are the marks that tell series apart without colour.
var patternMarks = []string{"", "M0,6 L6,0", "M1,1 h1 v1 h-1 z M4,4 h1 v1 h-1 z", "M0,3 H6", "M3,0 V6"}

func patterns(chartID string, n, colourOffset int) []svgPattern {
	var ps []svgPattern
	for i := 0; i < n; i++ {
		ps = append(ps, svgPattern{ID: fmt.Sprintf("%s-p%d", chartID, i), Colour: okabeIto[(colourOffset+i)%len(okabeIto)], Path: patternMarks[i%len(patternMarks)]})
	}
	return ps
}

// niceMax rounds a chart's top up to a round multiple of a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// shortPounds is £ in thousands or millions for chart labels: £1.2m, £350k, £900.
func shortPounds(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "−", -v
	}
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%s£%.1fm", sign, v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%s£%.0fk", sign, v/1e3)
	}
	return fmt.Sprintf("%s£%.0f", sign, v)
}

// benefitsChart draws each year's benefits stacked by stream.
func benefitsChart(p *BenefitPack) svgChart {
	const w, h, left, right, top, bottom = 760, 340, 70, 20, 20, 90
	c := svgChart{ID: "benefits-by-year", W: w, H: h,
		Title: "Benefits by year and stream",
		Desc: fmt.Sprintf("Stacked columns, one per year from %s to %s: each year's benefit in pounds (real, undiscounted), split into %d streams, each drawn with its own colour and pattern. The figures are in the table after the chart.",
			p.Model.YearLabel(0), p.Model.YearLabel(len(p.Result.Years)-1), len(benefits.Streams)),
		Patterns: patterns("benefits-by-year", len(benefits.Streams), 0)}
	maxV := 0.0
	for _, y := range p.Result.Years {
		maxV = max(maxV, y.Benefit)
	}
	top_ := niceMax(maxV)
	plotH := float64(h - top - bottom)
	slot := float64(w-left-right) / float64(len(p.Result.Years))
	yOf := func(v float64) float64 { return float64(top) + plotH*(1-v/top_) }
	for i := 0; i <= 4; i++ {
		v := top_ * float64(i) / 4
		c.Lines = append(c.Lines, svgLine{X1: left, Y1: yOf(v), X2: w - right, Y2: yOf(v), Class: "grid"})
		c.Texts = append(c.Texts, svgText{X: left - 6, Y: yOf(v) + 4, Text: shortPounds(v), Anchor: "end", Class: "axis"})
	}
	c.Table = Table{Columns: []string{"Year"}}
	for _, s := range benefits.Streams {
		c.Table.Columns = append(c.Table.Columns, s.Name)
	}
	c.Table.Columns = append(c.Table.Columns, "All benefits")
	for i, y := range p.Result.Years {
		x := float64(left) + slot*float64(i) + slot*0.15
		base := 0.0
		row := []any{y.Label}
		for j, b := range y.Benefits {
			if b > 0 {
				c.Bars = append(c.Bars, svgBar{X: x, Y: yOf(base + b), W: slot * 0.7, H: yOf(base) - yOf(base+b),
					Fill: fmt.Sprintf("url(#%s)", c.Patterns[j].ID), Tip: fmt.Sprintf("%s, %s: £%s", y.Label, benefits.Streams[j].Name, Pounds(b))})
			}
			base += b
			row = append(row, "£"+Pounds(b))
		}
		row = append(row, "£"+Pounds(y.Benefit))
		c.Table.Rows = append(c.Table.Rows, row)
		c.Texts = append(c.Texts, svgText{X: x + slot*0.35, Y: yOf(base) - 5, Text: shortPounds(base), Anchor: "middle", Class: "value"})
		c.Texts = append(c.Texts, svgText{X: x + slot*0.35, Y: float64(h-bottom) + 16, Text: y.Label, Anchor: "middle", Class: "axis"})
	}
	c.Lines = append(c.Lines, svgLine{X1: left, Y1: float64(h - bottom), X2: w - right, Y2: float64(h - bottom), Class: "axisline"})
	for j, s := range benefits.Streams {
		c.Legend = append(c.Legend, svgLegend{X: float64(left + (j%2)*340), Y: float64(h-bottom) + 36 + float64(j/2)*22, Fill: fmt.Sprintf("url(#%s)", c.Patterns[j].ID), Label: s.Name})
	}
	return c
}

// tornadoChart draws the change in NPV at each assumption's low and high end.
func tornadoChart(p *BenefitPack) svgChart {
	const w, left, right, top, rowH = 900, 360, 80, 30, 30
	h := top + rowH*len(p.Swings) + 60
	c := svgChart{ID: "tornado", W: w, H: h,
		Title:    "Sensitivity of the NPV to each assumption (tornado)",
		Desc:     fmt.Sprintf("Horizontal bars, one row per assumption, widest swing first: the change in net present value (from %s) with the assumption at its low end (orange, hatched) and at its high end (blue, solid), the others unchanged. The figures are in the table after the chart.", Money(p.Result.NPV)),
		Patterns: []svgPattern{{ID: "tornado-low", Colour: okabeIto[4], Path: patternMarks[1]}, {ID: "tornado-high", Colour: okabeIto[0]}}}
	span := 0.0
	for _, s := range p.Swings {
		span = max(span, math.Abs(s.NPVLow-p.Result.NPV), math.Abs(s.NPVHigh-p.Result.NPV))
	}
	span = niceMax(span)
	mid := float64(left) + float64(w-left-right)/2
	half := float64(w-left-right) / 2
	xOf := func(d float64) float64 { return mid + half*d/span }
	c.Table = Table{Columns: []string{"Assumption", "Low", "High", "NPV at low", "NPV at high", "Change at low", "Change at high"}}
	for i, s := range p.Swings {
		y := float64(top + rowH*i)
		c.Texts = append(c.Texts, svgText{X: left - 8, Y: y + rowH/2 + 4, Text: s.Assumption.Name, Anchor: "end", Class: "label"})
		for _, end := range []struct {
			npv  float64
			fill string
			name string
		}{{s.NPVLow, "url(#tornado-low)", "low"}, {s.NPVHigh, "url(#tornado-high)", "high"}} {
			d := end.npv - p.Result.NPV
			x0, x1 := xOf(min(0, d)), xOf(max(0, d))
			c.Bars = append(c.Bars, svgBar{X: x0, Y: y + 5, W: math.Max(x1-x0, 0.5), H: rowH - 10, Fill: end.fill,
				Tip: fmt.Sprintf("%s at its %s end: NPV changes by %s", s.Assumption.Name, end.name, shortPounds(d))})
			if d != 0 {
				anchor, x := "start", x1+4
				if d < 0 {
					anchor, x = "end", x0-4
				}
				c.Texts = append(c.Texts, svgText{X: x, Y: y + rowH/2 + 4, Text: shortPounds(d), Anchor: anchor, Class: "value"})
			}
		}
		c.Table.Rows = append(c.Table.Rows, []any{s.Assumption.Name, assumptionValue(s.Assumption, s.Assumption.Low), assumptionValue(s.Assumption, s.Assumption.High),
			Money(s.NPVLow), Money(s.NPVHigh), Money(s.NPVLow - p.Result.NPV), Money(s.NPVHigh - p.Result.NPV)})
	}
	bottom := float64(top + rowH*len(p.Swings))
	c.Lines = append(c.Lines, svgLine{X1: mid, Y1: float64(top) - 6, X2: mid, Y2: bottom, Class: "axisline"})
	c.Texts = append(c.Texts, svgText{X: mid, Y: float64(top) - 12, Text: "NPV " + Money(p.Result.NPV), Anchor: "middle", Class: "axis"})
	for _, d := range []float64{-span, -span / 2, span / 2, span} {
		c.Lines = append(c.Lines, svgLine{X1: xOf(d), Y1: float64(top), X2: xOf(d), Y2: bottom, Class: "grid"})
		c.Texts = append(c.Texts, svgText{X: xOf(d), Y: bottom + 14, Text: shortPounds(d), Anchor: "middle", Class: "axis"})
	}
	c.Legend = []svgLegend{{X: left, Y: bottom + 30, Fill: "url(#tornado-low)", Label: "assumption at its low end"}, {X: left + 260, Y: bottom + 30, Fill: "url(#tornado-high)", Label: "assumption at its high end"}}
	return c
}

// assumptionValue writes an assumption's value in its unit.
func assumptionValue(a benefits.Assumption, v float64) string {
	switch inputKind(a.Unit) {
	case "money":
		return Money(v)
	case "percent":
		return fmt.Sprintf("%.1f%%", v*100)
	}
	return fmt.Sprintf("%s %s", trimFloat(v), a.Unit)
}

// trimFloat writes a number to four significant figures, with thousands separators from
// 1,000 up.
func trimFloat(v float64) string {
	if math.Abs(v) >= 1000 {
		return Pounds(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// benefitsPage is what the HTML template renders.
type benefitsPage struct {
	*BenefitPack
	Payback                         string
	BenefitsSwitch, CostsSwitch     string
	Illustrative                    int
	BenefitsChart, Tornado          svgChart
	YearTable, StreamTable, Measure Table
	Assumptions, Costs, Switching   Table
	DataQuality, Monthly            Table
}

//go:embed templates/benefits.html.tmpl
var benefitsHTML string

var benefitsTemplate = template.Must(template.New("benefits").Funcs(template.FuncMap{
	"date":   func(t time.Time) string { return t.In(london).Format("2 January 2006 15:04") },
	"pounds": func(v float64) string { return Money(v) },
	"ratio":  func(v float64) string { return fmt.Sprintf("%.2f", v) },
	"f1":     func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"mulf":   func(v float64) float64 { return v * 100 },
	"addf":   func(a, b float64) float64 { return a + b },
	"isNumber": func(v any) bool {
		switch v.(type) {
		case int, int32, int64, float64:
			return true
		}
		return false
	},
}).Parse(benefitsHTML))

// PaybackText says the payback year in words.
func PaybackText(m *benefits.Model, r benefits.Result) string {
	if r.Payback < 0 {
		return noPayback
	}
	return fmt.Sprintf("year %d (%s)", r.Payback, m.YearLabel(r.Payback))
}

func percentText(v float64, ok bool) string {
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", v*100)
}

// changeText says a fractional change in words: "40.0% lower", "12.5% higher".
func changeText(v float64, ok bool) string {
	switch {
	case !ok:
		return "(no switching value)"
	case v < 0:
		return fmt.Sprintf("%.1f%% lower", -v*100)
	}
	return fmt.Sprintf("%.1f%% higher", v*100)
}

func newBenefitsPage(p *BenefitPack) *benefitsPage {
	m, r := p.Model, p.Result
	pg := &benefitsPage{BenefitPack: p, Payback: PaybackText(m, r), BenefitsChart: benefitsChart(p), Tornado: tornadoChart(p)}
	pg.BenefitsSwitch = changeText(r.BenefitsSwitching())
	pg.CostsSwitch = changeText(r.CostsSwitching())
	pg.Measure = Table{Title: "What the warehouse measured (12 months)", Columns: []string{"Measure", "Events", "People", "Computed by"}}
	pg.Measure.Rows = append(pg.Measure.Rows, []any{"People in the shared record", "", p.People.Shown, "sql/reports/benefits_shared_people.sql"},
		[]any{"People known to two or more providers", "", p.PeopleShared.Shown, "sql/reports/benefits_shared_people.sql"})
	for _, ms := range p.Measures {
		pg.Measure.Rows = append(pg.Measure.Rows, []any{ms.Title, ms.Events.Shown, ms.People.Shown, ms.File})
	}
	pg.StreamTable = Table{Title: "Benefits a year at full realisation", Note: fmt.Sprintf("Measured volumes × %s (community ÷ people in the record) × the assumptions.", fmt.Sprintf("%.2f", r.Scale)),
		Columns: []string{"Benefit", "£ a year", "How it is valued"}}
	for i, s := range benefits.Streams {
		pg.StreamTable.Rows = append(pg.StreamTable.Rows, []any{s.Name, Money(r.AnnualFull[i]), s.How})
	}
	pg.YearTable = Table{Title: "Appraisal by year", Note: "Real prices. Discount factor 1/(1+r)^t with year 0 undiscounted; costs include the optimism bias uplift.",
		Columns: []string{"Year", "t", "Realisation", "Benefits", "Costs", "Discount factor", "PV benefits", "PV costs", "Cumulative net PV"}}
	for _, y := range r.Years {
		pg.YearTable.Rows = append(pg.YearTable.Rows, []any{y.Label, y.T, fmt.Sprintf("%.0f%%", y.Realisation*100), Money(y.Benefit), Money(y.Cost),
			fmt.Sprintf("%.4f", y.DiscountFactor), Money(y.PVBenefit), Money(y.PVCost), Money(y.CumulativeNPV)})
	}
	pg.Assumptions = Table{Title: "Assumptions", Note: "From " + m.Source + ". Illustrative values are placeholders of the right order of magnitude, to be replaced before the board relies on them.",
		Columns: []string{"Assumption", "Value", "Low", "High", "Source", "Illustrative"}}
	for _, a := range m.Assumptions {
		if a.Illustrative {
			pg.Illustrative++
		}
		pg.Assumptions.Rows = append(pg.Assumptions.Rows, []any{a.Name, assumptionValue(a, a.Value), assumptionValue(a, a.Low), assumptionValue(a, a.High), a.Source, yesNo(a.Illustrative)})
	}
	pg.Costs = Table{Title: "Costs by year (before optimism bias)", Columns: []string{"Cost"}}
	for _, y := range r.Years {
		pg.Costs.Columns = append(pg.Costs.Columns, y.Label)
	}
	pg.Costs.Columns = append(pg.Costs.Columns, "Total")
	for _, c := range m.Costs {
		row := []any{c.Name}
		total := 0.0
		for _, v := range c.ByYear {
			row = append(row, shortPounds(v))
			total += v
		}
		pg.Costs.Rows = append(pg.Costs.Rows, append(row, shortPounds(total)))
	}
	pg.Switching = Table{Title: "Switching values", Note: "The value of each assumption, the others unchanged, at which the NPV would be £0.",
		Columns: []string{"Assumption", "Value", "Switching value", "Change"}}
	for _, s := range p.Swings {
		if !s.OK {
			pg.Switching.Rows = append(pg.Switching.Rows, []any{s.Assumption.Name, assumptionValue(s.Assumption, s.Assumption.Value), "none", "NPV does not depend on it"})
			continue
		}
		if s.Switching < 0 {
			// Only a negative value would do: none the assumption can take.
			pg.Switching.Rows = append(pg.Switching.Rows, []any{s.Assumption.Name, assumptionValue(s.Assumption, s.Assumption.Value), "none at or above 0", "the NPV keeps its sign"})
			continue
		}
		pg.Switching.Rows = append(pg.Switching.Rows, []any{s.Assumption.Name, assumptionValue(s.Assumption, s.Assumption.Value), assumptionValue(s.Assumption, s.Switching), percentText(s.SwitchingChange, true)})
	}
	pg.DataQuality = Table{Title: "Data quality behind the figures", Note: "Shares are computed from the published counts.",
		Columns: []string{"Provider", "Organisation", "Rows read", "Rows quarantined", "Quarantined", "Local identities", "Linked"}}
	share := func(v float64, ok bool) string {
		if !ok {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", v*100)
	}
	for _, q := range p.DataQuality {
		pg.DataQuality.Rows = append(pg.DataQuality.Rows, []any{q.Provider, q.Organisation, q.RowsRead.Shown, q.RowsQuarantined.Shown, share(q.QuarantinedShare, q.QuarantinedOK), q.LocalIDs.Shown, share(q.LinkedShare, q.LinkedShareOK)})
	}
	pg.Monthly = Table{Title: "Measures by month and provider", Note: p.Policy, Columns: []string{"Measure", "Month", "Provider", "Events", "People"}}
	for _, ms := range p.Measures {
		for _, row := range ms.Rows {
			pg.Monthly.Rows = append(pg.Monthly.Rows, []any{ms.Title, row.Month, row.Provider, row.Events.Shown, row.People.Shown})
		}
	}
	return pg
}

func writeBenefitsHTML(path string, p *BenefitPack) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := benefitsTemplate.Execute(f, newBenefitsPage(p)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
