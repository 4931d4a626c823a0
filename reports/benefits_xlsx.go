package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bnssg-connecting-care/ccare/benefits"
)

// The board pack's sheets. Assumptions holds every input (yellow cells, each assumption a
// defined name); Benefits, Costs and Summary compute from them with live formulas, so a
// board member who edits an assumption sees the NPV change. Sensitivity holds values
// ccare computed (one appraisal per assumption end), which an edit does not update.
const (
	bSummary     = "Summary"
	bBenefits    = "Benefits"
	bCosts       = "Costs"
	bAssumptions = "Assumptions"
	bSensitivity = "Sensitivity"
	bMeasures    = "Measures"
	bQuality     = "Data quality"
)

// BenefitsSheets are the workbook's sheets, in order.
var BenefitsSheets = []string{bSummary, bBenefits, bCosts, bAssumptions, bSensitivity, bMeasures, bQuality}

// Where things are. Rows and columns count from 1; each table's first data row is fixed so
// that the formulas of other sheets can point at it.
const (
	aFirstRow = 6 // Assumptions: the first assumption; columns A id, B name, C value, D unit, E low, F high, G source, H illustrative

	bVolumeRow = 5 // Benefits: people, gaps, admissions, repeats, then the scale
	bStreamRow = 12
	bYearRow   = 19 // Benefits: the first year of the year table (streams from column D)

	cYearRow = 5 // Costs: the first year

	sHeadRow     = 5  // Summary: PV benefits, PV costs, NPV, BCR, payback, switching values
	sCashFlowRow = 19 // Summary: the first year of the cash-flow table
)

// The cells other sheets and the tests read.
const (
	SummaryNPVCell     = "B7"
	SummaryBCRCell     = "B8"
	SummaryPaybackCell = "B9"
	noPayback          = "not within the appraisal period"
)

// bstyles are the board pack's cell styles.
type bstyles struct {
	*styles
	title, money, moneyBold, percent, factor, number, wrap int
	input                                                  map[string]int // "money", "percent", "number" → a yellow input cell
}

func newBenefitStyles(x *excelize.File) (*bstyles, error) {
	base, err := newStyles(x)
	if err != nil {
		return nil, err
	}
	st := &bstyles{styles: base, input: map[string]int{}}
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.NewStyle(s)
		return id
	}
	f := func(s string) *string { return &s }
	const pounds = `"£"#,##0;-"£"#,##0`
	st.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "005EB8"}})
	st.money = style(&excelize.Style{CustomNumFmt: f(pounds)})
	st.moneyBold = style(&excelize.Style{CustomNumFmt: f(pounds), Font: &excelize.Font{Bold: true}})
	st.percent = style(&excelize.Style{CustomNumFmt: f("0.0%")})
	st.factor = style(&excelize.Style{CustomNumFmt: f("0.0000")})
	st.number = style(&excelize.Style{CustomNumFmt: f("#,##0.###")})
	st.wrap = style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	yellow := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
	border := []excelize.Border{{Type: "left", Color: "B7A000", Style: 1}, {Type: "right", Color: "B7A000", Style: 1},
		{Type: "top", Color: "B7A000", Style: 1}, {Type: "bottom", Color: "B7A000", Style: 1}}
	for kind, format := range map[string]string{"money": pounds, "percent": "0.0%", "number": "#,##0.###"} {
		st.input[kind] = style(&excelize.Style{Fill: yellow, Border: border, CustomNumFmt: f(format)})
	}
	return st, err
}

// inputKind chooses an assumption's number format from its unit.
func inputKind(unit string) string {
	switch {
	case strings.HasPrefix(unit, "£"):
		return "money"
	case strings.Contains(unit, "share"):
		return "percent"
	}
	return "number"
}

