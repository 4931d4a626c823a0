package reports

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// The data-quality scorecard's bands, in tenths of a percent of rows passed. This is the one
// place they are set; the report's notes quote them from here, and the README repeats them.
const (
	greenFrom = 990 // 99.0%: green at or above
	amberFrom = 950 // 95.0%: amber at or above, red below
)

// trendRuns is how many runs with quality results the trend goes back.
const trendRuns = 10

// qualityCategories are the rule categories of quality.rules, in the scorecard's column
// order. A category found in quality.results but not listed here gets a column after them.
var qualityCategories = []string{"conformance", "completeness", "plausibility", "uniqueness", "relationship"}

// Band is a pass rate's red/amber/green band; NoBand when no row was checked.
type Band string

// The bands.
const (
	NoBand Band = ""
	Red    Band = "red"
	Amber  Band = "amber"
	Green  Band = "green"
)

// Score is a pass rate as published: rows that passed / rows checked, over some rules.
type Score struct {
	Checked, Failed int64
	ErrorRuleFailed bool  // an error-severity rule among them failed its threshold
	Tenths          int64 // the pass rate in tenths of a percent, rounded down
	Band            Band
}

// score is the scorecard's band logic, in one place. The pass rate is rounded down, so that
// 100.0% means no row failed and the band of the figure shown is the band of the exact rate.
// A failed error-severity rule caps the band at amber: a provider cannot look green while
// failing a rule that quarantines rows. No rows checked: no rate, no band.
func score(checked, failed int64, errorRuleFailed bool) Score {
	s := Score{Checked: checked, Failed: failed, ErrorRuleFailed: errorRuleFailed}
	if checked <= 0 {
		return s
	}
	s.Tenths = s.Passed() * 1000 / checked
	switch {
	case s.Tenths >= greenFrom:
		s.Band = Green
	case s.Tenths >= amberFrom:
		s.Band = Amber
	default:
		s.Band = Red
	}
	if errorRuleFailed && s.Band == Green {
		s.Band = Amber
	}
	return s
}

// plus is the score of both sets of rules together.
func (s Score) plus(o Score) Score {
	return score(s.Checked+o.Checked, s.Failed+o.Failed, s.ErrorRuleFailed || o.ErrorRuleFailed)
}

// Passed is how many of the rows checked passed.
func (s Score) Passed() int64 { return min(max(s.Checked-s.Failed, 0), s.Checked) }

// Shown is the pass rate as printed ("99.5%"), or "–" when no row was checked.
func (s Score) Shown() string {
	if s.Band == NoBand {
		return "–"
	}
	return tenths(s.Tenths)
}

// Label names the band in words, so that colour is not its only carrier.
func (s Score) Label() string {
	if s.Band == NoBand {
		return "Not applicable"
	}
	return strings.ToUpper(string(s.Band[:1])) + string(s.Band[1:])
}

// Marker is "*" when an error-severity rule failed its threshold.
func (s Score) Marker() string {
	if s.Band != NoBand && s.ErrorRuleFailed {
		return "*"
	}
	return ""
}

// checkedAny tells whether any of the scores had rows checked.
func checkedAny(series []Score) bool {
	return slices.ContainsFunc(series, func(s Score) bool { return s.Band != NoBand })
}

// Fraction is the pass rate as shown, as a fraction (0.995), for Excel's percent format.
func (s Score) Fraction() float64 { return float64(s.Tenths) / 1000 }

// tenths prints tenths of a percent: 995 → "99.5%".
func tenths(t int64) string { return fmt.Sprintf("%d.%d%%", t/10, t%10) }

// Quality is the summary's data-quality section, from quality.results: the scorecard of the
// latest run with results, the trend over the last runs with results, and the rules table.
type Quality struct {
	Runs       []QualityRun // oldest first; the last is the scorecard's; none: no results yet
	Categories []string     // the category columns; Scores and Trend add "overall" after them
	Providers  []ProviderQuality
	Rules      []RuleResult // the scorecard run's results, failing rules first
	Floor      int64        // the bottom of the sparklines' scale, in tenths of a percent
}

