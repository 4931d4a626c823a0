// Package reports writes what the programme board and operators read: the run summary
// (and, later, the benefit case) as a self-contained HTML page and an Excel workbook.
// Counts of people are suppressed and rounded before they leave the warehouse.
package reports

import (
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// SummaryInfo is what the report needs beyond the warehouse.
type SummaryInfo struct {
	RunID     int64
	Generated time.Time
	// Disclosure is the small-number policy; the zero value means DefaultDisclosure.
	Disclosure Disclosure
}

func (i SummaryInfo) disclosure() Disclosure {
	if i.Disclosure == (Disclosure{}) {
		return DefaultDisclosure
	}
	return i.Disclosure
}

// Summary is the content of the summary report.
type Summary struct {
	SummaryInfo
	People, PeopleInTwoOrMore, UnlinkedLocalIDs, LocalIDs Count
	Providers                                             Table
	PeopleBySystems                                       Table
	Quarantine                                            Table
	SuppressionNote                                       string
	Quality                                               *Quality
}

// Count is a number as published: Shown is what the reader sees.
type Count struct {
	Value int64
	Shown string
}

// Table is a titled grid, rendered the same way in HTML and Excel.
type Table struct {
	Title   string
	Note    string
	Columns []string
	Rows    [][]any
}

// SummaryPaths are where WriteSummary writes, for runs that had nothing new to report.
func SummaryPaths(dir string) []string {
	return []string{filepath.Join(dir, "summary.html"), filepath.Join(dir, "summary.xlsx")}
}

// WriteSummary reads the summary from the warehouse and writes it as HTML and Excel. Each
// file is written beside its final name and renamed, so a reader never opens half a report.
func WriteSummary(ctx context.Context, db sqlfiles.Querier, dir string, info SummaryInfo) ([]string, error) {
	s, err := LoadSummary(ctx, db, info)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := SummaryPaths(dir)
	if err := writeAtomic(paths[0], func(path string) error { return writeHTML(path, s) }); err != nil {
		return nil, fmt.Errorf("summary.html: %w", err)
	}
	if err := writeAtomic(paths[1], func(path string) error { return writeXLSX(path, s) }); err != nil {
		return nil, fmt.Errorf("summary.xlsx: %w", err)
	}
	return paths, nil
}

// LoadSummary reads the summary's figures.
func LoadSummary(ctx context.Context, db sqlfiles.Querier, info SummaryInfo) (*Summary, error) {
	d := info.disclosure()
	s := &Summary{SummaryInfo: info, SuppressionNote: d.Policy()}
	var people, two, unlinked, local int64
	if err := sqlfiles.QueryRow(ctx, db, "reports/summary_people.sql", nil, &people, &two, &unlinked, &local); err != nil {
		return nil, err
	}
	s.People, s.PeopleInTwoOrMore = d.Count(people), d.Count(two)
	s.UnlinkedLocalIDs, s.LocalIDs = plain(unlinked), plain(local)
	var err error
	s.Providers, err = queryTable(ctx, db, "reports/summary_providers.sql", Table{
		Title:   "Files and rows per system",
		Note:    "Rows read = loaded + quarantined + superseded (a later copy of the same record replaced it), for every file.",
		Columns: []string{"Provider", "Organisation", "System", "Files loaded", "Files rejected", "Rows read", "Rows loaded", "Rows quarantined", "Rows superseded", "Last received"},
	}, d, nil)
	if err != nil {
		return nil, err
	}
	s.PeopleBySystems, err = queryTable(ctx, db, "reports/summary_people_by_systems.sql", Table{
		Title:   "People by the number of systems that know them",
		Columns: []string{"Systems", "People"},
	}, d, map[int]bool{1: true})
	if err != nil {
		return nil, err
	}
	s.Quarantine, err = queryTable(ctx, db, "reports/summary_quarantine.sql", Table{
		Title:   "Rows held in quarantine, by rule",
		Note:    "Quarantined rows are kept with the rule and the reason in quality.quarantine; none is dropped.",
		Columns: []string{"Provider", "Rule", "What the rule checks", "Rows"},
	}, d, nil)
	if err != nil {
		return nil, err
	}
	s.Quality, err = LoadQuality(ctx, db)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// queryTable fills t with the rows of an embedded query; people columns are suppressed.
func queryTable(ctx context.Context, db sqlfiles.Querier, name string, t Table, d Disclosure, peopleColumns map[int]bool) (Table, error) {
	text, err := sqlfiles.File(name)
	if err != nil {
		return t, err
	}
	rows, err := db.QueryContext(ctx, text)
	if err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(t.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return t, fmt.Errorf("%s: %w", name, err)
		}
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				vals[i] = x.In(london).Format("2006-01-02 15:04")
			case nil:
				vals[i] = ""
			}
			if n, ok := v.(int64); ok && peopleColumns[i] {
				vals[i] = d.Count(n).Shown
			}
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()

func writeAtomic(path string, write func(string) error) error {
	// The extension stays last: excelize chooses the format by it.
	tmp := filepath.Join(filepath.Dir(path), ".writing-"+filepath.Base(path))
	if err := write(tmp); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	// excelize creates its files executable (mode 0777 less the umask); a report is a document.
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

//go:embed templates/summary.html.tmpl
var summaryHTML string

var summaryTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.In(london).Format("2 January 2006 15:04") },
	"isNumber": func(v any) bool {
		switch v.(type) {
		case int, int32, int64, float64:
			return true
		}
		return false
	},
}).Parse(summaryHTML))