// grid writes cells of one sheet with the cell API (charts and comments need it).
type grid struct {
	x     *excelize.File
	sheet string
	err   error
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func colName(col int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return c
}

// set writes a value (text is neutralised against formula injection) with a style.
func (g *grid) set(col, row int, v any, style int) {
	if g.err != nil {
		return
	}
	cell := cellName(col, row)
	if g.err = g.x.SetCellValue(g.sheet, cell, safeValue(v)); g.err == nil && style != 0 {
		g.err = g.x.SetCellStyle(g.sheet, cell, cell, style)
	}
}

// formula writes a live formula (without the leading =) with a style.
func (g *grid) formula(col, row int, f string, style int) {
	if g.err != nil {
		return
	}
	cell := cellName(col, row)
	if g.err = g.x.SetCellFormula(g.sheet, cell, f); g.err == nil && style != 0 {
		g.err = g.x.SetCellStyle(g.sheet, cell, cell, style)
	}
}

func (g *grid) row(row int, style int, vals ...any) {
	for j, v := range vals {
		g.set(j+1, row, v, style)
	}
}

func (g *grid) widths(ws ...float64) {
	for j, w := range ws {
		if g.err == nil {
			g.err = g.x.SetColWidth(g.sheet, colName(j+1), colName(j+1), w)
		}
	}
}

func (g *grid) freeze(row int) {
	if g.err == nil {
		g.err = g.x.SetPanes(g.sheet, &excelize.Panes{Freeze: true, YSplit: row - 1, TopLeftCell: cellName(1, row), ActivePane: "bottomLeft"})
	}
}

func (g *grid) comment(col, row int, text string) {
	if g.err == nil {
		g.err = g.x.AddComment(g.sheet, excelize.Comment{Cell: cellName(col, row), Author: "ccare", Paragraph: []excelize.RichTextRun{{Text: text}}, Width: 320, Height: 120})
	}
}

func (g *grid) name(name string, col, row int) {
	if g.err == nil {
		g.err = g.x.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: fmt.Sprintf("'%s'!$%s$%d", g.sheet, colName(col), row)})
	}
}

// heading writes the sheet's title and notes from row 1; the notes say where figures come from.
func (g *grid) heading(st *bstyles, title string, notes ...string) {
	g.set(1, 1, title, st.title)
	for i, n := range notes {
		g.set(1, 2+i, n, 0)
	}
}

func writeBenefitsXLSX(path string, p *BenefitPack) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newBenefitStyles(x)
	if err != nil {
		return err
	}
	for i, name := range BenefitsSheets {
		if i == 0 {
			err = x.SetSheetName("Sheet1", name)
		} else {
			_, err = x.NewSheet(name)
		}
		if err != nil {
			return err
		}
	}
	// Assumptions first: the defined names the other sheets' formulas use.
	steps := []struct {
		sheet string
		write func(*excelize.File, *BenefitPack, *bstyles) error
	}{
		{bAssumptions, writeAssumptionsSheet}, {bBenefits, writeBenefitsSheet}, {bCosts, writeCostsSheet},
		{bSummary, writeSummarySheet}, {bSensitivity, writeSensitivitySheet},
		{bMeasures, writeMeasuresSheet}, {bQuality, writeDataQualitySheet},
	}
	for _, s := range steps {
		if err := s.write(x, p, st); err != nil {
			return fmt.Errorf("sheet %s: %w", s.sheet, err)
		}
	}
	// Excel recalculates every formula on opening; LibreOffice does when its "recalculation
	// on file load" setting says so (README: the benefit report).
	if err := x.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: ptr(true)}); err != nil {
		return err
	}
	return x.SaveAs(path)
}

// scheduleRow is the Assumptions row of year t in the per-year block.
func scheduleRow(m *benefits.Model, t int) int { return scheduleHeadRow(m) + 1 + t }

func scheduleHeadRow(m *benefits.Model) int { return discountRateRow(m) + 3 }

func discountRateRow(m *benefits.Model) int { return aFirstRow + len(m.Assumptions) + 2 }

func writeAssumptionsSheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	m := p.Model
	g := &grid{x: x, sheet: bAssumptions}
	g.widths(30, 44, 14, 22, 12, 12, 90, 12)
	g.freeze(aFirstRow)
	g.heading(st, "Assumptions: edit the yellow cells",
		"Every figure in the Benefits, Costs and Summary sheets is computed from these cells and the measured volumes (sheet Benefits). Change a yellow cell and the NPV changes.",
		"Loaded from "+m.Source+". Illustrative = a placeholder of the right order of magnitude, to be replaced by the current edition of the source or a local measurement. The Sensitivity sheet shows each assumption's low and high.")
	g.row(aFirstRow-1, st.header, "Name in formulas", "Assumption", "Value", "Unit", "Low", "High", "Source", "Illustrative")
	for i, a := range m.Assumptions {
		r := aFirstRow + i
		kind := inputKind(a.Unit)
		plain := map[string]int{"money": st.money, "percent": st.percent, "number": st.number}[kind]
		g.row(r, 0, a.ID, a.Name)
		g.set(3, r, a.Value, st.input[kind])
		g.set(4, r, a.Unit, 0)
		g.set(5, r, a.Low, plain)
		g.set(6, r, a.High, plain)
		g.set(7, r, a.Source, 0)
		g.set(8, r, yesNo(a.Illustrative), 0)
		g.name(a.ID, 3, r)
	}
	r := discountRateRow(m)
	g.row(r-1, st.header, "Appraisal", "Setting", "Value", "Unit", "", "", "Source")
	g.row(r, 0, "discount_rate", "Discount rate (real)")
	g.set(3, r, m.Appraisal.DiscountRate, st.input["percent"])
	g.set(4, r, "per year", 0)
	g.set(7, r, fmt.Sprintf("HM Treasury Green Book: social time preference rate. Discount factor of year t = 1/(1+rate)^t; year 0 (%s) is not discounted. Prices are real (constant prices); %d years.", m.YearLabel(0), m.Appraisal.Years), 0)
	g.name("discount_rate", 3, r)

	h := scheduleHeadRow(m)
	head := []any{"Year (t)", "Financial year", "Benefit realisation"}
	for _, c := range m.Costs {
		head = append(head, c.Name+" (£, before optimism bias)")
	}
	g.row(h, st.header, head...)
	for t := 0; t < m.Appraisal.Years; t++ {
		r := scheduleRow(m, t)
		g.set(1, r, t, 0)
		g.set(2, r, m.YearLabel(t), 0)
		g.set(3, r, m.Realisation.ByYear[t], st.input["percent"])
		for j, c := range m.Costs {
			g.set(4+j, r, c.ByYear[t], st.input["money"])
		}
	}
	r = scheduleRow(m, m.Appraisal.Years) + 1
	g.set(1, r, "Sources of the per-year figures", st.bold)
	g.set(1, r+1, "Benefit realisation: "+m.Realisation.Source+illustrativeNote(m.Realisation.Illustrative), 0)
	for j, c := range m.Costs {
		g.set(1, r+2+j, c.Name+": "+c.Source+illustrativeNote(c.Illustrative), 0)
	}
	return g.err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func illustrativeNote(b bool) string {
	if b {
		return " (illustrative)"
	}
	return ""
}

// The measured volumes' defined names, in the order of benefits.Volumes.
var volumeNames = []struct{ name, label, file string }{
	{"people_in_record", "People in the shared record", "sql/reports/benefits_shared_people.sql"},
	{"information_gaps", "Urgent-care encounters with information held only elsewhere (12 months)", "sql/reports/benefits_information_gaps.sql"},
	{"social_care_admissions", "Hospital admissions of social-care clients (12 months)", "sql/reports/benefits_social_care_admissions.sql"},
	{"repeat_attendances", "Repeat urgent attendances within 30 days (12 months)", "sql/reports/benefits_repeat_attendances.sql"},
}

// streamFormulas value each benefits.Streams entry per year at full realisation, in the
// same order; they are the Go model's arithmetic written with the defined names.
var streamFormulas = map[string]string{
	"clinician_time":     "information_gaps*scale*minutes_saved_per_gap/60*clinician_cost_per_hour",
	"avoided_admissions": "information_gaps*scale*admissions_avoided_per_gap*cost_per_admission",
	"discharge_planning": "social_care_admissions*scale*bed_days_saved_per_client_admission*cost_per_bed_day",
	"repeat_attendances": "repeat_attendances*scale*repeat_share_avoided*cost_per_urgent_attendance",
}

func writeBenefitsSheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	m := p.Model
	g := &grid{x: x, sheet: bBenefits}
	g.widths(44, 16, 14, 16, 16, 16, 16, 16, 12, 16)
	g.freeze(bVolumeRow)
	g.heading(st, "Benefits",
		"Measured in the warehouse over the 12 months to the latest encounter, published under the disclosure policy (a suppressed count is taken as 0), scaled to the community and valued with the assumptions. "+p.Policy)
	g.row(bVolumeRow-1, st.header, "Measured volume", "Published figure", "Computed by")
	vols := []float64{p.Volumes.People, p.Volumes.InformationGaps, p.Volumes.SocialCareAdmissions, p.Volumes.RepeatAttendances}
	for i, v := range volumeNames {
		r := bVolumeRow + i
		g.set(1, r, v.label, 0)
		g.set(2, r, vols[i], st.number)
		g.set(3, r, v.file, 0)
		g.name(v.name, 2, r)
	}
	r := bVolumeRow + len(volumeNames)
	g.set(1, r, "Scale: people covered at full roll-out ÷ people in the record", 0)
	g.formula(2, r, "IF(people_in_record>0,community_population/people_in_record,0)", st.factor)
	g.name("scale", 2, r)

	g.row(bStreamRow-1, st.header, "Benefit", "£ a year at full realisation", "How it is valued")
	for i, s := range benefits.Streams {
		g.set(1, bStreamRow+i, s.Name, 0)
		g.formula(2, bStreamRow+i, streamFormulas[s.ID], st.money)
		g.set(3, bStreamRow+i, s.How+" (× scale)", 0)
	}
	last := bStreamRow + len(benefits.Streams) - 1
	g.set(1, last+1, "All benefits", st.bold)
	g.formula(2, last+1, fmt.Sprintf("SUM(B%d:B%d)", bStreamRow, last), st.moneyBold)

	// The year table: realisation × each stream, its total, discount factor, present value.
	nS := len(benefits.Streams)
	totalCol, dfCol, pvCol := 4+nS, 5+nS, 6+nS
	head := []any{"Year (t)", "Financial year", "Realisation"}
	for _, s := range benefits.Streams {
		head = append(head, s.Name)
	}
	head = append(head, "All benefits", "Discount factor", "Present value")
	g.row(bYearRow-1, st.header, head...)
	Y := m.Appraisal.Years
	for t := 0; t < Y; t++ {
		r := bYearRow + t
		g.set(1, r, t, 0)
		g.set(2, r, m.YearLabel(t), 0)
		g.formula(3, r, fmt.Sprintf("'%s'!C%d", bAssumptions, scheduleRow(m, t)), st.percent)
		for j := range benefits.Streams {
			g.formula(4+j, r, fmt.Sprintf("$B$%d*$C%d", bStreamRow+j, r), st.money)
		}
		g.formula(totalCol, r, fmt.Sprintf("SUM(D%d:%s%d)", r, colName(3+nS), r), st.money)
		g.formula(dfCol, r, fmt.Sprintf("1/(1+discount_rate)^A%d", r), st.factor)
		g.formula(pvCol, r, fmt.Sprintf("%s%d*%s%d", colName(totalCol), r, colName(dfCol), r), st.money)
	}
	tr := bYearRow + Y
	g.set(1, tr, "Total", st.bold)
	for _, c := range append(seq(4, 3+nS), totalCol, pvCol) {
		g.formula(c, tr, fmt.Sprintf("SUM(%s%d:%s%d)", colName(c), bYearRow, colName(c), tr-1), st.moneyBold)
	}
	g.comment(pvCol, tr, "Present value of benefits: each year's benefit × its discount factor 1/(1+discount_rate)^t, summed (year 0 undiscounted). Not Excel's NPV(), which would discount year 0 too.")
	if g.err != nil {
		return g.err
	}
	// Benefits by year, stacked by stream.
	chart := &excelize.Chart{
		Type:      excelize.ColStacked,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Benefits by year and stream (£, real, undiscounted)"}}},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
		Format:    excelize.GraphicOptions{AltText: "Stacked columns: each year's benefit by stream; the figures are in the table on this sheet."},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     excelize.ChartAxis{Font: axisFont},
		YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: `"£"#,##0`}, Font: axisFont},
	}
	for j := range benefits.Streams {
		col := colName(4 + j)
		chart.Series = append(chart.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$%d", bBenefits, col, bYearRow-1),
			Categories: fmt.Sprintf("'%s'!$B$%d:$B$%d", bBenefits, bYearRow, tr-1),
			Values:     fmt.Sprintf("'%s'!$%s$%d:$%s$%d", bBenefits, col, bYearRow, col, tr-1),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(okabeIto[j%len(okabeIto)], "#")}},
		})
	}
	return x.AddChart(bBenefits, fmt.Sprintf("A%d", tr+3), chart)
}

