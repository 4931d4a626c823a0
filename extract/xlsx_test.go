package extract

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/xuri/excelize/v2"
)

// The golden workbooks in testdata/xlsx are made by xlsxFixtures (run the test with
// -update to remake them); each <case>.yaml holds the feed's options and the headers its
// configuration maps (wanted), and <case>.golden what the reader yields.

type xlsxSheet struct {
	name   string
	merges [][2]string
	rows   [][]any // nil = a row left out of the file; []any{} = a row with no cells
	styled int     // formatted empty rows after the data, as spreadsheets leave them
}

type xlsxFixture struct {
	sheets   []xlsxSheet
	date1904 bool
}

var ukDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func xlsxFixtures() map[string]xlsxFixture {
	clients := xlsxSheet{
		name:   "Clients",
		merges: [][2]string{{"A1", "F1"}, {"A2", "B2"}, {"C2", "F2"}},
		rows: [][]any{
			{"Bristol City Council - Adult Social Care: Clients (extract 01/11/2026)"},
			{"Client", nil, "Personal details"},
			{"Client ID", "NHS Number", "Surname", "Forename", "Date of\nBirth", "Gender"},
			{1000001, "9990000018", "Smith", "Ann", 17000, "Female"},  // serial date
			{1000002, "", "Jones", "Bob", "03/04/1941", "Male"},       // text date, no NHS number
			{1000003, "999 000 0026", "O'Neil", "Cath", 17000.5, nil}, // time part, short row
			{}, // blank separator row
			{1000004, "9990000034", "Khan", "Dev", "#REF!", "Male"},             // formula error
			{1000005, "9990000042", "Lee", "Eve", 16000, "Female", "see notes"}, // stray cell right of the table
			nil, // a row absent from the file
			{1000006, nil, "  Spaced  ", "Fay", "31/02/1950", "Not Known"}, // impossible text date kept
		},
		styled: 4,
	}
	packages := xlsxSheet{
		name: "Care Packages",
		rows: [][]any{
			{"Care packages"},
			{"Package ID", "Client ID", "Start Date", "", "End Date"},
			{"P1", 1000001, 46000, "x", nil},
			{"P2", 1000002, "01/10/2026", nil, 45000},
		},
	}
	return map[string]xlsxFixture{
		"council_clients":    {sheets: []xlsxSheet{clients, packages}},
		"header_row_given":   {sheets: []xlsxSheet{clients, packages}},
		"empty_header_cell":  {sheets: []xlsxSheet{clients, packages}},
		"missing_sheet":      {sheets: []xlsxSheet{clients}},
		"header_not_found":   {sheets: []xlsxSheet{clients}},
		"unknown_date_col":   {sheets: []xlsxSheet{clients}},
		"date1904":           {sheets: []xlsxSheet{packages}, date1904: true},
		"empty_sheet":        {sheets: []xlsxSheet{{name: "Clients", styled: 3}}},
		"header_row_too_far": {sheets: []xlsxSheet{packages}},
	}
}