// QualityRun is one run with quality results.
type QualityRun struct {
	RunID   int64
	Started string // UK time; "" if the run is not in ops.runs
}

// ProviderQuality is one row of the scorecard and of the trend.
type ProviderQuality struct {
	Provider, Organisation string
	Scores                 []Score     // per category, then overall
	Trend                  [][]Score   // per category then overall, per run of Quality.Runs
	Sparklines             []Sparkline // drawn from Trend
}

// RuleResult is one rule's result for one provider.
type RuleResult struct {
	Provider, RuleID, Category, Severity, Description string
	Checked, Failed                                   int64
	FailureRate, Threshold                            float64
	Passed                                            bool
}

// Rate and Limit print the failure rate and threshold as percentages.
func (r RuleResult) Rate() string  { return strconv.FormatFloat(r.FailureRate*100, 'f', 2, 64) + "%" }
func (r RuleResult) Limit() string { return strconv.FormatFloat(r.Threshold*100, 'f', 2, 64) + "%" }

// Result is "Pass" or "Fail".
func (r RuleResult) Result() string {
	if r.Passed {
		return "Pass"
	}
	return "Fail"
}

// Run is the scorecard's run: the latest with results.
func (q *Quality) Run() QualityRun {
	if len(q.Runs) == 0 {
		return QualityRun{}
	}
	return q.Runs[len(q.Runs)-1]
}