func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// costColumns are the Costs sheet's computed columns after the cost lines.
func costColumns(m *benefits.Model) (sub, uplift, total, df, pv int) {
	n := len(m.Costs)
	return 3 + n, 4 + n, 5 + n, 6 + n, 7 + n
}

func writeCostsSheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	m := p.Model
	g := &grid{x: x, sheet: bCosts}
	sub, uplift, total, df, pv := costColumns(m)
	ws := []float64{10, 14}
	for range m.Costs {
		ws = append(ws, 20)
	}
	g.widths(append(ws, 18, 16, 16, 12, 16)...)
	g.freeze(cYearRow)
	g.heading(st, "Costs",
		"Cost lines by year (sheet Assumptions, real prices), the optimism bias uplift on their sum (assumption optimism_bias), and their present value at the Green Book discount rate.")
	head := []any{"Year (t)", "Financial year"}
	for _, c := range m.Costs {
		head = append(head, c.Name)
	}
	head = append(head, "Costs before optimism bias", "Optimism bias", "Total cost", "Discount factor", "Present value")
	g.row(cYearRow-1, st.header, head...)
	Y := m.Appraisal.Years
	for t := 0; t < Y; t++ {
		r := cYearRow + t
		g.set(1, r, t, 0)
		g.set(2, r, m.YearLabel(t), 0)
		for j := range m.Costs {
			g.formula(3+j, r, fmt.Sprintf("'%s'!%s%d", bAssumptions, colName(4+j), scheduleRow(m, t)), st.money)
		}
		g.formula(sub, r, fmt.Sprintf("SUM(C%d:%s%d)", r, colName(sub-1), r), st.money)
		g.formula(uplift, r, fmt.Sprintf("%s%d*optimism_bias", colName(sub), r), st.money)
		g.formula(total, r, fmt.Sprintf("%s%d+%s%d", colName(sub), r, colName(uplift), r), st.money)
		g.formula(df, r, fmt.Sprintf("1/(1+discount_rate)^A%d", r), st.factor)
		g.formula(pv, r, fmt.Sprintf("%s%d*%s%d", colName(total), r, colName(df), r), st.money)
	}
	tr := cYearRow + Y
	g.set(1, tr, "Total", st.bold)
	for _, c := range append(seq(3, total), pv) {
		g.formula(c, tr, fmt.Sprintf("SUM(%s%d:%s%d)", colName(c), cYearRow, colName(c), tr-1), st.moneyBold)
	}
	g.comment(pv, tr, "Present value of costs: each year's total cost (with optimism bias) × its discount factor, summed; year 0 undiscounted.")
	return g.err
}

func writeSummarySheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	m := p.Model
	g := &grid{x: x, sheet: bSummary}
	g.widths(46, 20, 18, 18, 18, 20, 14)
	g.freeze(sHeadRow)
	Y := m.Appraisal.Years
	bTotal := bYearRow + Y
	_, _, _, _, cPV := costColumns(m)
	cTotal := cYearRow + Y
	bPV := colName(6 + len(benefits.Streams))
	g.heading(st, "Connecting Care: business case for the full roll-out",
		fmt.Sprintf("Generated %s from the warehouse's published copy. %d-year appraisal (%s to %s), real prices, discounted at the Green Book rate (sheet Assumptions); every figure below is a live formula over the Assumptions sheet.",
			p.Generated.In(london).Format("2 January 2006 15:04"), Y, m.YearLabel(0), m.YearLabel(Y-1)),
		"Payback year: the first year in which the cumulative discounted net benefit is £0 or more.")
	g.row(sHeadRow-1, st.header, "Measure", "Value", "Where it comes from")
	cf := sCashFlowRow
	rows := []struct {
		label, formula, from string
		style                int
	}{
		{"Present value of benefits", fmt.Sprintf("'%s'!%s%d", bBenefits, bPV, bTotal), "Benefits sheet, total present value", st.moneyBold},
		{"Present value of costs", fmt.Sprintf("'%s'!%s%d", bCosts, colName(cPV), cTotal), "Costs sheet, total present value (with optimism bias)", st.moneyBold},
		{"Net present value (NPV)", fmt.Sprintf("B%d-B%d", sHeadRow, sHeadRow+1), "benefits − costs, both discounted", st.moneyBold},
		{"Benefit–cost ratio (BCR)", fmt.Sprintf("IF(B%d>0,B%d/B%d,0)", sHeadRow+1, sHeadRow, sHeadRow+1), "present value of benefits ÷ present value of costs", st.factor},
		{"Payback year (t)", fmt.Sprintf(`IF(MIN(G%d:G%d)>=%d,"%s",MIN(G%d:G%d))`, cf, cf+Y-1, Y, noPayback, cf, cf+Y-1),
			"first year t the cumulative discounted net benefit is ≥ £0 (cash-flow table below; year 0 is " + m.YearLabel(0) + ")", 0},
		{"Switching value: change in all benefits that makes NPV £0", fmt.Sprintf(`IF(B%d>0,-B%d/B%d,"n/a")`, sHeadRow, sHeadRow+2, sHeadRow), "−NPV ÷ present value of benefits", st.percent},
		{"Switching value: change in all costs that makes NPV £0", fmt.Sprintf(`IF(B%d>0,B%d/B%d,"n/a")`, sHeadRow+1, sHeadRow+2, sHeadRow+1), "NPV ÷ present value of costs", st.percent},
	}
	for i, r := range rows {
		g.set(1, sHeadRow+i, r.label, 0)
		g.formula(2, sHeadRow+i, r.formula, r.style)
		g.set(3, sHeadRow+i, r.from, 0)
	}
	g.comment(2, sHeadRow+2, "NPV = Σ over years t of (benefit − cost) ÷ (1+discount_rate)^t, year 0 undiscounted; computed from the Assumptions sheet, so it changes when an assumption does.")
	g.comment(2, sHeadRow+4, "The first year whose cumulative discounted net benefit (column F below) is £0 or more.")
	r := sHeadRow + len(rows)
	g.set(1, r, "People in the shared record", 0)
	g.set(2, r, countValue(p.People), st.number)
	g.set(3, r, "sql/reports/benefits_shared_people.sql; "+p.Policy, 0)
	g.set(1, r+1, "People known to two or more providers", 0)
	g.set(2, r+1, countValue(p.PeopleShared), st.number)
	g.set(3, r+1, "sql/reports/benefits_shared_people.sql", 0)

	g.row(cf-1, st.header, "Year (t)", "Financial year", "PV benefits", "PV costs", "Net PV", "Cumulative net PV", "Paid back (t)")
	for t := 0; t < Y; t++ {
		r := cf + t
		g.set(1, r, t, 0)
		g.set(2, r, m.YearLabel(t), 0)
		g.formula(3, r, fmt.Sprintf("'%s'!%s%d", bBenefits, bPV, bYearRow+t), st.money)
		g.formula(4, r, fmt.Sprintf("'%s'!%s%d", bCosts, colName(cPV), cYearRow+t), st.money)
		g.formula(5, r, fmt.Sprintf("C%d-D%d", r, r), st.money)
		g.formula(6, r, fmt.Sprintf("SUM($E$%d:E%d)", cf, r), st.money)
		// t where the cumulative is ≥ 0, else a year past the end: MIN finds the first.
		g.formula(7, r, fmt.Sprintf("IF(F%d>=0,A%d,%d)", r, r, Y), 0)
	}
	return g.err
}