func writeXLSXFixture(path string, fx xlsxFixture) error {
	wb := excelize.NewFile()
	defer wb.Close()
	if fx.date1904 {
		t := true
		if err := wb.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &t}); err != nil {
			return err
		}
	}
	dateStyle, err := wb.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	for i, sh := range fx.sheets {
		if i == 0 {
			if err := wb.SetSheetName("Sheet1", sh.name); err != nil {
				return err
			}
		} else if _, err := wb.NewSheet(sh.name); err != nil {
			return err
		}
		sw, err := wb.NewStreamWriter(sh.name)
		if err != nil {
			return err
		}
		r := 0
		for _, row := range sh.rows {
			r++
			if row == nil {
				continue
			}
			cells := make([]any, len(row))
			for j, v := range row {
				switch v.(type) {
				case float64, int:
					if j >= 2 && j <= 4 { // numbers in the date columns are formatted as dates
						v = excelize.Cell{StyleID: dateStyle, Value: v}
					}
				}
				cells[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		for k := 0; k < sh.styled; k++ {
			r++
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(cell, []any{excelize.Cell{StyleID: dateStyle}, excelize.Cell{StyleID: dateStyle}}); err != nil {
				return err
			}
		}
		for _, m := range sh.merges {
			if err := sw.MergeCell(m[0], m[1]); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return wb.SaveAs(path)
}

type xlsxCase struct {
	Options yaml.RawMessage `yaml:"options"`
	Wanted  []string        `yaml:"wanted"`
}

func readXLSXCase(t testing.TB, path string) (*XLSXOptions, []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c xlsxCase
	if err := yaml.UnmarshalWithOptions(raw, &c, yaml.DisallowUnknownField()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	opts := defaultXLSXOptions()
	if err := yaml.UnmarshalWithOptions(c.Options, opts, yaml.DisallowUnknownField()); err != nil {
		t.Fatalf("%s options: %v", path, err)
	}
	return opts, c.Wanted
}

func TestXLSXGolden(t *testing.T) {
	fixtures := xlsxFixtures()
	if *update {
		for name, fx := range fixtures {
			if err := writeXLSXFixture(filepath.Join("testdata", "xlsx", name+".xlsx"), fx); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name := range fixtures {
		t.Run(name, func(t *testing.T) {
			base := filepath.Join("testdata", "xlsx", name)
			opts, wanted := readXLSXCase(t, base+".yaml")
			var got string
			rr, err := openXLSX(Source{Path: base + ".xlsx", Options: opts, Wanted: wanted})
			if err != nil {
				got = "open error: " + err.Error() + "\n"
			} else {
				got = readAll(rr)
				if err := rr.Close(); err != nil {
					got += "close error: " + err.Error() + "\n"
				}
			}
			golden := base + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./extract -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s:\n got:\n%s\nwant:\n%s", base, got, want)
			}
		})
	}
}

func TestXLSXNotAWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.xlsx")
	if err := os.WriteFile(path, []byte("Client ID,Surname\n1,Smith\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openXLSX(Source{Path: path, Options: &XLSXOptions{Sheet: "Clients"}}); err == nil {
		t.Fatal("a CSV file named .xlsx was accepted")
	}
	if _, err := openXLSX(Source{Path: path, Options: &XLSXOptions{}}); err == nil || !strings.Contains(err.Error(), "sheet") {
		t.Fatalf("no sheet option: %v", err)
	}
}

func TestDecodeDateCell(t *testing.T) {
	for _, tt := range []struct {
		in   string
		d04  bool
		want string
	}{
		{"46000", false, "2025-12-09"},
		{"46000.75", false, "2025-12-09 18:00:00"},
		{"1", false, "1900-01-01"},
		{"61", false, "1900-03-01"},
		{"0", false, "0"},
		{"-3", false, "-3"},
		{"2958465", false, "9999-12-31"},
		{"2958466", false, "2958466"},
		{"1e300", false, "1e300"},
		{"NaN", false, "NaN"},
		{"01/11/2026", false, "01/11/2026"},
		{"44500", true, "2025-11-01"}, // 1904 system: 1462 days fewer,
		{"", false, ""},
	} {
		if got := decodeDateCell(tt.in, tt.d04); got != tt.want {
			t.Errorf("decodeDateCell(%q, %v) = %q, want %q", tt.in, tt.d04, got, tt.want)
		}
	}
}

// textRows is a sheet without a workbook: one row per line, cells split on tabs.
type textRows struct {
	lines []string
	i     int
}

func (r *textRows) Next() bool   { r.i++; return r.i <= len(r.lines) }
func (r *textRows) Error() error { return nil }
func (r *textRows) Columns(...excelize.Options) ([]string, error) {
	if r.lines[r.i-1] == "" {
		return nil, nil
	}
	return strings.Split(r.lines[r.i-1], "\t"), nil
}

// sheetText renders a golden workbook's first sheet as textRows input, for fuzz seeds.
func sheetText(path string) []byte {
	wb, err := excelize.OpenFile(path)
	if err != nil {
		return nil
	}
	defer wb.Close()
	rows, err := wb.GetRows(wb.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil
	}
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// FuzzXLSX: whatever the sheet holds, the reader never panics, finds a header only where
// one is, yields records whose row numbers only move forward, never an empty record and
// never fewer fields than the header, and decodes any date cell without a panic. Rows come
// as text (one line a row, tab between cells) so that the fuzzer works on cell values, not
// on zip checksums; FuzzXLSXWorkbook fuzzes whole files.
func FuzzXLSX(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, s := range seeds {
		if b := sheetText(s); b != nil {
			f.Add(b, "Client ID,Surname", "Date of Birth")
		}
	}
	f.Add([]byte("title\n\nA\tB\n1\t46000.5\n\n\n"), "", "B")
	f.Fuzz(func(t *testing.T, data []byte, wanted, dates string) {
		var want []string
		if wanted != "" {
			want = strings.Split(wanted, ",")
		}
		for _, cell := range strings.FieldsFunc(string(data), func(r rune) bool { return r == '\t' || r == '\n' }) {
			if got := decodeDateCell(cell, len(cell)%2 == 0); got != cell && !isoDateText(got) {
				t.Fatalf("decodeDateCell(%q) = %q: neither as sent nor an ISO date", cell, got)
			}
		}
		rows := &textRows{lines: strings.Split(string(data), "\n")}
		sr, err := newSheetReader(rows, &XLSXOptions{Sheet: "Clients", Dates: []string{dates}}, want, false)
		if err != nil {
			return
		}
		if len(want) > 0 && !holdsAll(sr.header, want) {
			t.Fatalf("header %q lacks wanted %q", sr.header, want)
		}
		drain(t, sr, len(sr.header), int64(len(rows.lines)))
	})
}

func isoDateText(s string) bool {
	_, err1 := time.Parse("2006-01-02", s)
	_, err2 := time.Parse("2006-01-02 15:04:05", s)
	return err1 == nil || err2 == nil
}

// FuzzXLSXWorkbook: a workbook of any bytes is refused or read to its end, never a panic.
func FuzzXLSXWorkbook(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzWorkbook(t, data, &XLSXOptions{Sheet: "Clients", Dates: []string{"Date of Birth"}}, []string{"Client ID"})
	})
}

func fuzzWorkbook(t *testing.T, data []byte, opts *XLSXOptions, want []string) {
	rr, err := readXLSX(func() (*excelize.File, error) { return excelize.OpenReader(bytes.NewReader(data)) }, opts, want)
	if err != nil {
		return
	}
	defer rr.Close()
	drain(t, rr, len(rr.Header()), excelize.TotalRows)
}

func drain(t *testing.T, rr RecordReader, width int, maxLine int64) {
	last := int64(0)
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			return
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			rec.Line = pe.Line
		} else if err != nil {
			t.Fatalf("unexpected error %v", err)
		} else {
			if len(rec.Fields) < width {
				t.Fatalf("line %d: %d fields, header %d", rec.Line, len(rec.Fields), width)
			}
			if len(trimRow(rec.Fields)) == 0 {
				t.Fatalf("line %d: an empty row was returned as a record", rec.Line)
			}
		}
		if rec.Line <= last || rec.Line > maxLine {
			t.Fatalf("line went from %d to %d (max %d)", last, rec.Line, maxLine)
		}
		last = rec.Line
	}
}
