package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// The workbook's data-quality sheets.
const (
	scorecardSheet = "Quality scorecard"
	rulesSheet     = "Quality rules"
	trendSheet     = "Quality trend"
)

// The band colours (NHS identity palette), with text colours that read on them.
var bandColours = map[Band]struct{ fill, font string }{
	Green: {"007F3B", "FFFFFF"},
	Amber: {"FFB81C", "212B32"},
	Red:   {"D5281B", "FFFFFF"},
}

// styles are the workbook's cell styles.
type styles struct {
	bold, header, na, rate, percent int
	score                           map[Band]map[bool]int // band, marked → a percent whose format prints the band's name
	bandText                        map[Band]int          // band → the band's fill, for a text cell
}

func newStyles(x *excelize.File) (*styles, error) {
	st := &styles{score: map[Band]map[bool]int{}, bandText: map[Band]int{}}
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.NewStyle(s)
		return id
	}
	format := func(f string) *string { return &f }
	st.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.header = style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EDEE"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "AEB7BD", Style: 1}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
	})
	st.na = style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	st.rate = style(&excelize.Style{CustomNumFmt: format("0.0%")})
	st.percent = style(&excelize.Style{CustomNumFmt: format("0.00%")})
	for band, c := range bandColours {
		fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}}
		font := &excelize.Font{Color: c.font, Bold: true}
		st.score[band] = map[bool]int{}
		for _, marked := range []bool{false, true} {
			name := Score{Band: band}.Label()
			if marked {
				name += "*"
			}
			// The band's name is part of the number format: the cell stays a number.
			st.score[band][marked] = style(&excelize.Style{Fill: fill, Font: font,
				CustomNumFmt: format(`0.0%" ` + name + `"`)})
		}
		st.bandText[band] = style(&excelize.Style{Fill: fill, Font: font})
	}
	return st, err
}

// scoreCell is a pass rate as a number (the rate shown, rounded down) whose format prints
// its band, or "–" when no row was checked.
func scoreCell(s Score, st *styles) excelize.Cell {
	if s.Band == NoBand {
		return excelize.Cell{Value: "–", StyleID: st.na}
	}
	return excelize.Cell{Value: s.Fraction(), StyleID: st.score[s.Band][s.Marker() != ""]}
}

// writeQualitySheets adds the scorecard (with a trend chart per provider), the rules, and
// the trend's figures, which the charts draw.
func writeQualitySheets(x *excelize.File, q *Quality, st *styles) error {
	for _, name := range []string{scorecardSheet, rulesSheet, trendSheet} {
		if _, err := x.NewSheet(name); err != nil {
			return err
		}
	}
	firstRows, err := writeTrendSheet(x, q, st)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", trendSheet, err)
	}
	if err := writeScorecardSheet(x, q, st, firstRows); err != nil {
		return fmt.Errorf("sheet %s: %w", scorecardSheet, err)
	}
	if err := writeRulesSheet(x, q, st); err != nil {
		return fmt.Errorf("sheet %s: %w", rulesSheet, err)
	}
	return nil
}

const noQualityResults = "No run has recorded quality results yet."

// The trend charts on the scorecard sheet: two abreast, each this many pixels and rows.
const chartWidth, chartHeight, chartRows = 520, 260, 14