func writeHTML(path string, s *Summary) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := summaryTemplate.Execute(f, s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeXLSX(path string, s *Summary) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	headline := Table{Title: "Connecting Care warehouse: run summary", Columns: []string{"Measure", "Value"}, Rows: [][]any{
		{"Run", s.RunID},
		{"Generated", s.Generated.In(london).Format("2006-01-02 15:04")},
		{"People in the shared record", s.People.Shown},
		{"People known to two or more systems", s.PeopleInTwoOrMore.Shown},
		{"Local identities that matched no other record", s.UnlinkedLocalIDs.Shown},
		{"Local identities in all", s.LocalIDs.Shown},
		{"Small numbers", s.SuppressionNote},
	}}
	sheets := []struct {
		name string
		t    Table
	}{{"Summary", headline}, {"Systems", s.Providers}, {"People", s.PeopleBySystems}, {"Quarantine", s.Quarantine}}
	for i, sh := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sh.name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sh.name); err != nil {
			return err
		}
		if err := writeTableSheet(x, sh.name, sh.t, st); err != nil {
			return fmt.Errorf("sheet %s: %w", sh.name, err)
		}
	}
	if err := writeQualitySheets(x, s.Quality, st); err != nil {
		return err
	}
	return x.SaveAs(path)
}

// sheet streams rows into one worksheet, top to bottom.
type sheet struct {
	sw  *excelize.StreamWriter
	row int // the next row to write, from 1
}

func newSheet(x *excelize.File, name string) (*sheet, error) {
	sw, err := x.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	return &sheet{sw: sw, row: 1}, nil
}

// put writes one row of values in the given style; an excelize.Cell keeps its own.
func (w *sheet) put(vals []any, style int) error {
	cells := make([]any, len(vals))
	for j, v := range vals {
		if c, ok := v.(excelize.Cell); ok {
			c.Value = safeValue(c.Value)
			cells[j] = c
			continue
		}
		cells[j] = excelize.Cell{Value: safeValue(v), StyleID: style}
	}
	cell, _ := excelize.CoordinatesToCellName(1, w.row)
	w.row++
	return w.sw.SetRow(cell, cells)
}

// heading writes a title, its notes and a blank row; the caller's next row is the header.
func (w *sheet) heading(title string, notes []string, st *styles) error {
	if err := w.put([]any{title}, st.bold); err != nil {
		return err
	}
	for _, n := range notes {
		if err := w.put([]any{n}, 0); err != nil {
			return err
		}
	}
	w.row++
	return nil
}

// freezeAbove keeps the rows above the given one in view; it must come before any put.
func (w *sheet) freezeAbove(row int) error {
	cell, _ := excelize.CoordinatesToCellName(1, row)
	return w.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: row - 1, TopLeftCell: cell, ActivePane: "bottomLeft"})
}

// widths sets each column as wide as its longest header or value (within limits); it must
// come before any put.
func (w *sheet) widths(columns []string, rows [][]any) error {
	for j, c := range columns {
		width := len([]rune(c))
		for _, r := range rows {
			if j < len(r) {
				width = max(width, len([]rune(fmt.Sprint(r[j]))))
			}
		}
		if err := w.sw.SetColWidth(j+1, j+1, float64(min(max(width, 8), 60)+2)); err != nil {
			return err
		}
	}
	return nil
}

// writeTableSheet writes a Table: title, note, a frozen header row, then the rows.
func writeTableSheet(x *excelize.File, name string, t Table, st *styles) error {
	w, err := newSheet(x, name)
	if err != nil {
		return err
	}
	var notes []string
	if t.Note != "" {
		notes = []string{t.Note}
	}
	header := 1 + len(notes) + 2
	if err := w.widths(t.Columns, t.Rows); err != nil {
		return err
	}
	if err := w.freezeAbove(header + 1); err != nil {
		return err
	}
	if err := w.heading(t.Title, notes, st); err != nil {
		return err
	}
	if err := w.put(anys(t.Columns), st.header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := w.put(r, 0); err != nil {
			return err
		}
	}
	return w.sw.Flush()
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
