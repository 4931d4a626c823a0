package reports

import (
	"archive/zip"
	"context"
	"database/sql"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/transform"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testWarehouse opens a new warehouse with an empty core (built by the transform, as a run
// builds it) and loads the given fixtures from testdata/, in order.
func testWarehouse(t *testing.T, fixtures ...string) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := load.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), load.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := transform.Run(ctx, conn, 0, nil, nil, transform.DefaultLinkage(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		text, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, string(text)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return conn
}

var testInfo = SummaryInfo{RunID: 5, Generated: time.Date(2026, 11, 1, 9, 0, 5, 0, time.UTC)}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the page written (run go test ./reports -update and review the diff):\n%s", golden, got)
	}
}

// Three runs with quality results (1, 2 and 4; see testdata/quality_three_runs.sql): the page
// matches its golden file, and the workbook holds the scorecard, rules and trend.
func TestSummaryQuality(t *testing.T) {
	conn := testWarehouse(t, "warehouse.sql", "quality_three_runs.sql")
	dir := t.TempDir()
	paths, err := WriteSummary(context.Background(), conn, dir, testInfo)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "summary.golden.html"), page)
	for _, no := range []string{"<script", "<link", "<img", "url(", "retired"} {
		if strings.Contains(string(page), no) {
			t.Errorf("summary.html contains %q", no)
		}
	}

	x, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	want := []string{"Summary", "Systems", "People", "Quarantine", "Quality scorecard", "Quality rules", "Quality trend"}
	if got := x.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}

	// The scorecard: header on row 6, then gp-emis, nbt-pas, bcc-social; columns C to G are
	// the categories, H overall. Each rate is a number; its format prints the band.
	const header Band = "header"
	fills := map[Band]string{Green: "007F3B", Amber: "FFB81C", Red: "D5281B", header: "E8EDEE"}
	for _, tt := range []struct {
		cell, raw, shown string
		band             Band
	}{
		{"A6", "Provider", "Provider", header},
		{"H6", "Overall", "Overall", header},
		{"A7", "gp-emis", "gp-emis", NoBand},
		{"C7", "0.999", "99.9% Green", Green},
		{"F7", "–", "–", NoBand},
		{"C8", "0.999", "99.9% Green", Green},
		{"D8", "0.998", "99.8% Amber*", Amber}, // an error rule failed: capped
		{"E8", "0.933", "93.3% Red*", Red},
		{"F8", "0.995", "99.5% Green", Green}, // a failed warning rule does not cap
		{"G8", "0.97", "97.0% Amber", Amber},
		{"H8", "0.989", "98.9% Amber*", Amber},
		{"A9", "bcc-social", "bcc-social", NoBand},
		{"H9", "–", "–", NoBand}, // no results in run 4
		{"A10", "", "", NoBand},  // the retired provider is not configured
	} {
		raw, err := x.GetCellValue(scorecardSheet, tt.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if raw != tt.raw {
			t.Errorf("%s: %q, want %q", tt.cell, raw, tt.raw)
		}
		st := cellStyle(t, x, scorecardSheet, tt.cell)
		if fill := styleFill(st); fill != fills[tt.band] {
			t.Errorf("%s: fill %q, want %q", tt.cell, fill, fills[tt.band])
		}
		// excelize's own formatter drops a quoted "*" (Excel and LibreOffice print it), so
		// the format itself is checked.
		if shown := formatted(st, raw); shown != tt.shown {
			t.Errorf("%s: shown as %q, want %q", tt.cell, shown, tt.shown)
		}
	}
	for sheet, wantRow := range map[string]int{scorecardSheet: 6, rulesSheet: 5, trendSheet: 5, "Systems": 4} {
		panes, err := x.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != wantRow {
			t.Errorf("%s: panes %+v, want rows 1 to %d frozen", sheet, panes, wantRow)
		}
	}

	// The rules: failing rules first, errors before warnings.
	rows, err := x.GetRows(rulesSheet)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[5:] {
		got = append(got, r[0]+" "+r[1]+" "+r[9])
	}
	wantRules := []string{
		"nbt-pas DAT-002 Fail", "nbt-pas REQ-001 Fail", "nbt-pas UNQ-001 Fail",
		"gp-emis DAT-001 Pass", "gp-emis DAT-002 Pass", "gp-emis EXT-001 Pass", "gp-emis REQ-001 Pass",
		"nbt-pas EXT-001 Pass", "nbt-pas REL-001 Pass",
	}
	if !slices.Equal(got, wantRules) {
		t.Errorf("rules:\n%q\nwant\n%q", got, wantRules)
	}
	if fill := styleFill(cellStyle(t, x, rulesSheet, "J6")); fill != fills[Red] {
		t.Errorf("a failed rule's result has fill %q", fill)
	}
	if got, _ := x.GetCellValue(rulesSheet, "H6"); got != "6.67%" {
		t.Errorf("failure rate shown %q", got)
	}

	// The trend: one row per run and series, oldest first, with the run's start time.
	rows, err = x.GetRows(trendSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[4], []string{"Run", "Run started", "Provider", "Category", "Rows checked", "Rows failed", "Pass rate", "Band"}) ||
		!slices.Equal(rows[5], []string{"1", "2026-10-29 02:00", "gp-emis", "Conformance", "10000", "300", "97.0%", "Amber*"}) ||
		!slices.Equal(rows[7], []string{"4", "2026-11-01 02:00", "gp-emis", "Conformance", "40000", "20", "99.9%", "Green"}) {
		t.Errorf("trend rows: %q", rows[4:8])
	}
	// 14 series have rows checked in some run: gp-emis 4, nbt-pas 6, bcc-social 4.
	if n := len(rows) - 5; n != 14*3 {
		t.Errorf("trend: %d rows, want %d", n, 14*3)
	}

	// A trend chart per provider, drawn from the trend sheet.
	charts := zipFiles(t, paths[1], "xl/charts/chart")
	if len(charts) != 3 {
		t.Fatalf("%d charts, want 3", len(charts))
	}
	for _, want := range []string{"gp-emis: pass rate per run", "<f>&#39;Quality trend&#39;!$G$6:$G$8</f>", "<f>&#39;Quality trend&#39;!$D$6</f>", `<min val="0.97">`} {
		if !strings.Contains(charts["xl/charts/chart1.xml"], want) {
			t.Errorf("gp-emis chart lacks %s", want)
		}
	}
}

