package synth

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/encoding/charmap"
)

// sglos-social: South Gloucestershire Council adult social care. Two fixed-width text
// files a night (clients, services), exported from a Windows case system: Windows-1252
// bytes, CRLF line ends, a title line above the records, fields padded with spaces (text
// left-aligned, costs right-aligned with a £ sign), dates as YYYYMMDD, an ongoing service's
// end date blank. The council keeps the diacritics of names (Siobhán, Chloë) that the GP
// systems' records drop. NHS numbers are often missing, as social care records go.
//
// Habits: the common ones, except that a record cut short is a line of the wrong length,
// which the reader refuses whole (truth reason `wrong_length`, rule EXT-002).

const (
	saltSglos         = 0x5610_5050_c1a1_0001
	sglosNHSMissing   = 0.12 // clients whose NHS number was never recorded (beyond the common habits)
	sglosClientLen    = 138
	sglosServiceLen   = 112
	reasonWrongLength = "wrong_length"
)

// sglosDistricts are the South Gloucestershire postcode districts: only their residents are
// the council's clients.
var sglosDistricts = map[string]bool{"BS15": true, "BS16": true, "BS30": true, "BS32": true,
	"BS34": true, "BS35": true, "BS36": true, "BS37": true}

// fwField is one field of a fixed-width record: its width, and right alignment for amounts.
type fwField struct {
	width int
	right bool
}

var sglosClientLayout = []fwField{{10, false}, {12, false}, {30, false}, {25, false}, {8, false},
	{1, false}, {8, false}, {6, false}, {30, false}, {8, false}}

var sglosServiceLayout = []fwField{{10, false}, {10, false}, {4, false}, {30, false}, {8, false},
	{8, false}, {10, true}, {24, false}, {8, false}}

func init() {
	register(system{
		id:      "sglos-social",
		localID: func(g *gen, i int) string { return g.sglosClientID(i) },
		feeds: []feed{
			{name: "clients", traits: otherPersonTraits, write: sglosClients,
				file: func(d8 string) string { return "SGC_ASC_CLIENTS_" + d8 + ".txt" }},
			{name: "services", traits: sglosServiceTraits, write: sglosServices,
				file: func(d8 string) string { return "SGC_ASC_SERVICES_" + d8 + ".txt" }},
		},
	})
}

// sglosServiceTraits: a service has a start and an end date and refers to a client.
var sglosServiceTraits = traits{event: true, span: true, birth: true, orphan: true}

var personRands = sync.Pool{New: func() any { return newPersonRand() }}

// sglosClient is what the council holds about person i: nothing unless they live in South
// Gloucestershire and have had social care (more likely the older they are).
type sglosClient struct {
	referral day
	reason   int
	services []sglosService
}

type sglosService struct {
	kind       int
	start, end day // end noDay while ongoing
	pence      int // weekly cost
	team       int
}

var sglosSupportReasons = []string{"Physical Support", "Memory and Cognition", "Learning Disability Support",
	"Mental Health Support", "Sensory Support", "Social Support", "Support with Personal Care"}

var sglosServiceKinds = []struct {
	code, desc     string
	minPence, span int // weekly cost range
	days           int // typical length; 0 = open-ended
}{
	{"HC01", "Home care (domiciliary)", 8_000, 52_000, 0},
	{"RC01", "Residential care", 70_000, 50_000, 0},
	{"NC01", "Nursing care", 90_000, 70_000, 0},
	{"DC01", "Day opportunities", 4_000, 16_000, 0},
	{"DP01", "Direct payment", 10_000, 70_000, 0},
	{"RB01", "Reablement", 0, 0, 42},
	{"MW01", "Meals at home", 2_000, 4_000, 0},
	{"CR01", "Carer respite", 30_000, 40_000, 14},
}

var sglosTeams = []string{"Kingswood Locality", "Yate Locality", "Patchway Locality", "Hospital Discharge Team",
	"Reablement Team", "Learning Disability Team"}

// sglosAccents: the council's spelling of given names the GP systems hold without accents.
var sglosAccents = map[string]string{"Siobhan": "Siobhán", "Chloe": "Chloë", "Leo": "Léo", "Theo": "Théo",
	"Aisha": "Aïsha", "Rene": "René", "Zoe": "Zoë", "Renee": "Renée"}

func sglosSpelling(n string) string {
	if a, ok := sglosAccents[n]; ok {
		return a
	}
	return n
}

