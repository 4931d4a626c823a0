package extract

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXOptions are the `options:` of an xlsx feed: one feed reads one sheet of a workbook,
// so a workbook with a sheet per subject is matched by one feed per sheet.
type XLSXOptions struct {
	// Sheet is the name of the worksheet to read (case-insensitive). Required.
	Sheet string `yaml:"sheet"`
	// HeaderRow is the sheet row (1-based) holding the real column headers. 0 (the default)
	// finds it: the first of the top rows that holds every mapped header, which steps over
	// the title and merged group-header rows councils put above their tables.
	HeaderRow int `yaml:"header_row"`
	// Dates names the columns (by header) that hold dates. In them a number is an Excel
	// serial date and is written as YYYY-MM-DD (YYYY-MM-DD HH:MM:SS when it has a time);
	// text is kept as typed (dd/mm/yyyy), for staging to parse and quality to judge.
	Dates []string `yaml:"dates"`
}

func defaultXLSXOptions() *XLSXOptions { return &XLSXOptions{} }

// headerScanRows is how far down a sheet the header is looked for when not declared.
const headerScanRows = 50

// maxExcelSerial is 9999-12-31, the last date Excel can hold.
const maxExcelSerial = 2958465

// excelErrors are the values a cell holds when its formula failed: the cell has no data.
var excelErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true,
}

// rowSource is what the sheet reader needs of excelize's streaming row iterator; tests
// and the fuzz target supply rows without a zip file.
type rowSource interface {
	Next() bool
	Columns(opts ...excelize.Options) ([]string, error)
	Error() error
}

func openXLSX(src Source) (RecordReader, error) {
	return readXLSX(func() (*excelize.File, error) { return excelize.OpenFile(src.Path) }, src.Options, src.Wanted)
}

// readXLSX opens a workbook (excelize reads the zip's directory and keeps large parts in
// temporary files, so memory stays bounded) and starts reading the feed's sheet.
func readXLSX(open func() (*excelize.File, error), options any, wanted []string) (_ *sheetReader, err error) {
	opts, ok := options.(*XLSXOptions)
	if !ok {
		return nil, fmt.Errorf("xlsx: options of type %T", options)
	}
	if strings.TrimSpace(opts.Sheet) == "" {
		return nil, errors.New("xlsx: the feed's options must name the sheet to read (sheet: ...)")
	}
	// excelize has panicked on damaged workbooks in the past; a damaged file must cost the
	// file (rejected, retried next run), never the run.
	var wb *excelize.File
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the workbook could not be read: %v", r)
			if wb != nil {
				wb.Close() // its temporary files
			}
		}
	}()
	wb, err = open()
	if err != nil {
		return nil, fmt.Errorf("not a readable .xlsx workbook: %w", err)
	}
	rr, err := openSheet(wb, opts, wanted)
	if err != nil {
		wb.Close()
		return nil, err
	}
	return rr, nil
}

// openSheet finds the feed's sheet and its header row.
func openSheet(wb *excelize.File, opts *XLSXOptions, wanted []string) (*sheetReader, error) {
	sheet := ""
	list := wb.GetSheetList()
	for _, name := range list {
		if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(opts.Sheet)) {
			sheet = name
			break
		}
	}
	if sheet == "" {
		return nil, fmt.Errorf("the workbook has no sheet %q (its sheets are: %s)", opts.Sheet, strings.Join(list, ", "))
	}
	date1904 := false
	if props, err := wb.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	sr, err := newSheetReader(rows, opts, wanted, date1904)
	if err != nil {
		rows.Close()
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	sr.closers = []io.Closer{rows, wb}
	return sr, nil
}

// sheetReader turns the rows of one sheet into records: it skips the rows above the
// header, skips empty rows (trailing formatted rows, blank separator rows), pads rows whose
// trailing cells are empty (a sheet stores no empty cells) and decodes date columns.
type sheetReader struct {
	rows     rowSource
	header   []string
	isDate   []bool
	date1904 bool
	row      int64 // the sheet row of the last row read (1-based)
	done     bool
	closers  []io.Closer
}

func newSheetReader(rows rowSource, opts *XLSXOptions, wanted []string, date1904 bool) (*sheetReader, error) {
	sr := &sheetReader{rows: rows, date1904: date1904}
	header, err := sr.findHeader(opts.HeaderRow, wanted)
	if err != nil {
		return nil, err
	}
	sr.header = header
	sr.isDate = make([]bool, len(header))
	for _, d := range opts.Dates {
		found := false
		for i, h := range header {
			if strings.EqualFold(h, normaliseHeader(d)) {
				sr.isDate[i], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("row %d: the header has no date column %q (the header is: %s)", sr.row, d, strings.Join(header, ","))
		}
	}
	return sr, nil
}

// findHeader reads rows until the header: row `at` if given, else the first row holding
// every wanted name (with nothing wanted, the first row that is not empty).
func (sr *sheetReader) findHeader(at int, wanted []string) ([]string, error) {
	if at < 0 {
		return nil, fmt.Errorf("header_row %d: must be 1 or more (0 finds the header)", at)
	}
	for {
		cells, ok, err := sr.nextRow()
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", sr.row, err)
		}
		if !ok {
			break
		}
		switch {
		case at > 0 && sr.row == int64(at):
			if len(trimRow(cells)) == 0 {
				return nil, fmt.Errorf("header_row %d is empty", at)
			}
			return headerNames(cells), nil
		case at > 0:
			continue
		case holdsAll(cells, wanted):
			return headerNames(cells), nil
		case sr.row >= headerScanRows:
			return nil, fmt.Errorf("no row among the first %d holds the mapped headers %s", headerScanRows, strings.Join(wanted, ", "))
		}
	}
	if at > 0 {
		return nil, fmt.Errorf("header_row %d: the sheet has only %d rows", at, sr.row)
	}
	if len(wanted) == 0 {
		return nil, errors.New("the sheet is empty: no header row")
	}
	return nil, fmt.Errorf("no row holds the mapped headers %s", strings.Join(wanted, ", "))
}

