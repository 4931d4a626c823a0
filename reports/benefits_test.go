package reports

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bnssg-connecting-care/ccare/benefits"
)

// exact publishes every count as it is, so that the fixture's hand-counted answers show.
var exact = Disclosure{SuppressBelow: 0, RoundTo: 1}

func benefitsInfo(t *testing.T, d Disclosure) BenefitsInfo {
	t.Helper()
	m, err := benefits.Default()
	if err != nil {
		t.Fatal(err)
	}
	return BenefitsInfo{Generated: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), Disclosure: d, Model: m}
}

// The measures count what testdata/benefits.sql says they should, by hand.
func TestBenefitMeasures(t *testing.T) {
	conn := testWarehouse(t, "warehouse.sql", "benefits.sql")
	p, err := LoadBenefits(context.Background(), conn, benefitsInfo(t, exact))
	if err != nil {
		t.Fatal(err)
	}
	if p.People.Value != 5 || p.PeopleShared.Value != 4 {
		t.Errorf("people %d, shared %d; want 5 and 4", p.People.Value, p.PeopleShared.Value)
	}
	want := map[string]struct {
		events, people int64
		rows           []MeasureRow
	}{
		"information_gaps":       {2, 1, []MeasureRow{{Month: "2026-10", Provider: "uhbw-ed", Events: plain(2), People: plain(1)}}},
		"social_care_admissions": {1, 1, []MeasureRow{{Month: "2026-09", Provider: "nbt-pas", Events: plain(1), People: plain(1)}}},
		"repeat_attendances":     {1, 1, []MeasureRow{{Month: "2026-10", Provider: "uhbw-ed", Events: plain(1), People: plain(1)}}},
	}
	for _, m := range p.Measures {
		w := want[m.ID]
		if m.Events.Value != w.events || m.People.Value != w.people || !slices.Equal(m.Rows, w.rows) {
			t.Errorf("%s: %d events, %d people, rows %+v; want %d, %d, %+v", m.ID, m.Events.Value, m.People.Value, m.Rows, w.events, w.people, w.rows)
		}
	}
	if v := p.Volumes; v != (benefits.Volumes{People: 5, InformationGaps: 2, SocialCareAdmissions: 1, RepeatAttendances: 1}) {
		t.Errorf("volumes %+v", v)
	}
	var gp ProviderDataQuality
	for _, q := range p.DataQuality {
		if q.Provider == "gp-emis" {
			gp = q
		}
	}
	if gp.RowsRead.Value != 120 || gp.RowsQuarantined.Value != 3 || gp.QuarantinedShare != 0.025 || gp.LocalIDs.Value != 4 || gp.LinkedShare != 1 {
		t.Errorf("gp-emis data quality %+v", gp)
	}

	// Under the default policy every count here is 1 to 7: suppressed, and the model has no
	// people to scale by, which it says rather than publish.
	if _, err := LoadBenefits(context.Background(), conn, benefitsInfo(t, DefaultDisclosure)); !errors.Is(err, benefits.ErrNoPeople) {
		t.Errorf("default policy on five people: %v, want ErrNoPeople", err)
	}
}

// The page matches its golden file and is self-contained; the workbook has its sheets,
// live formulas, defined names, charts, and neutralised source text.
func TestBenefitsPack(t *testing.T) {
	conn := testWarehouse(t, "warehouse.sql", "benefits.sql")
	dir := t.TempDir()
	paths, p, err := WriteBenefits(context.Background(), conn, dir, benefitsInfo(t, exact))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "benefits.golden.html"), page)
	for _, no := range []string{"http://", "https://", "<script", "<link", "<img", "url(http", "@import", "@font-face"} {
		if strings.Contains(strings.ReplaceAll(string(page), `xmlns="http://www.w3.org/2000/svg"`, ""), no) {
			t.Errorf("benefits.html contains %q", no)
		}
	}
	for _, want := range []string{`<svg role="img" aria-labelledby="benefits-by-year-title benefits-by-year-desc"`, `<title id="benefits-by-year-title">Benefits by year and stream</title>`,
		`<svg role="img" aria-labelledby="tornado-title tornado-desc"`, `<title id="tornado-title">`, `<desc id="tornado-desc">`,
		"@page { size: A4;", "@media print", "#0072B2", "#D55E00"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("benefits.html lacks %q", want)
		}
	}

	x, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, BenefitsSheets) {
		t.Errorf("sheets %q, want %q", got, BenefitsSheets)
	}
	for _, c := range []struct{ sheet, cell, formula string }{
		{bSummary, SummaryNPVCell, "B5-B6"},
		{bSummary, SummaryBCRCell, "IF(B6>0,B5/B6,0)"},
		{bBenefits, "B12", "information_gaps*scale*minutes_saved_per_gap/60*clinician_cost_per_hour"},
		{bBenefits, "I20", "1/(1+discount_rate)^A20"},
		{bCosts, "G5", "F5*optimism_bias"},
	} {
		if f, err := x.GetCellFormula(c.sheet, c.cell); err != nil || f != c.formula {
			t.Errorf("%s!%s formula %q (%v), want %q", c.sheet, c.cell, f, err, c.formula)
		}
	}
	names := map[string]string{}
	for _, n := range x.GetDefinedName() {
		names[n.Name] = n.RefersTo
	}
	for _, id := range append(slices.Clone(benefits.RequiredAssumptions), "discount_rate", "people_in_record", "information_gaps", "scale") {
		if names[id] == "" {
			t.Errorf("no defined name %s", id)
		}
	}
	if got := names[benefits.CommunityPopulation]; got != "'Assumptions'!$C$6" {
		t.Errorf("community_population refers to %q", got)
	}
	if v, _ := x.GetCellValue(bAssumptions, "C6"); v != "1,000,000" {
		t.Errorf("Assumptions!C6 shows %q, want 1,000,000", v)
	}
	// The organisation "=Out-of-hours GP service" is text, not a formula.
	rows, err := x.GetRows(bQuality)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 1 && r[0] == "ooh-adastra" {
			found = r[1] == "'=Out-of-hours GP service"
		}
	}
	if !found {
		t.Errorf("ooh-adastra's organisation not neutralised in %s: %q", bQuality, rows)
	}
	for _, sheet := range BenefitsSheets {
		if panes, err := x.GetPanes(sheet); err != nil || !panes.Freeze {
			t.Errorf("%s: no frozen header rows (%v)", sheet, err)
		}
	}
	z, err := zip.OpenReader(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	charts := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want 2 (benefits by year, tornado)", charts)
	}
	if p.Result.NPV == 0 {
		t.Error("NPV is 0")
	}
}