// sglosClientOf re-derives person i's record at the council, or nil.
func (g *gen) sglosClientOf(i int) *sglosClient {
	p := &g.people[i]
	district, _, _ := strings.Cut(p.postcode, " ")
	if !sglosDistricts[district] {
		return nil
	}
	pr := personRands.Get().(*personRand)
	defer personRands.Put(pr)
	r := g.seedPerson(pr, i, saltSglos)
	last := g.day - 1
	age := p.ageAt(last)
	rate := 0.03
	if age < 18 {
		rate = 0
	} else if age >= 65 {
		rate = 0.20 + 0.015*float64(age-65)
	}
	if r.Float64() >= rate {
		return nil
	}
	adult := dayOf(yearOf(p.birth)+18, 1, 1)
	lo := max(adult, last-10*365)
	c := &sglosClient{referral: lo + day(r.IntN(int(last-lo)+1)), reason: r.IntN(len(sglosSupportReasons))}
	start := c.referral + day(r.IntN(30))
	for n := 1 + r.IntN(3); n > 0 && start <= last; n-- {
		k := r.IntN(len(sglosServiceKinds))
		kind := &sglosServiceKinds[k]
		s := sglosService{kind: k, start: start, end: noDay, team: r.IntN(len(sglosTeams)), pence: kind.minPence}
		if kind.span > 0 {
			s.pence += r.IntN(kind.span/50) * 50
		}
		switch {
		case kind.days > 0:
			s.end = start + day(kind.days)
		case r.Float64() < 0.5:
			s.end = start + day(28+r.IntN(700))
		}
		if s.end != noDay && s.end > last {
			s.end = noDay
			if kind.days > 0 {
				s.end = start + day(kind.days) // a planned end may lie ahead
			}
		}
		c.services = append(c.services, s)
		if s.end == noDay {
			break
		}
		start = s.end + day(r.IntN(60))
	}
	return c
}

const saltSglosID = 0x5610_5050_1d00_0001

// sglosClientID is the council's id of person i: SG and seven digits, or "" for a person
// the council does not know.
func (g *gen) sglosClientID(i int) string {
	if g.sglosClientOf(i) == nil {
		return ""
	}
	return g.sglosID(i)
}

// sglosPatient is the CLIENT_ID a service carries and its person key: for an orphan, a
// well-formed id that is nobody's (the client's record was deleted) and no person. (If the
// population fills the range, there is no such id: the habit is dropped.)
func (g *gen) sglosPatient(s *sink, h *habit, id, key string) (string, string) {
	if *h != habitOrphan {
		return id, key
	}
	j, ok := g.freshIndex(s.r, 10_000_000)
	if !ok {
		*h = habitNone
		return id, key
	}
	return g.sglosID(j), ""
}

func (g *gen) sglosID(i int) string {
	var b [9]byte
	copy(b[:], "SG")
	putDigits(b[2:], permuteBelow(uint64(i), 10_000_000, 24, g.seed^saltSglosID))
	return string(b[:])
}

func ymdDate(n day) string {
	if n == noDay {
		return ""
	}
	y, m, d := civil(n)
	return fmt.Sprintf("%04d%02d%02d", y, m, d)
}

// poundsText formats pence as the council's export does: £1,234.56.
func poundsText(pence int) string {
	s := strconv.Itoa(pence / 100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("£%s.%02d", s, pence%100)
}

var sglosSex = [...]string{"M", "F", "I", "U"}

func sglosClients(g *gen, s *sink) error {
	w := newFixedWriter(s, sglosClientLayout)
	if err := w.title("SOUTH GLOUCESTERSHIRE COUNCIL ADULT SOCIAL CARE - CLIENT EXTRACT " + g.d8); err != nil {
		return err
	}
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		c := g.sglosClientOf(i)
		if c == nil {
			continue
		}
		p := &g.people[i]
		id := g.sglosID(i)
		h := g.personHabit(saltSglosClients, i, otherPersonTraits)
		nhs, label := s.nhsNumber(h, p)
		if h == habitNone && s.r.Float64() < sglosNHSMissing {
			nhs, label = "", "missing"
		}
		sh := g.shownAs(saltSglosClients, i, true)
		birth := sh.birth
		if h == habitImplausibleAge {
			birth = s.implausibleBirth()
		}
		fields := []string{id, nhs, sh.family, sglosSpelling(sh.given), ymdDate(birth), sglosSex[p.sex],
			p.postcode, practiceCode(int(p.practice)), sglosSupportReasons[c.reason], ymdDate(c.referral)}
		if err := w.emit(fields, h, id, g.personKey(i), id, label); err != nil {
			return err
		}
	}
	return nil
}

