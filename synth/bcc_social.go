package synth

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// bcc-social: Bristol City Council adult social care. One Excel workbook a night with a
// sheet per subject (Clients, Care Packages, Assessments), exported from the case system
// and then touched by hand: a title row and merged group headers above the real header,
// dates mostly stored as Excel dates (serial numbers) but as typed text (dd/mm/yyyy) on
// rows keyed in by hand, formatted empty rows after the data, the odd blank row inside it,
// and a note typed in a cell to the right of the table (the malformed habit: the row is
// wider than the header). NHS numbers are often missing, as social care records go.
//
// The one workbook is read by three feeds (one per sheet): each feed's folder gets the
// same bytes, and truth/records.csv lists each sheet's rows under its feed, with the sheet
// row number as the line.

const (
	saltBCC         = 0xbcc5_0c1a_1000_0001
	bccNHSMissing   = 0.15  // clients whose NHS number was never recorded (beyond the common habits)
	bccTextDates    = 0.25  // rows keyed in by hand: dates typed as text
	bccBlankRow     = 0.004 // a blank row left inside the data
	bccTitleRows    = 3     // title, group headers, header: data starts on row 4
	excelSerialUnix = 25569 // the Excel serial date of 1970-01-01
)

// excelFirstDay is the first day with an unambiguous Excel serial (day 61, after the
// 1900 leap-year bug): earlier dates, such as an implausible birth date, are typed as text.
var excelFirstDay = dayOf(1900, 3, 1)

// bccTraits: clients are person records; packages and assessments have a start and an end
// and refer to a client by Person ID. The sheets carry no clinical codes.
var bccTraits = [3]traits{
	otherPersonTraits,
	{event: true, span: true, birth: true, orphan: true},
	{event: true, span: true, birth: true, orphan: true},
}

func bccFile(d8 string) string { return "BCC_ASC_Extract_" + d8 + ".xlsx" }

func init() {
	register(system{
		id:      "bcc-social",
		localID: func(g *gen, i int) string { return g.bccClientID(i) },
		feeds: []feed{
			{name: "clients", file: bccFile, traits: bccTraits[0], write: bccWrite(0)},
			{name: "packages", file: bccFile, traits: bccTraits[1], write: bccWrite(1)},
			{name: "assessments", file: bccFile, traits: bccTraits[2], write: bccWrite(2)},
		},
	})
}

// bccSheet is one sheet's layout.
type bccSheet struct {
	name   string
	title  string
	groups [][3]string // merged group headers: text, first cell, last cell (row 2)
	header []string
	dates  []int // columns (0-based) holding dates
}

var bccSheets = [3]bccSheet{
	{
		name: "Clients", title: "Bristol City Council - Adult Social Care - Clients",
		groups: [][3]string{{"Identifiers", "A2", "B2"}, {"Personal details", "C2", "F2"}, {"Contact", "G2", "H2"}},
		header: []string{"Person ID", "NHS Number", "Surname", "Forename", "Date of Birth", "Gender", "Postcode", "GP Practice"},
		dates:  []int{4},
	},
	{
		name: "Care Packages", title: "Bristol City Council - Adult Social Care - Care Packages",
		groups: [][3]string{{"Identifiers", "A2", "B2"}, {"Service", "C2", "E2"}, {"Period", "F2", "H2"}, {"Finance", "I2", "I2"}},
		header: []string{"Package ID", "Person ID", "Service Type", "Provider", "Team", "Start Date", "End Date", "Status", "Weekly Cost (£)"},
		dates:  []int{5, 6},
	},
	{
		name: "Assessments", title: "Bristol City Council - Adult Social Care - Assessments",
		groups: [][3]string{{"Identifiers", "A2", "B2"}, {"Assessment", "C2", "E2"}, {"Result", "F2", "G2"}},
		header: []string{"Assessment ID", "Person ID", "Assessment Type", "Assessment Date", "Completed Date", "Outcome", "Team"},
		dates:  []int{3, 4},
	},
}

var (
	bccGender   = [...]string{"Male", "Female", "Other", "Not Known"}
	bccServices = []string{"Home Care", "Reablement", "Residential Care", "Nursing Care", "Day Opportunities",
		"Direct Payment", "Telecare", "Equipment and Adaptations", "Meals"}
	bccProviders = []string{"Brunel Home Care Ltd", "Avon Valley Care", "St Monica Trust", "Alliance Homecare",
		"Clifton Nursing Home", "BCC In-house Reablement", "Bristol Community Links", "Careline Bristol"}
	bccTeams = []string{"North Locality Team", "Central Locality Team", "South Locality Team",
		"Hospital Discharge Team", "Learning Disabilities Team", "Mental Health Team"}
	bccAssessmentTypes = []string{"Care Act Assessment", "Review", "Carer's Assessment",
		"Occupational Therapy Assessment", "Financial Assessment"}
	bccOutcomes = []string{"Eligible - services arranged", "Not eligible - information and advice",
		"No change to support", "Needs increased", "Needs decreased"}
)