// Columns are the scorecard's and the trend's score columns, as headed.
func (q *Quality) Columns() []string {
	var cols []string
	for _, c := range q.Categories {
		cols = append(cols, title(c))
	}
	return append(cols, "Overall")
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ScorecardNote explains the scorecard, with the bands as set above.
func (q *Quality) ScorecardNote() []string {
	r := q.Run()
	started := ""
	if r.Started != "" {
		started = ", started " + r.Started
	}
	return []string{
		fmt.Sprintf("Run %d%s, the latest run with quality results. Pass rate = (rows checked − rows failed) ÷ rows checked, summed over the category's rules (a row checked by two rules counts twice); Overall sums all the provider's rules.", r.RunID, started),
		fmt.Sprintf("Green: %s or more; Amber: %s to below %s; Red: below %s. Rates are rounded down, so 100.0%% means no row failed.", tenths(greenFrom), tenths(amberFrom), tenths(greenFrom), tenths(amberFrom)),
		"* An error-severity rule (one that quarantines rows) failed its threshold: the cell is at most Amber, whatever its rate. – No rule of the category checked any of the provider's rows.",
	}
}

// TrendNote explains the trend.
func (q *Quality) TrendNote() []string {
	runs := fmt.Sprintf("Pass rate in each of the last %d runs with quality results (runs %d to %d), oldest on the left; the newest, and a run alone between gaps, is a dot. A gap: no rows checked in that run.", len(q.Runs), q.Runs[0].RunID, q.Run().RunID)
	if len(q.Runs) == 1 {
		runs = fmt.Sprintf("Only one run (run %d) has quality results so far: each trend is a single point. The trend grows with each run, up to the last %d.", q.Runs[0].RunID, trendRuns)
	}
	return []string{runs,
		fmt.Sprintf("Each line is drawn over three zones of equal height, one per band, edged by dotted lines: Green (%s to 100%%) at the top, Amber (%s to %s) in the middle, Red (below %s, down to %s) at the bottom. The vertical scale is therefore not even: it spreads out the rates near 100%%, where most providers are.", tenths(greenFrom), tenths(amberFrom), tenths(greenFrom), tenths(amberFrom), tenths(q.Floor)),
	}
}

// RulesNote explains the rules table, and why its counts are not suppressed.
func (q *Quality) RulesNote() []string {
	return []string{
		fmt.Sprintf("Every rule that checked a provider's rows in run %d: failing rules first. A rule fails when its failure rate is above its threshold.", q.Run().RunID),
		"The counts are of records (rows as sent), not of people, and say only that a row failed a technical check: small-number suppression does not apply to them.",
	}
}

// LoadQuality reads the data-quality section.
func LoadQuality(ctx context.Context, db sqlfiles.Querier) (*Quality, error) {
	q := &Quality{}
	err := queryRows(ctx, db, "reports/summary_quality_runs.sql", []any{trendRuns}, func(scan func(...any) error) error {
		var r QualityRun
		var started *time.Time
		if err := scan(&r.RunID, &started); err != nil {
			return err
		}
		if started != nil {
			r.Started = started.In(london).Format("2006-01-02 15:04")
		}
		q.Runs = append(q.Runs, r)
		return nil
	})
	if err != nil || len(q.Runs) == 0 {
		q.Categories = qualityCategories
		return q, err
	}
	slices.Reverse(q.Runs)

	type sums struct {
		run                int64
		provider, category string
		s                  Score
	}
	var latest, trend []sums
	var order []ProviderQuality
	err = queryRows(ctx, db, "reports/summary_scorecard.sql", nil, func(scan func(...any) error) error {
		var p ProviderQuality
		var category *string
		var checked, failed int64
		var errorFailed bool
		if err := scan(&p.Provider, &p.Organisation, &category, &checked, &failed, &errorFailed); err != nil {
			return err
		}
		if len(order) == 0 || order[len(order)-1].Provider != p.Provider {
			order = append(order, p)
		}
		if category != nil {
			latest = append(latest, sums{provider: p.Provider, category: *category, s: score(checked, failed, errorFailed)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "reports/summary_quality_trend.sql", []any{trendRuns}, func(scan func(...any) error) error {
		var r sums
		var started *time.Time
		var checked, failed int64
		var errorFailed bool
		if err := scan(&r.run, &started, &r.provider, &r.category, &checked, &failed, &errorFailed); err != nil {
			return err
		}
		r.s = score(checked, failed, errorFailed)
		trend = append(trend, r)
		return nil
	})
	if err != nil {
		return nil, err
	}

	q.Categories = slices.Clone(qualityCategories)
	var extra []string
	for _, r := range slices.Concat(latest, trend) {
		if !slices.Contains(q.Categories, r.category) && !slices.Contains(extra, r.category) {
			extra = append(extra, r.category)
		}
	}
	slices.Sort(extra)
	q.Categories = append(q.Categories, extra...)
	column := func(category string) int { return slices.Index(q.Categories, category) }
	runIndex := func(run int64) int {
		return slices.IndexFunc(q.Runs, func(r QualityRun) bool { return r.RunID == run })
	}
	overall := len(q.Categories)

	byProvider := map[string]*ProviderQuality{}
	for _, p := range order {
		p.Scores = make([]Score, overall+1)
		p.Trend = make([][]Score, overall+1)
		for i := range p.Trend {
			p.Trend[i] = make([]Score, len(q.Runs))
		}
		q.Providers = append(q.Providers, p)
	}
	for i := range q.Providers {
		byProvider[q.Providers[i].Provider] = &q.Providers[i]
	}
	for _, r := range latest {
		p := byProvider[r.provider]
		p.Scores[column(r.category)] = r.s
		p.Scores[overall] = p.Scores[overall].plus(r.s)
	}
	for _, r := range trend {
		p, i := byProvider[r.provider], runIndex(r.run)
		if p == nil || i < 0 {
			continue
		}
		p.Trend[column(r.category)][i] = r.s
		p.Trend[overall][i] = p.Trend[overall][i].plus(r.s)
	}

	// One scale for every sparkline, down to 90% (or lower, in steps of 10%, to take in the
	// lowest rate), so that lines can be compared across cells.
	q.Floor = 900
	for _, p := range q.Providers {
		for _, series := range p.Trend {
			for _, s := range series {
				if s.Band != NoBand {
					q.Floor = min(q.Floor, s.Tenths/100*100)
				}
			}
		}
	}
	columns := q.Columns()
	for i := range q.Providers {
		p := &q.Providers[i]
		for c, series := range p.Trend {
			p.Sparklines = append(p.Sparklines, q.sparkline(columns[c], series))
		}
	}

	err = queryRows(ctx, db, "reports/summary_quality_rules.sql", nil, func(scan func(...any) error) error {
		var r RuleResult
		if err := scan(&r.Provider, &r.RuleID, &r.Category, &r.Severity, &r.Description,
			&r.Checked, &r.Failed, &r.FailureRate, &r.Threshold, &r.Passed); err != nil {
			return err
		}
		q.Rules = append(q.Rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// queryRows runs an embedded query and hands each row to each.
func queryRows(ctx context.Context, db sqlfiles.Querier, name string, args []any, each func(scan func(...any) error) error) error {
	text, err := sqlfiles.File(name)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, text, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Sparkline is a small inline SVG line of pass rates, one point per run.
type Sparkline struct {
	Width, Height  int
	Zones          []Zone   // the bands' zones, top to bottom
	Lines          []string // the points of each stretch of consecutive runs with rows checked
	Dots           []Point  // points with no neighbour, and the newest point
	GreenY, AmberY string   // where the band thresholds fall
	Label          string   // the figures in words, for the tooltip and screen readers
	Empty          bool     // no rows checked in any run
}

// Zone is the strip of a sparkline where one band's rates fall.
type Zone struct {
	Band      Band
	Y, Height int
}

// Point is an SVG coordinate, printed.
type Point struct{ X, Y string }

// A sparkline is three zones of equal height, one per band, between two pads: the vertical
// scale is even within a zone, so that 99.1% and 99.9% are told apart on the same line
// that shows a fall to 80%.
const sparkWidth, sparkZone, sparkPad = 100, 8, 3

func (q *Quality) sparkline(column string, series []Score) Sparkline {
	sp := Sparkline{Width: sparkWidth, Height: 3*sparkZone + 2*sparkPad, Empty: !checkedAny(series), Zones: []Zone{
		{Green, 0, sparkPad + sparkZone}, {Amber, sparkPad + sparkZone, sparkZone}, {Red, sparkPad + 2*sparkZone, sparkZone + sparkPad}}}
	n := len(series)
	x := func(i int) float64 {
		if n == 1 {
			return sparkWidth / 2
		}
		return sparkPad + float64(i)*(sparkWidth-2*sparkPad)/float64(n-1)
	}
	y := func(t int64) float64 {
		zone := func(i int, top, bottom int64) float64 {
			return sparkPad + sparkZone*(float64(i)+float64(top-t)/float64(top-bottom))
		}
		switch {
		case t >= greenFrom:
			return zone(0, 1000, greenFrom)
		case t >= amberFrom:
			return zone(1, greenFrom, amberFrom)
		default:
			return zone(2, amberFrom, min(q.Floor, t))
		}
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
	sp.GreenY, sp.AmberY = num(y(greenFrom)), num(y(amberFrom))
	var line []string
	flush := func() {
		switch len(line) {
		case 0:
		case 1:
			xy := strings.Split(line[0], ",")
			sp.Dots = append(sp.Dots, Point{xy[0], xy[1]})
		default:
			sp.Lines = append(sp.Lines, strings.Join(line, " "))
		}
		line = nil
	}
	var words []string
	for i, s := range series {
		if s.Band == NoBand {
			flush()
			words = append(words, "no rows checked")
			continue
		}
		line = append(line, num(x(i))+","+num(y(s.Tenths)))
		words = append(words, s.Shown())
	}
	single := len(line) == 1
	flush()
	if last := series[n-1]; last.Band != NoBand && !single {
		sp.Dots = append(sp.Dots, Point{num(x(n - 1)), num(y(last.Tenths))})
	}
	if n == 1 {
		sp.Label = fmt.Sprintf("%s, run %d: %s", column, q.Runs[0].RunID, words[0])
	} else {
		sp.Label = fmt.Sprintf("%s, runs %d to %d: %s", column, q.Runs[0].RunID, q.Runs[n-1].RunID, strings.Join(words, ", "))
	}
	return sp
}