func sglosServices(g *gen, s *sink) error {
	w := newFixedWriter(s, sglosServiceLayout)
	if err := w.title("SOUTH GLOUCESTERSHIRE COUNCIL ADULT SOCIAL CARE - SERVICE EXTRACT " + g.d8); err != nil {
		return err
	}
	next := 3_000_000
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		c := g.sglosClientOf(i)
		if c == nil {
			continue
		}
		id, key := g.sglosID(i), g.personKey(i)
		p := &g.people[i]
		sent := g.sentAs(g.personHabit(saltSglosClients, i, otherPersonTraits), i, saltSglosClients)
		for _, sv := range c.services {
			h := clinicalHabit(s, sent)
			switch h {
			case habitFutureDate:
				sv.start, sv.end = s.futureDay(), noDay
			case habitBeforeBirth:
				sv.start, sv.end = s.beforeBirth(p, sv.start, sv.end)
			case habitEndBeforeStart: // the end date typed before the start
				end, ok := s.earlierDay(p, sv.start)
				if ok {
					sv.end = end
				} else {
					h = habitNone
				}
			}
			cid, ckey := g.sglosPatient(s, &h, id, key)
			next += 1 + s.r.IntN(9)
			rid := "SV" + strconv.Itoa(next)
			kind := &sglosServiceKinds[sv.kind]
			status := "Active"
			if sv.end != noDay && sv.end < g.day {
				status = "Ended"
			}
			fields := []string{rid, cid, kind.code, kind.desc, ymdDate(sv.start), ymdDate(sv.end),
				poundsText(sv.pence), sglosTeams[sv.team], status}
			if err := w.emit(fields, h, cid, ckey, rid, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// fixedWriter lays records out in fixed-width Windows-1252 lines through a sink, with the
// sink's habits and truth rows.
type fixedWriter struct {
	s      *sink
	layout []fwField
	enc    *charmap.Charmap
	buf    []byte
}

func newFixedWriter(s *sink, layout []fwField) *fixedWriter {
	return &fixedWriter{s: s, layout: layout, enc: charmap.Windows1252}
}

// title writes the line above the records (line 1).
func (w *fixedWriter) title(text string) error {
	w.buf = append(w.appendText(w.buf[:0], text), "\r\n"...)
	_, err := w.s.w.Write(w.buf)
	return err
}

// appendText encodes s in Windows-1252 (a character it lacks becomes ?).
func (w *fixedWriter) appendText(b []byte, s string) []byte {
	for _, r := range s {
		c, ok := w.enc.EncodeRune(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return b
}

func (w *fixedWriter) appendField(b []byte, f fwField, v string) []byte {
	start := len(b)
	b = w.appendText(b, v)
	if n := len(b) - start; n > f.width {
		return b[:start+f.width]
	} else if n < f.width {
		pad := f.width - n
		if f.right {
			b = append(b, make([]byte, pad)...)
			copy(b[start+pad:], b[start:start+n])
			for k := start; k < start+pad; k++ {
				b[k] = ' '
			}
			return b
		}
		for range pad {
			b = append(b, ' ')
		}
	}
	return b
}

// emit writes one record (twice for a duplicate; its last 1–3 fields missing when cut
// short) and its truth rows, as sink.emit does for delimited files.
func (w *fixedWriter) emit(fields []string, h habit, localID, personKey, recordID, nhsLabel string) error {
	s := w.s
	n := len(fields)
	if h == habitMalformed {
		n -= 1 + s.r.IntN(3)
	}
	w.buf = w.buf[:0]
	for k := range n {
		w.buf = w.appendField(w.buf, w.layout[k], fields[k])
	}
	w.buf = append(w.buf, "\r\n"...)
	copies := 1
	if h == habitDuplicate {
		copies = 2
	}
	for c := range copies {
		if _, err := s.w.Write(w.buf); err != nil {
			return err
		}
		s.records++
		fate, reason := fateOf(h, c, copies, reasonWrongLength)
		s.tb = truthCSV.appendRecord(s.tb[:0], []string{
			s.provider, s.feed, s.file, strconv.Itoa(s.records), strconv.Itoa(s.line),
			localID, personKey, recordID, nhsLabel, fate, reason,
		})
		if _, err := s.truth.Write(s.tb); err != nil {
			return err
		}
		s.line++
	}
	return nil
}