// writeScorecardSheet writes the scorecard, one row per provider, then a line chart per
// provider of its pass rates run by run. It uses the cell API rather than a StreamWriter,
// which would drop the charts. Excel's sparklines would be smaller, but LibreOffice (7.4)
// draws them as stray dots, so charts it is. firstRows[provider][column] is the trend
// sheet's first row of that series, 0 for none.
func writeScorecardSheet(x *excelize.File, q *Quality, st *styles, firstRows map[string][]int) error {
	name := scorecardSheet
	row := 1
	put := func(col int, vals ...any) error {
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(col+j, row)
			c, ok := v.(excelize.Cell)
			if !ok {
				c = excelize.Cell{Value: v}
			}
			if err := x.SetCellValue(name, cell, safeValue(c.Value)); err != nil {
				return err
			}
			if c.StyleID != 0 {
				if err := x.SetCellStyle(name, cell, cell, c.StyleID); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := put(1, excelize.Cell{Value: "Data quality scorecard", StyleID: st.bold}); err != nil {
		return err
	}
	row++
	if len(q.Runs) == 0 {
		return put(1, noQualityResults)
	}
	for _, n := range q.ScorecardNote() {
		if err := put(1, n); err != nil {
			return err
		}
		row++
	}
	row++
	columns := q.Columns()
	header := []any{}
	for _, c := range append([]string{"Provider", "Organisation"}, columns...) {
		header = append(header, excelize.Cell{Value: c, StyleID: st.header})
	}
	if err := put(1, header...); err != nil {
		return err
	}
	headerRow := row
	row++
	for _, p := range q.Providers {
		vals := []any{p.Provider, p.Organisation}
		for _, s := range p.Scores {
			vals = append(vals, scoreCell(s, st))
		}
		if err := put(1, vals...); err != nil {
			return err
		}
		row++
	}
	if err := x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headerRow,
		TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := x.SetColWidth(name, "A", "A", 16); err != nil {
		return err
	}
	if err := x.SetColWidth(name, "B", "B", 44); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(2 + len(columns))
	if err := x.SetColWidth(name, "C", last, 16); err != nil {
		return err
	}

	row++
	if err := put(1, excelize.Cell{Value: "Data quality trend", StyleID: st.bold}); err != nil {
		return err
	}
	row++
	for _, n := range trendChartNote(q) {
		if err := put(1, n); err != nil {
			return err
		}
		row++
	}
	row++
	runs := len(q.Runs)
	charts := 0
	for _, p := range q.Providers {
		chart := &excelize.Chart{
			Type:         excelize.Line,
			Title:        excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: p.Provider + ": pass rate per run"}}},
			Dimension:    excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
			Format:       excelize.GraphicOptions{AltText: p.Provider + ": pass rate per category in runs " + fmt.Sprint(q.Runs[0].RunID) + " to " + fmt.Sprint(q.Run().RunID) + "; the figures are in the sheet " + trendSheet + "."},
			Legend:       excelize.ChartLegend{Position: "bottom"},
			ShowBlanksAs: "gap",
			XAxis:        excelize.ChartAxis{Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Run"}}}},
			YAxis: excelize.ChartAxis{MajorGridLines: true, Minimum: ptr(float64(chartFloor(p)) / 1000), Maximum: ptr(1.0),
				NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		}
		for c, first := range firstRows[p.Provider] {
			if first == 0 {
				continue
			}
			width := 1.5
			if c == len(columns)-1 {
				width = 3 // overall
			}
			chart.Series = append(chart.Series, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$D$%d", trendSheet, first),
				Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", trendSheet, first, first+runs-1),
				Values:     fmt.Sprintf("'%s'!$G$%d:$G$%d", trendSheet, first, first+runs-1),
				Line:       excelize.LineOptions{Width: width},
				Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5},
			})
		}
		if len(chart.Series) == 0 {
			continue
		}
		cell := fmt.Sprintf("A%d", row+charts/2*chartRows)
		if charts%2 == 1 {
			cell = fmt.Sprintf("D%d", row+charts/2*chartRows)
		}
		if err := x.AddChart(name, cell, chart); err != nil {
			return fmt.Errorf("chart for %s: %w", p.Provider, err)
		}
		charts++
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// trendChartNote explains the scorecard sheet's trend charts.
func trendChartNote(q *Quality) []string {
	if len(q.Runs) == 1 {
		return []string{q.TrendNote()[0] + " One chart per provider; the figures are in the sheet " + trendSheet + "."}
	}
	return []string{fmt.Sprintf("One chart per provider: the pass rate of each category (and, thicker, overall) in each of the last %d runs with quality results (runs %d to %d). A gap: no rows checked in that run. Each chart's scale starts at the whole percent below the provider's lowest rate. The figures are in the sheet %s.", len(q.Runs), q.Runs[0].RunID, q.Run().RunID, trendSheet)}
}

// trendSheetNote explains the trend's figures.
func trendSheetNote(q *Quality) []string {
	notes := []string{
		fmt.Sprintf("The figures behind the trend charts on the sheet %s: per provider and category (then overall), one row per run, oldest first, for the last %d runs with quality results (runs %d to %d).", scorecardSheet, len(q.Runs), q.Runs[0].RunID, q.Run().RunID),
		"Pass rates and bands as on the scorecard; a run in which no row was checked has no rate. A category no run checked for a provider has no rows.",
	}
	if len(q.Runs) == 1 {
		notes = append(notes, q.TrendNote()[0])
	}
	return notes
}

// chartFloor is the bottom of a provider's chart: the whole percent below its lowest rate
// (99% if all are 100%), so that rates near 100% do not merge into one line.
func chartFloor(p ProviderQuality) int64 {
	floor := int64(990)
	for _, series := range p.Trend {
		for _, s := range series {
			if s.Band != NoBand {
				floor = min(floor, s.Tenths/10*10)
			}
		}
	}
	return floor
}

// writeRulesSheet writes every rule's result in the scorecard's run, failing rules first.
func writeRulesSheet(x *excelize.File, q *Quality, st *styles) error {
	w, err := newSheet(x, rulesSheet)
	if err != nil {
		return err
	}
	if len(q.Runs) == 0 {
		if err := w.heading("Data quality rules", []string{noQualityResults}, st); err != nil {
			return err
		}
		return w.sw.Flush()
	}
	notes := q.RulesNote()
	columns := []string{"Provider", "Rule", "Category", "Severity", "What the rule checks", "Rows checked", "Rows failed", "Failure rate", "Threshold", "Result"}
	rows := make([][]any, len(q.Rules))
	for i, r := range q.Rules {
		rows[i] = []any{r.Provider, r.RuleID, r.Category, r.Severity, r.Description, r.Checked, r.Failed, r.Rate(), r.Limit(), r.Result()}
	}
	if err := w.widths(columns, rows); err != nil {
		return err
	}
	if err := w.freezeAbove(1 + len(notes) + 3); err != nil {
		return err
	}
	if err := w.heading("Data quality rules", notes, st); err != nil {
		return err
	}
	if err := w.put(anys(columns), st.header); err != nil {
		return err
	}
	for _, r := range q.Rules {
		result := excelize.Cell{Value: r.Result()}
		if !r.Passed {
			result.StyleID = st.bandText[Red]
		}
		if err := w.put([]any{r.Provider, r.RuleID, r.Category, r.Severity, r.Description, r.Checked, r.Failed,
			excelize.Cell{Value: r.FailureRate, StyleID: st.percent},
			excelize.Cell{Value: r.Threshold, StyleID: st.percent},
			result}, 0); err != nil {
			return err
		}
	}
	return w.sw.Flush()
}

// writeTrendSheet writes the trend's figures: per provider and score column that had rows
// checked in any of the runs, one row per run, oldest first. It returns the first row of
// each series, for the scorecard's charts.
func writeTrendSheet(x *excelize.File, q *Quality, st *styles) (map[string][]int, error) {
	w, err := newSheet(x, trendSheet)
	if err != nil {
		return nil, err
	}
	firstRows := map[string][]int{}
	if len(q.Runs) == 0 {
		if err := w.heading("Data quality trend", []string{noQualityResults}, st); err != nil {
			return nil, err
		}
		return firstRows, w.sw.Flush()
	}
	notes := trendSheetNote(q)
	columns := []string{"Run", "Run started", "Provider", "Category", "Rows checked", "Rows failed", "Pass rate", "Band"}
	for i, width := range []float64{8, 18, 16, 16, 14, 14, 12, 16} {
		if err := w.sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if err := w.freezeAbove(1 + len(notes) + 3); err != nil {
		return nil, err
	}
	if err := w.heading("Data quality trend", notes, st); err != nil {
		return nil, err
	}
	if err := w.put(anys(columns), st.header); err != nil {
		return nil, err
	}
	names := q.Columns()
	for _, p := range q.Providers {
		firstRows[p.Provider] = make([]int, len(p.Trend))
		for c, series := range p.Trend {
			if !checkedAny(series) {
				continue
			}
			firstRows[p.Provider][c] = w.row
			for i, s := range series {
				rate, band := excelize.Cell{}, excelize.Cell{Value: s.Label()}
				if s.Band != NoBand {
					rate = excelize.Cell{Value: s.Fraction(), StyleID: st.rate}
					band = excelize.Cell{Value: s.Label() + s.Marker(), StyleID: st.bandText[s.Band]}
				}
				if err := w.put([]any{q.Runs[i].RunID, q.Runs[i].Started, p.Provider, names[c], s.Checked, s.Failed, rate, band}, 0); err != nil {
					return nil, err
				}
			}
		}
	}
	return firstRows, w.sw.Flush()
}