// axisFont keeps the charts' axis labels legible (the readers' default grey is faint).
var axisFont = excelize.Font{Color: "212B32", Size: 9}

// tornadoColours are the low and high ends' colours, as on the page.
var tornadoColours = []string{okabeIto[4], okabeIto[0]}

func writeSensitivitySheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	g := &grid{x: x, sheet: bSensitivity}
	g.widths(44, 22, 14, 14, 14, 16, 16, 16, 16, 16, 14)
	const head = 5
	g.freeze(head + 1)
	g.heading(st, "Sensitivity: each assumption at its low and high, one at a time",
		fmt.Sprintf("Values computed by ccare from %s and the published volumes (NPV %s); they do not follow edits to the Assumptions sheet — run ccare report benefits --benefits FILE for that.", p.Model.Source, Money(p.Result.NPV)),
		"Switching value: the value of the assumption, all others unchanged, at which the NPV is £0, and its change from the value used. Widest swing first; the chart below draws the change in NPV at each end.")
	g.row(head, st.header, "Assumption", "Unit", "Value", "Low", "High", "NPV at low", "NPV at high", "Change at low", "Change at high", "Switching value", "Change to switch")
	for i, s := range p.Swings {
		r := head + 1 + i
		a := s.Assumption
		kind := inputKind(a.Unit)
		plain := map[string]int{"money": st.money, "percent": st.percent, "number": st.number}[kind]
		g.set(1, r, a.Name, 0)
		g.set(2, r, a.Unit, 0)
		g.set(3, r, a.Value, plain)
		g.set(4, r, a.Low, plain)
		g.set(5, r, a.High, plain)
		g.set(6, r, s.NPVLow, st.money)
		g.set(7, r, s.NPVHigh, st.money)
		g.set(8, r, s.NPVLow-p.Result.NPV, st.money)
		g.set(9, r, s.NPVHigh-p.Result.NPV, st.money)
		switch {
		case s.OK && s.Switching < 0:
			g.set(10, r, "none at or above 0", 0)
			g.set(11, r, "the NPV keeps its sign", 0)
		case s.OK:
			g.set(10, r, s.Switching, plain)
			g.set(11, r, s.SwitchingChange, st.percent)
		default:
			g.set(10, r, "none", 0)
			g.set(11, r, "NPV does not depend on it", 0)
		}
	}
	last := head + len(p.Swings)
	if g.err != nil {
		return g.err
	}
	chart := &excelize.Chart{
		Type:      excelize.Bar,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Tornado: change in NPV with each assumption at its low and high (£)"}}},
		Dimension: excelize.ChartDimension{Width: 760, Height: 420},
		Format:    excelize.GraphicOptions{AltText: "Horizontal bars: for each assumption, the change in NPV at its low and at its high; widest first. The figures are in columns H and I."},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, TickLabelPosition: excelize.ChartTickLabelLow, Font: axisFont},
		YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: `"£"#,##0`}, Font: axisFont},
		Overlap:   ptr(100),
		GapWidth:  ptr(uint(40)),
	}
	for j, col := range []string{"H", "I"} {
		chart.Series = append(chart.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$%d", bSensitivity, col, head),
			Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", bSensitivity, head+1, last),
			Values:     fmt.Sprintf("'%s'!$%s$%d:$%s$%d", bSensitivity, col, head+1, col, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(tornadoColours[j], "#")}},
		})
	}
	return x.AddChart(bSensitivity, fmt.Sprintf("A%d", last+3), chart)
}

