package main

import (
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bnssg-connecting-care/ccare/benefits"
)

// requireTool finds a program the test needs, or skips the test without it; with
// CCARE_REQUIRE_TOOLS=1 (CI) a missing program fails the test instead.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CCARE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is not installed and CCARE_REQUIRE_TOOLS=1", name)
		}
		t.Skipf("%s is not installed (set CCARE_REQUIRE_TOOLS=1 to fail instead)", name)
	}
	return path
}

// recalculate opens a workbook in headless LibreOffice with a throwaway profile that
// recalculates every formula on load (LibreOffice keeps an xlsx's cached values by
// default, and excelize writes none), saves it as xlsx again, and returns that copy.
func recalculate(t *testing.T, soffice, workbook string) string {
	t.Helper()
	base := t.TempDir()
	profile := filepath.Join(base, "profile")
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	const registry = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(registry), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "out")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+profile, "--headless", "--norestore",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, workbook)
	cmd.Env = append(os.Environ(), "HOME="+base)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	recalculated := filepath.Join(out, filepath.Base(workbook))
	if _, err := os.Stat(recalculated); err != nil {
		t.Fatalf("soffice wrote no %s: %v", recalculated, err)
	}
	return recalculated
}

var raw = excelize.Options{RawCellValue: true}

// cellFloat reads a number LibreOffice computed.
func cellFloat(t *testing.T, x *excelize.File, sheet, cell string) float64 {
	t.Helper()
	v, err := x.GetCellValue(sheet, cell, raw)
	if err != nil {
		t.Fatal(err)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q, not a number", sheet, cell, v)
	}
	return f
}

// noErrorCells fails on any cell holding a spreadsheet error.
func noErrorCells(t *testing.T, x *excelize.File) {
	t.Helper()
	errs := regexp.MustCompile(`^(#NAME\?|#REF!|#VALUE!|#DIV/0!|#N/A|#NUM!|#NULL!|Err:\d+)`)
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet, raw)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, v := range r {
				if errs.MatchString(v) {
					t.Errorf("%s!%s holds %s", sheet, cellName(j+1, i+1), v)
				}
			}
		}
	}
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// smallCount reports a published count from 1 to 7 (text "<8" is the suppressed form).
func smallCount(v string) bool {
	n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	return err == nil && n >= 1 && n <= 7
}