// With a single run of results, the trend is one point, and says so.
func TestSummaryQualityOneRun(t *testing.T) {
	conn := testWarehouse(t, "warehouse.sql", "quality_one_run.sql")
	s, err := LoadSummary(context.Background(), conn, testInfo)
	if err != nil {
		t.Fatal(err)
	}
	q := s.Quality
	if len(q.Runs) != 1 || q.Run().RunID != 4 || q.Run().Started != "2026-11-01 02:00" {
		t.Fatalf("runs: %+v", q.Runs)
	}
	if note := strings.Join(q.TrendNote(), " "); !strings.Contains(note, "Only one run (run 4) has quality results so far: each trend is a single point.") {
		t.Errorf("trend note: %s", note)
	}
	sp := q.Providers[1].Sparklines[0]
	if len(sp.Lines) != 0 || len(sp.Dots) != 1 || sp.Label != "Conformance, run 4: 99.9%" {
		t.Errorf("nbt-pas conformance sparkline: %+v", sp)
	}
	if got := q.Providers[1].Scores[0].Shown(); got != "99.9%" {
		t.Errorf("nbt-pas conformance %s", got)
	}
}

// Before any run has recorded results, the report says so and is otherwise whole.
func TestSummaryNoQualityResults(t *testing.T) {
	conn := testWarehouse(t, "warehouse.sql")
	paths, err := WriteSummary(context.Background(), conn, t.TempDir(), testInfo)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "No run has recorded quality results yet") {
		t.Error("summary.html does not say there are no quality results")
	}
	x, err := excelize.OpenFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, _ := x.GetCellValue(scorecardSheet, "A2"); got != noQualityResults {
		t.Errorf("scorecard sheet A2 %q", got)
	}
}

func cellStyle(t *testing.T, x *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := x.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := x.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func styleFill(st *excelize.Style) string {
	if st.Fill.Type != "pattern" || st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 {
		return ""
	}
	return strings.TrimPrefix(strings.ToUpper(st.Fill.Color[0]), "#")
}

// formatted renders a raw value under the scorecard's formats (0.0% then a quoted suffix).
func formatted(st *excelize.Style, raw string) string {
	if st.CustomNumFmt == nil {
		return raw
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	format := *st.CustomNumFmt
	if !strings.HasPrefix(format, "0.0%") {
		return "unexpected format " + format
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" + strings.Trim(strings.TrimPrefix(format, "0.0%"), `"`)
}

// zipFiles is the text of each file of the workbook whose name starts with prefix (excelize
// has no reader for charts).
func zipFiles(t *testing.T, path, prefix string) map[string]string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	files := map[string]string{}
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, prefix) {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(b)
	}
	return files
}