// bccClient says whether person i is known to the council's adult social care, from a
// hash of the seed and the person (so that localID needs no state): adults in Bristol
// postcodes, far more often the old.
func (g *gen) bccClient(i int) bool {
	p := &g.people[i]
	if !bccDistrict(p.postcode) {
		return false
	}
	age := p.ageAt(g.day - 1)
	rate := 0.0
	switch {
	case age >= 65:
		rate = min(0.15+0.01*float64(age-65), 0.6)
	case age >= 18:
		rate = 0.03
	}
	u := float64(splitmix64(g.seed^saltBCC^uint64(i)*0x9e3779b97f4a7c15)>>11) / (1 << 53)
	return u < rate
}

// bccDistrict: the city's own districts (BS1–BS11, BS13–BS16); the rest belong to the
// neighbouring councils.
func bccDistrict(postcode string) bool {
	n := 0
	for k := 2; k < len(postcode) && postcode[k] >= '0' && postcode[k] <= '9'; k++ {
		n = n*10 + int(postcode[k]-'0')
	}
	return len(postcode) > 2 && postcode[:2] == "BS" && n >= 1 && n <= 16 && n != 12
}

// bccClientID is the council's Person ID (seven digits, stored as a number), or "".
func (g *gen) bccClientID(i int) string {
	if !g.bccClient(i) {
		return ""
	}
	return g.bccID(i)
}

func (g *gen) bccID(i int) string {
	return strconv.FormatUint(1_000_000+permuteBelow(uint64(i), 9_000_000, 24, g.seed^saltBCC), 10)
}

// bccPatient is the Person ID a package or assessment carries and its person key: for an
// orphan, a well-formed id that is nobody's (the client's record was deleted) and no person.
// (If the population fills the range, there is no such id: the habit is dropped.)
func (b *bccBook) bccPatient(h *habit, id, key string) (string, string) {
	if *h != habitOrphan {
		return id, key
	}
	j, ok := b.g.freshIndex(b.r, 9_000_000)
	if !ok {
		*h = habitNone
		return id, key
	}
	return b.g.bccID(j), ""
}

// bccWrite writes the whole workbook (identical for every feed, drawn from the workbook's
// own stream) and the truth rows of the feed's own sheet.
func bccWrite(sheet int) func(g *gen, s *sink) error {
	return func(g *gen, s *sink) error {
		b := &bccBook{g: g, r: rand.New(rand.NewPCG(g.seed, splitmix64(hashString("bcc-social/workbook"))))}
		data, err := b.build()
		if err != nil {
			return err
		}
		if _, err := s.w.Write(data); err != nil {
			return err
		}
		for _, t := range b.truth[sheet] {
			s.records++
			s.tb = truthCSV.appendRecord(s.tb[:0], []string{
				s.provider, s.feed, s.file, strconv.Itoa(s.records), strconv.Itoa(t.row),
				t.localID, t.personKey, t.recordID, t.nhs, t.fate, t.reason,
			})
			if _, err := s.truth.Write(s.tb); err != nil {
				return err
			}
		}
		return nil
	}
}

type bccTruth struct {
	row                                             int
	localID, personKey, recordID, nhs, fate, reason string
}

// bccBook builds the workbook sheet by sheet with excelize's StreamWriter.
type bccBook struct {
	g         *gen
	r         *rand.Rand
	wb        *excelize.File
	dateStyle int
	truth     [3][]bccTruth
}

// bccRow is one record as the sheet writer needs it.
type bccRow struct {
	cells                       []any
	h                           habit
	localID, key, recordID, nhs string
}