// writeMeasuresSheet streams the measures by month and provider (the largest sheet).
func writeMeasuresSheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	w, err := newSheet(x, bMeasures)
	if err != nil {
		return err
	}
	notes := []string{"Each benefit measure by month and provider, over the 12 months to the latest encounter in the warehouse. " + p.Policy}
	for _, m := range p.Measures {
		notes = append(notes, m.Title+": "+m.Definition+" ("+m.File+")")
	}
	header := 1 + len(notes) + 2
	for j, width := range []float64{52, 10, 16, 12, 12} {
		if err := w.sw.SetColWidth(j+1, j+1, width); err != nil {
			return err
		}
	}
	if err := w.freezeAbove(header + 1); err != nil {
		return err
	}
	if err := w.heading("Benefit measures by month and provider", notes, st.styles); err != nil {
		return err
	}
	if err := w.put([]any{"Measure", "Month", "Provider", "Events", "People"}, st.header); err != nil {
		return err
	}
	for _, m := range p.Measures {
		if err := w.put([]any{m.Title, "12 months", "all", countValue(m.Events), countValue(m.People)}, st.bold); err != nil {
			return err
		}
		for _, r := range m.Rows {
			if err := w.put([]any{m.Title, r.Month, r.Provider, countValue(r.Events), countValue(r.People)}, 0); err != nil {
				return err
			}
		}
	}
	return w.sw.Flush()
}

func writeDataQualitySheet(x *excelize.File, p *BenefitPack, st *bstyles) error {
	w, err := newSheet(x, bQuality)
	if err != nil {
		return err
	}
	notes := []string{
		"How far each provider's figures can be trusted: rows sent in loaded files, the share a quality rule held back (ccare quarantine list), local identities and the share linked to another record (sql/reports/benefits_data_quality.sql).",
		"Shares are computed from the published counts. " + p.Policy,
	}
	header := 1 + len(notes) + 2
	for j, width := range []float64{14, 40, 12, 16, 14, 16, 14, 16, 16} {
		if err := w.sw.SetColWidth(j+1, j+1, width); err != nil {
			return err
		}
	}
	if err := w.freezeAbove(header + 1); err != nil {
		return err
	}
	if err := w.heading("Data quality behind the figures", notes, st.styles); err != nil {
		return err
	}
	if err := w.put([]any{"Provider", "Organisation", "Rows read", "Rows quarantined", "Quarantined", "Local identities", "Linked", "People known", "Known elsewhere too"}, st.header); err != nil {
		return err
	}
	shared := map[string]SharedPeople{}
	for _, s := range p.SharedByProvider {
		shared[s.Provider] = s
	}
	share := func(v float64, ok bool) excelize.Cell {
		if !ok {
			return excelize.Cell{Value: "–", StyleID: st.na}
		}
		return excelize.Cell{Value: v, StyleID: st.rate}
	}
	for _, q := range p.DataQuality {
		s := shared[q.Provider]
		if err := w.put([]any{q.Provider, q.Organisation, countValue(q.RowsRead), countValue(q.RowsQuarantined), share(q.QuarantinedShare, q.QuarantinedOK),
			countValue(q.LocalIDs), share(q.LinkedShare, q.LinkedShareOK), countValue(s.People), countValue(s.PeopleShared)}, 0); err != nil {
			return err
		}
	}
	return w.sw.Flush()
}

// Money writes £ to the pound, a minus sign before the £: £1,234,567 or -£1,234,567.
func Money(v float64) string {
	s := Pounds(v)
	if strings.HasPrefix(s, "-") {
		return "-£" + s[1:]
	}
	return "£" + s
}

// countValue is a published count as a cell: a number, or its suppressed text ("<8").
// The zero Count (a provider with no row) is 0.
func countValue(c Count) any {
	if c.Shown == "" {
		return int64(0)
	}
	if n, err := strconv.ParseInt(c.Shown, 10, 64); err == nil {
		return n
	}
	return c.Shown
}

// Pounds formats £ to the pound with thousands separators: 1234567.4 → 1,234,567.
func Pounds(v float64) string {
	neg := v < 0
	n := int64(math.Round(math.Abs(v)))
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg && n != 0 {
		return "-" + b.String()
	}
	return b.String()
}
