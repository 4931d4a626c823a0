package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func init() {
	for k, name := range []string{"clients", "packages", "assessments"} {
		fileCheckers["bcc-social/"+name] = func(t *testing.T, dir string, f map[string]string, rows []map[string]string,
			links map[string]string, obs *observed) {
			checkBCCSheet(t, dir, f, k, rows, links, obs)
		}
	}
}

// bccEvent is the column of each sheet's event date (-1: none).
var bccEvent = [3]int{-1, 5, 3}

// checkBCCSheet reads one sheet of the workbook as a spreadsheet user would and checks it
// against the truth rows of its feed: row numbers, ids, habits, NHS numbers, event dates.
func checkBCCSheet(t *testing.T, dir string, f map[string]string, k int, truth []map[string]string,
	links map[string]string, obs *observed) {
	t.Helper()
	key := f["provider"] + "/" + f["feed"]
	path := filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"])
	wb, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	defer wb.Close()
	sh := &bccSheets[k]
	if got := wb.GetSheetList(); !slices.Equal(got, []string{"Clients", "Care Packages", "Assessments"}) {
		t.Fatalf("%s: sheets %q", key, got)
	}
	all, err := wb.GetRows(sh.name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	if len(all) < 3 || !slices.Equal(all[2], sh.header) {
		t.Fatalf("%s: row 3 is not the header %q", key, sh.header)
	}
	merged, _ := wb.GetMergeCells(sh.name)
	if len(merged) == 0 || merged[0].GetStartAxis() != "A1" {
		t.Errorf("%s: the title row is not merged", key)
	}
	// The records: every row below the header with a value in it.
	type sheetRow struct {
		row   int
		cells []string
	}
	var recs []sheetRow
	for r := 3; r < len(all); r++ {
		if strings.Join(all[r], "") != "" {
			recs = append(recs, sheetRow{r + 1, all[r]})
		}
	}
	if len(recs) != len(truth) {
		t.Fatalf("%s: %d non-empty rows below the header, truth has %d", key, len(recs), len(truth))
	}
	// GetRows drops trailing empty rows; the row iterator does not.
	it, err := wb.Rows(sh.name)
	if err != nil {
		t.Fatal(err)
	}
	sheetRows := 0
	for it.Next() {
		sheetRows++
	}
	it.Close()
	if len(recs) > 0 && sheetRows < recs[len(recs)-1].row+3 {
		t.Errorf("%s: %d sheet rows, the last record on row %d: no formatted empty rows after the data", key, sheetRows, recs[len(recs)-1].row)
	}
	for i, row := range truth {
		rec := recs[i]
		where := key + " record " + row["record"]
		if row["record"] != strconv.Itoa(i+1) || row["line"] != strconv.Itoa(rec.row) {
			t.Errorf("%s: truth says record %s line %s, sheet has record %d at row %d", where, row["record"], row["line"], i+1, rec.row)
		}
		cell := func(j int) string {
			if j < len(rec.cells) {
				return rec.cells[j]
			}
			return ""
		}
		local := cell(1)
		if k == 0 {
			local = cell(0)
		}
		if row["record_id"] != cell(0) || row["local_id"] != local {
			t.Errorf("%s: truth ids %s/%s, sheet %s/%s", where, row["record_id"], row["local_id"], cell(0), local)
		}
		if links["bcc-social/"+row["local_id"]] != row["person_key"] {
			t.Errorf("%s: %s is not linked to %s in person_links.csv", where, row["local_id"], row["person_key"])
		}
		obs.count(f["provider"], f["feed"], row)
		malformed := row["reason"] == "malformed"
		if malformed != (len(rec.cells) > len(sh.header)) {
			t.Errorf("%s: %d cells for a header of %d, truth reason %q", where, len(rec.cells), len(sh.header), row["reason"])
		}
		if row["fate"] == "superseded" && (i+1 == len(truth) || truth[i+1]["record_id"] != row["record_id"] ||
			truth[i+1]["fate"] != "load" || !slices.Equal(recs[i+1].cells, rec.cells)) {
			t.Errorf("%s: superseded, but the next row is not its loaded copy", where)
		}
		if k == 0 {
			checkBCCNHS(t, where, cell(1), row["nhs"])
		} else if row["nhs"] != "" {
			t.Errorf("%s: nhs %q for a sheet without NHS numbers", where, row["nhs"])
		}
		date := func(j int) time.Time {
			if cell(j) == "" {
				return time.Time{}
			}
			d, err := bccCellDate(cell(j))
			if err != nil {
				t.Fatalf("%s: date %q: %v", where, cell(j), err)
			}
			return d
		}
		if !malformed {
			var o observation
			if k == 0 {
				o.birth = date(4)
			} else {
				e := bccEvent[k]
				o = observation{event: date(e), start: date(e), end: date(e + 1), dateOnly: true}
			}
			obs.add(f["provider"], f["feed"], where, row, o)
		}
		if e := bccEvent[k]; e >= 0 {
			d := date(e)
			future := row["reason"] == "future_date"
			if future != d.After(testDay) || (!future && !d.Before(testDay)) || d.After(testDay.AddDate(0, 0, 30)) {
				t.Errorf("%s: event date %s, truth reason %q", where, d.Format(time.DateOnly), row["reason"])
			}
		}
	}
}

func checkBCCNHS(t *testing.T, where, n, label string) {
	var good bool
	switch label {
	case "ok":
		good = ValidNHSNumber(n)
	case "spaced":
		good = spacedNHS.MatchString(n) && ValidNHSNumber(strings.ReplaceAll(n, " ", ""))
	case "missing":
		good = n == ""
	case "mistyped":
		good = len(n) == 10 && !ValidNHSNumber(n)
	}
	if !good {
		t.Errorf("%s: NHS number %q, truth says %q", where, n, label)
	}
}

// bccCellDate reads a date cell: an Excel serial number or text dd/mm/yyyy.
func bccCellDate(v string) (time.Time, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return excelize.ExcelDateToTime(float64(n), false)
	}
	return time.Parse("02/01/2006", v)
}

// TestBCCWorkbookHabits: at a size where every habit happens, the workbook carries dates
// both ways, blank rows inside the data, and the three feeds' files are the same bytes.
func TestBCCWorkbookHabits(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 4000, 11)
	var files [3][]byte
	for k, feed := range []string{"clients", "packages", "assessments"} {
		b, err := os.ReadFile(filepath.Join(dir, "inbox", "bcc-social", feed, "BCC_ASC_Extract_20261101.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		files[k] = b
	}
	if !bytes.Equal(files[0], files[1]) || !bytes.Equal(files[0], files[2]) {
		t.Fatal("the three feeds' workbooks differ")
	}
	wb, err := excelize.OpenReader(bytes.NewReader(files[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	serial, text, blank := 0, 0, 0
	for k := range bccSheets {
		all, err := wb.GetRows(bccSheets[k].name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		lastData := 0
		for r := 3; r < len(all); r++ {
			if strings.Join(all[r], "") != "" {
				lastData = r
			}
		}
		for r := 3; r <= lastData; r++ {
			if strings.Join(all[r], "") == "" {
				blank++
				continue
			}
			for _, j := range bccSheets[k].dates {
				if j < len(all[r]) && all[r][j] != "" {
					if strings.Contains(all[r][j], "/") {
						text++
					} else {
						serial++
					}
				}
			}
		}
	}
	if serial == 0 || text == 0 || blank == 0 {
		t.Errorf("dates as serials %d, as text %d; blank rows inside the data %d: want all three", serial, text, blank)
	}
}