func (b *bccBook) build() ([]byte, error) {
	b.wb = excelize.NewFile()
	defer b.wb.Close()
	b.wb.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &sortedZip{w: w} })
	var err error
	if b.dateStyle, err = b.wb.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")}); err != nil {
		return nil, err
	}
	title, err := b.wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, err
	}
	bold, err := b.wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	if err != nil {
		return nil, err
	}
	// The three sheets draw from the one stream in turn, so the bytes do not depend on
	// which feed builds the workbook.
	rows := b.records()
	for k := range bccSheets {
		if err := b.sheet(k, rows[k], title, bold); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := b.wb.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

// records draws every client's rows for the three sheets.
func (b *bccBook) records() [3][]bccRow {
	g := b.g
	var out [3][]bccRow
	hs := [3]*sink{
		{g: g, r: b.r, t: bccTraits[0]},
		{g: g, r: b.r, t: bccTraits[1]},
		{g: g, r: b.r, t: bccTraits[2]},
	}
	pr := newPersonRand()
	pkgID, asmID := 200_000, 500_000
	last := g.day - 1
	for i := range g.people {
		id := g.bccClientID(i)
		if id == "" {
			continue
		}
		p := &g.people[i]
		key := g.personKey(i)
		pid, _ := strconv.Atoi(id)
		r := g.seedPerson(pr, i, saltBCC)
		// Known to the council since a day in the last eight years (not before 18).
		lo := max(p.birth+18*365, last-8*365)
		since := lo + day(r.IntN(int(last-lo)+1))

		h := hs[0].habit()
		if h == habitImplausibleAge && !g.gpHolds(i) {
			h = habitNone
		}
		nhs, label := hs[0].nhsNumber(h, p)
		if h != habitNHSMissing && b.r.Float64() < bccNHSMissing {
			nhs, label = "", "missing"
		}
		birth := p.birth
		if h == habitImplausibleAge {
			birth = hs[0].implausibleBirth()
		}
		sh := g.shownAs(saltBCCClients, i, false)
		out[0] = append(out[0], bccRow{h: h, localID: id, key: key, recordID: id, nhs: label,
			cells: []any{pid, nhs, sh.family, sh.given, birth, bccGender[p.sex], p.postcode,
				practiceCode(int(p.practice))}})
		sent := g.sentAs(h, i, 0)

		start := since
		for range 1 + r.IntN(3) {
			if start > last {
				break
			}
			pkgID += 1 + b.r.IntN(5)
			h := clinicalHabit(hs[1], sent)
			st, end := start, noDay
			status := "Active"
			if r.Float64() < 0.6 {
				end = st + day(14+r.IntN(700))
				if end > last {
					end = noDay
				} else {
					status = "Ended"
				}
			}
			if status == "Active" && r.Float64() < 0.05 {
				status = "Suspended"
			}
			next := end
			switch h {
			case habitFutureDate:
				st, end, status = hs[1].futureDay(), noDay, "Active"
				next = noDay
			case habitBeforeBirth:
				st, end = hs[1].beforeBirth(p, st, end)
			case habitEndBeforeStart: // the end typed before the start
				var ok bool
				if end, ok = hs[1].earlierDay(p, st); ok {
					status = "Ended"
				} else {
					h, end = habitNone, next
				}
			}
			cost := float64(50+r.IntN(1500)) + float64(r.IntN(100))/100
			rid := "CP" + strconv.Itoa(pkgID)
			lid, rkey := b.bccPatient(&h, id, key)
			rpid, _ := strconv.Atoi(lid)
			out[1] = append(out[1], bccRow{h: h, localID: lid, key: rkey, recordID: rid,
				cells: []any{rid, rpid, bccServices[r.IntN(len(bccServices))], bccProviders[r.IntN(len(bccProviders))],
					bccTeams[r.IntN(len(bccTeams))], st, end, status, cost}})
			if next == noDay {
				break
			}
			start = next + day(r.IntN(90))
		}

		at := since
		for k := range 1 + r.IntN(3) {
			if at > last {
				break
			}
			asmID += 1 + b.r.IntN(5)
			h := clinicalHabit(hs[2], sent)
			typ := bccAssessmentTypes[0]
			if k > 0 {
				typ = bccAssessmentTypes[1+r.IntN(len(bccAssessmentTypes)-1)]
			}
			when := at
			done := at + day(r.IntN(28))
			if done > last {
				done = noDay // still in progress
			}
			switch h {
			case habitFutureDate:
				when, done = hs[2].futureDay(), noDay
				at = when
			case habitBeforeBirth:
				when, done = hs[2].beforeBirth(p, when, done)
			case habitEndBeforeStart: // completed, the date typed before the assessment's
				if end, ok := hs[2].earlierDay(p, when); ok {
					done = end
				} else {
					h = habitNone
				}
			}
			outcome := ""
			if done != noDay {
				outcome = bccOutcomes[r.IntN(len(bccOutcomes))]
			}
			rid := "AS" + strconv.Itoa(asmID)
			lid, rkey := b.bccPatient(&h, id, key)
			rpid, _ := strconv.Atoi(lid)
			out[2] = append(out[2], bccRow{h: h, localID: lid, key: rkey, recordID: rid,
				cells: []any{rid, rpid, typ, when, done, outcome, bccTeams[r.IntN(len(bccTeams))]}})
			at += 180 + day(r.IntN(300))
		}
	}
	return out
}

// sheet writes one sheet: title, merged group headers, header, records, trailing rows.
func (b *bccBook) sheet(k int, rows []bccRow, titleStyle, headStyle int) error {
	sh := &bccSheets[k]
	if k == 0 {
		if err := b.wb.SetSheetName("Sheet1", sh.name); err != nil {
			return err
		}
	} else if _, err := b.wb.NewSheet(sh.name); err != nil {
		return err
	}
	sw, err := b.wb.NewStreamWriter(sh.name)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(sh.header), 18); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(len(sh.header))
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: sh.title + " (extract " + dmyDate(b.g.day) + ")"}}); err != nil {
		return err
	}
	groups := make([]any, len(sh.header))
	for _, gr := range sh.groups {
		col, _, _ := excelize.CellNameToCoordinates(gr[1])
		groups[col-1] = excelize.Cell{StyleID: headStyle, Value: gr[0]}
	}
	if err := sw.SetRow("A2", groups); err != nil {
		return err
	}
	head := make([]any, len(sh.header))
	for j, h := range sh.header {
		head[j] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetRow("A3", head); err != nil {
		return err
	}
	row := bccTitleRows
	for _, rec := range rows {
		if b.r.Float64() < bccBlankRow {
			row++ // left blank
		}
		cells := b.cells(rec)
		copies := 1
		if rec.h == habitDuplicate {
			copies = 2
		}
		for c := range copies {
			row++
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
			fate, reason := fateOf(rec.h, c, copies, "malformed")
			nhs := ""
			if k == 0 {
				nhs = rec.nhs
			}
			b.truth[k] = append(b.truth[k], bccTruth{row: row, localID: rec.localID, personKey: rec.key,
				recordID: rec.recordID, nhs: nhs, fate: fate, reason: reason})
		}
	}
	// Formatted but empty rows below the data, as a sheet someone has worked in has.
	empty := make([]any, len(sh.header))
	for j := range empty {
		empty[j] = excelize.Cell{StyleID: b.dateStyle}
	}
	for range 3 + b.r.IntN(20) {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, empty); err != nil {
			return err
		}
	}
	if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
		return err
	}
	for _, gr := range sh.groups {
		if gr[1] != gr[2] {
			if err := sw.MergeCell(gr[1], gr[2]); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// cells renders a record: dates as Excel dates or, on rows keyed by hand, typed text;
// empty values as absent cells; the malformed habit as a note right of the table.
func (b *bccBook) cells(rec bccRow) []any {
	typed := b.r.Float64() < bccTextDates
	out := make([]any, len(rec.cells), len(rec.cells)+2)
	for j, v := range rec.cells {
		switch v := v.(type) {
		case day:
			switch {
			case v == noDay:
				out[j] = nil
			case typed || v < excelFirstDay: // Excel has no serial for a date before 1900
				out[j] = dmyDate(v)
			default:
				out[j] = excelize.Cell{StyleID: b.dateStyle, Value: int(v) + excelSerialUnix}
			}
		case string:
			if v != "" {
				out[j] = v
			}
		default:
			out[j] = v
		}
	}
	if rec.h == habitMalformed {
		if b.r.IntN(2) == 0 {
			out = append(out, nil) // a column left between the table and the note
		}
		out = append(out, "see case notes")
	}
	return out
}

// sortedZip writes a workbook's parts in name order. excelize writes the parts made by
// its StreamWriter in map order, which would make the same workbook differ byte for byte
// from run to run; parts are held compressed until Close, so memory stays near the size
// of the file.
type sortedZip struct {
	w       io.Writer
	entries []*zipEntry
}

type zipEntry struct {
	name string
	buf  bytes.Buffer
	fw   *flate.Writer
	crc  uint32
	n    uint64
}

func (e *zipEntry) Write(p []byte) (int, error) {
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
	e.n += uint64(len(p))
	return e.fw.Write(p)
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	e := &zipEntry{name: name}
	fw, err := flate.NewWriter(&e.buf, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	z.entries = append(z.entries, e)
	return e, nil
}

func (z *sortedZip) AddFS(fs.FS) error { return errors.New("sortedZip: AddFS is not supported") }

func (z *sortedZip) Close() error {
	slices.SortFunc(z.entries, func(a, b *zipEntry) int { return strings.Compare(a.name, b.name) })
	zw := zip.NewWriter(z.w)
	for _, e := range z.entries {
		if err := e.fw.Close(); err != nil {
			return err
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: e.crc,
			CompressedSize64: uint64(e.buf.Len()), UncompressedSize64: e.n})
		if err != nil {
			return err
		}
		if _, err := w.Write(e.buf.Bytes()); err != nil {
			return err
		}
	}
	return zw.Close()
}