// A small demo community: ccare report benefits prints the headline; LibreOffice
// recalculates the workbook to the same NPV, and to the Go model's NPV after an
// assumption changes; no published count is between 1 and 7.
func TestReportBenefits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := run(t, "demo", "--dir", dir, "--patients", "150", "--quiet"); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ccare.yaml")
	if err := os.WriteFile(cfg, []byte("warehouse: warehouse/ccare.duckdb\nlake: lake\ninbox: inbox\nreports: reports\nproviders:\n  - {id: gp-emis, organisation: o, system: s, kind: gp, trust_rank: 1, feeds: [{name: patients, format: csv, pattern: 'x', cadence: nightly, entity: person, columns: {a: A}}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pack := filepath.Join(t.TempDir(), "pack")
	out, err := run(t, "report", "benefits", "--config", cfg, "--dir", pack, "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Net present value: (-?)£([0-9]{1,3}(,[0-9]{3})*)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no NPV line in:\n%s", out)
	}
	printed, _ := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
	if m[1] == "-" {
		printed = -printed
	}
	for _, want := range []string{"Benefit-cost ratio: ", "Payback: ", "Present value of benefits: £", "People in the shared record: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	workbook := filepath.Join(pack, "benefits.xlsx")

	t.Run("no published count is 1 to 7", func(t *testing.T) {
		counts := regexp.MustCompile(`(?m)^(People in the shared record: (\S+); known to two or more providers: (\S+)|.* \(12 months\): (\S+) events, (\S+) people)$`)
		lines := counts.FindAllStringSubmatch(out, -1)
		if len(lines) != 4 {
			t.Fatalf("%d count lines, want 4:\n%s", len(lines), out)
		}
		for _, l := range lines {
			for _, v := range l[2:] {
				if smallCount(v) {
					t.Errorf("CLI publishes %s in %q", v, l[0])
				}
			}
		}
		x, err := excelize.OpenFile(workbook)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		suppressed := 0
		// The sheets' count columns, from the row after the header named by the first column.
		for _, c := range []struct {
			sheet, header string
			cols          []int
		}{
			{"Measures", "Measure", []int{4, 5}},
			{"Data quality", "Provider", []int{3, 4, 6, 8, 9}},
			{"Summary", "Measure", []int{2}},
			{"Benefits", "Measured volume", []int{2}},
		} {
			rows, err := x.GetRows(c.sheet, raw)
			if err != nil {
				t.Fatal(err)
			}
			in, checked := false, 0
			for i, r := range rows {
				if !in {
					in = len(r) > 0 && r[0] == c.header
					continue
				}
				if len(r) == 0 || r[0] == "" {
					break // the end of the table
				}
				if c.sheet == "Summary" && !strings.HasPrefix(r[0], "People") {
					continue
				}
				if c.sheet == "Benefits" && strings.HasPrefix(r[0], "Scale") {
					continue
				}
				for _, col := range c.cols {
					if col-1 < len(r) {
						checked++
						if smallCount(r[col-1]) {
							t.Errorf("%s!%s publishes %s", c.sheet, cellName(col, i+1), r[col-1])
						}
						if r[col-1] == "<8" {
							suppressed++
						}
					}
				}
			}
			if checked == 0 {
				t.Errorf("%s: no count cells found under %q", c.sheet, c.header)
			}
		}
		// The community is small enough that small counts occur, and were suppressed.
		if suppressed == 0 {
			t.Error(`no "<8" in the workbook: the test community has no small counts to suppress`)
		}
		page, err := os.ReadFile(filepath.Join(pack, "benefits.html"))
		if err != nil {
			t.Fatal(err)
		}
		htmlCounts(t, string(page), map[string][]string{
			"What the warehouse measured (12 months)": {"Events", "People"},
			"Data quality behind the figures":         {"Rows read", "Rows quarantined", "Local identities"},
			"Measures by month and provider":          {"Events", "People"},
		})
	})

	t.Run("LibreOffice recalculates the NPV the CLI printed", func(t *testing.T) {
		soffice := requireTool(t, "soffice")
		x, err := excelize.OpenFile(recalculate(t, soffice, workbook))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		noErrorCells(t, x)
		npv := cellFloat(t, x, "Summary", "B7")
		if math.Round(npv) != printed {
			t.Errorf("LibreOffice NPV %.2f, CLI printed £%.0f", npv, printed)
		}
		if pv := cellFloat(t, x, "Summary", "B5"); pv <= 0 {
			t.Errorf("LibreOffice PV of benefits %.2f, want a positive figure", pv)
		}
	})

	t.Run("an edited assumption changes the NPV as the model does", func(t *testing.T) {
		soffice := requireTool(t, "soffice")
		x, err := excelize.OpenFile(workbook)
		if err != nil {
			t.Fatal(err)
		}
		model, err := benefits.Default()
		if err != nil {
			t.Fatal(err)
		}
		edits := map[string]float64{benefits.MinutesSavedPerGap: 15, benefits.OptimismBias: 0.6}
		for id, v := range edits {
			cell := ""
			for _, n := range x.GetDefinedName() {
				if n.Name == id {
					cell = strings.ReplaceAll(n.RefersTo[strings.Index(n.RefersTo, "!")+1:], "$", "")
				}
			}
			if cell == "" {
				t.Fatalf("no defined name %s", id)
			}
			if err := x.SetCellValue("Assumptions", cell, v); err != nil {
				t.Fatal(err)
			}
			model = model.With(id, v)
		}
		// The Go model from the volumes the workbook holds (as published).
		var vol [4]float64
		for i := range vol {
			vol[i] = cellFloat(t, x, "Benefits", fmt.Sprintf("B%d", 5+i))
		}
		want, err := model.Appraise(benefits.Volumes{People: vol[0], InformationGaps: vol[1], SocialCareAdmissions: vol[2], RepeatAttendances: vol[3]})
		if err != nil {
			t.Fatal(err)
		}
		edited := filepath.Join(t.TempDir(), "benefits.xlsx")
		if err := x.SaveAs(edited); err != nil {
			t.Fatal(err)
		}
		x.Close()
		y, err := excelize.OpenFile(recalculate(t, soffice, edited))
		if err != nil {
			t.Fatal(err)
		}
		defer y.Close()
		noErrorCells(t, y)
		npv := cellFloat(t, y, "Summary", "B7")
		if math.Abs(npv-want.NPV) > 0.01 {
			t.Errorf("LibreOffice NPV after the edit %.2f, the model's %.2f", npv, want.NPV)
		}
		if math.Abs(npv-printed) < 1 {
			t.Errorf("NPV did not change after the edit: %.2f", npv)
		}
		if bcr := cellFloat(t, y, "Summary", "B8"); math.Abs(bcr-want.BCR) > 1e-9 {
			t.Errorf("LibreOffice BCR %.6f, the model's %.6f", bcr, want.BCR)
		}
		payback, _ := y.GetCellValue("Summary", "B9", raw)
		if wantPayback := strconv.Itoa(want.Payback); want.Payback >= 0 && payback != wantPayback {
			t.Errorf("LibreOffice payback %q, the model's %s", payback, wantPayback)
		}
	})
}

// htmlCounts checks the count columns of the page's tables, found by their h2 titles.
func htmlCounts(t *testing.T, page string, tables map[string][]string) {
	t.Helper()
	cellRE := regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	rowRE := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	for title, columns := range tables {
		start := strings.Index(page, "<h2>"+html.EscapeString(title)+"</h2>")
		if start < 0 {
			t.Errorf("benefits.html has no table %q", title)
			continue
		}
		section := page[start:]
		section = section[:strings.Index(section, "</table>")]
		rows := rowRE.FindAllStringSubmatch(section, -1)
		if len(rows) < 2 {
			t.Errorf("table %q has no rows", title)
			continue
		}
		var header []string
		for _, c := range cellRE.FindAllStringSubmatch(rows[0][1], -1) {
			header = append(header, c[1])
		}
		for _, r := range rows[1:] {
			cells := cellRE.FindAllStringSubmatch(r[1], -1)
			for j, h := range header {
				for _, want := range columns {
					if h == want && j < len(cells) && smallCount(html.UnescapeString(cells[j][1])) {
						t.Errorf("benefits.html table %q column %s publishes %s", title, h, cells[j][1])
					}
				}
			}
		}
	}
}

// A fault in the assumptions file is a usage error (exit 2) naming the file, line and field,
// found before the warehouse is opened.
func TestReportBenefitsBadAssumptions(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "benefits.yaml")
	text := strings.Replace(string(benefits.DefaultYAML()), "    value: 110\n", "    value: 170\n", 1)
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, "report", "benefits", "--benefits", bad, "--dir", t.TempDir())
	var ue usageError
	want := bad + " line 42: assumptions.clinician_cost_per_hour: low 60, value 170 and high 160 must be in that order"
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want a usage error containing %q", err, want)
	}
	out, err := run(t, "report", "benefits", "--print-assumptions")
	if err != nil || out != string(benefits.DefaultYAML()) {
		t.Errorf("--print-assumptions: %v, %d bytes", err, len(out))
	}
}