// holdsAll says whether a row's cells include every wanted header, ignoring case and the
// spacing inside a header. With nothing wanted, any non-empty row is the header.
func holdsAll(cells, wanted []string) bool {
	if len(wanted) == 0 {
		return len(trimRow(cells)) > 0
	}
	have := make(map[string]bool, len(cells))
	for _, c := range cells {
		if c := normaliseHeader(c); c != "" { // a blank wanted name matches no empty cell
			have[strings.ToLower(c)] = true
		}
	}
	for _, w := range wanted {
		if !have[strings.ToLower(normaliseHeader(w))] {
			return false
		}
	}
	return true
}

// normaliseHeader collapses the line breaks and runs of spaces people put in headers
// ("Start\nDate" → "Start Date").
func normaliseHeader(s string) string { return strings.Join(strings.Fields(s), " ") }

// headerNames names the header's columns; an empty header cell between named ones is
// named by its column letter so that its values can still be kept.
func headerNames(cells []string) []string {
	cells = trimRow(cells)
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = normaliseHeader(c)
		if out[i] == "" {
			out[i], _ = excelize.ColumnNumberToName(i + 1)
		}
	}
	return out
}

// trimRow drops the trailing empty cells.
func trimRow(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// nextRow advances one sheet row. excelize yields every row number in turn, including
// rows absent from the file, so counting calls gives the sheet row number.
func (sr *sheetReader) nextRow() (cells []string, ok bool, err error) {
	if sr.done {
		return nil, false, nil
	}
	if !sr.rows.Next() {
		sr.done = true
		return nil, false, sr.rows.Error()
	}
	sr.row++
	cells, err = sr.rows.Columns(excelize.Options{RawCellValue: true})
	return cells, true, err
}

func (sr *sheetReader) Header() []string { return sr.header }

func (sr *sheetReader) Next() (rec Record, err error) {
	defer func() {
		if r := recover(); r != nil {
			// The reader's state is unknown after a panic: this row is reported and the
			// sheet ends here rather than the run.
			sr.done = true
			rec, err = Record{Line: sr.row}, &ParseError{Line: sr.row, Err: fmt.Errorf("the sheet could not be read past this row: %v", r)}
		}
	}()
	for {
		cells, ok, err := sr.nextRow()
		if err != nil {
			return Record{Line: sr.row}, &ParseError{Line: sr.row, Err: err}
		}
		if !ok {
			return Record{}, io.EOF
		}
		cells = trimRow(cells)
		if len(cells) == 0 {
			continue // an empty row is not a record (trailing formatted rows, separators)
		}
		return sr.record(cells)
	}
}

// record decodes one non-empty row: pads it to the header's width, writes serial dates as
// ISO dates, and refuses a row holding a spreadsheet error value. A row wider than the
// header is returned as it is; the lander quarantines it (EXT-001).
func (sr *sheetReader) record(cells []string) (Record, error) {
	fields := make([]string, max(len(cells), len(sr.header)))
	copy(fields, cells)
	for i, v := range fields {
		if excelErrors[strings.TrimSpace(v)] {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return Record{Fields: fields, Line: sr.row}, &ParseError{Line: sr.row,
				Err: fmt.Errorf("cell %s%d holds the spreadsheet error %s", col, sr.row, strings.TrimSpace(v))}
		}
		if i < len(sr.isDate) && sr.isDate[i] {
			fields[i] = decodeDateCell(v, sr.date1904)
		}
	}
	return Record{Fields: fields, Line: sr.row}, nil
}

// decodeDateCell turns an Excel serial date (days since 1899-12-30, or 1904-01-01 in a
// 1904 workbook, a fraction being the time of day) into ISO text. Anything else (a date
// typed as text, a typo) is returned as sent for staging to parse or quality to report.
func decodeDateCell(v string, date1904 bool) string {
	s := strings.TrimSpace(v)
	if s == "" || (s[0] < '0' || s[0] > '9') && s[0] != '.' {
		return v
	}
	serial, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(serial) || serial < 1 || serial >= maxExcelSerial+1 {
		return v
	}
	t, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return v
	}
	t = t.Round(1e9) // Excel stores times as fractions of a day: round off the float noise
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

func (sr *sheetReader) Close() error {
	var errs []error
	for _, c := range sr.closers {
		errs = append(errs, c.Close())
	}
	sr.closers = nil
	return errors.Join(errs...)
}
