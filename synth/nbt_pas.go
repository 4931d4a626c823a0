package synth

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// nbt-pas: the North Bristol patient administration system. It sends HL7 v2.4 ADT
// messages (A01 admit, A02 transfer, A03 discharge, A04 register, A08 update, A31 update
// person, A40 merge, A37 unlink) about the last 30 days of activity. Two files a day: the nightly
// batch (feed adt: FHS/BHS envelope, segments ending in \r) and the interface engine's
// capture of the live MLLP stream (feed adt_live: every message framed 0x0B … 0x1C 0x0D).
// A patient's messages all go to one of the two, in time order.
//
// Habits: the same message sent twice (duplicate); MSH-2 mangled by an XML step into
// "^~\&amp;" (the message cannot be read: unreadable); an admission or registration booked
// for a date after D (future_date); NHS number spaced, missing or mistyped, the same way
// in all of a patient's messages (it is what the PAS holds). Some patients were first
// registered in a hurry under a second hospital number without an NHS number, and the
// two numbers were later merged by an A40. Now and then a clerk merges another patient's
// hospital number into this one by mistake (A40) and takes it back a few hours later with
// an A37 naming both patients (PID and a second PID): the two stay different people.
//
// Fates, keyed as the warehouse keys them (the person's local id, PID-3 of type PI): a
// readable message is `load` if it is the latest one for its hospital number that passes
// the quality rules, else `superseded` (reason `duplicate` for the first copy of a
// duplicate, `later_message` otherwise).

func init() {
	register(system{
		id: "nbt-pas",
		localID: func(g *gen, i int) string {
			if !g.nbtKnows(i).known {
				return ""
			}
			return g.nbtMRN(i, false)
		},
		extraIDs: func(g *gen, i int) []string {
			if k := g.nbtKnows(i); k.known && k.merged {
				return []string{g.nbtMRN(i, true)}
			}
			return nil
		},
		feeds: []feed{
			{name: "adt", traits: nbtTraits, write: nbtWriter(false), noHeaderLine: true,
				file: func(d8 string) string { return "NBT_ADT_" + d8 + ".hl7" }},
			{name: "adt_live", traits: nbtTraits, write: nbtWriter(true), hourly: true, noHeaderLine: true,
				file: func(d8 string) string { return "NBT_ADT_Live_" + d8 + ".mllp" }},
		},
	})
}

const (
	saltNBT         = 0x4e42_5450_0000_0001
	saltNBTMRN      = 0x4e42_5450_0000_0002
	nbtWindowDays   = 30
	rateNBTUnread   = 0.005 // MSH-2 mangled
	rateNBTFuture   = 0.02  // per visit
	rateNBTMerged   = 0.08  // known patients with a second, merged hospital number
	rateNBTMistaken = 0.004 // known patients into whom another's number is merged by mistake, then unlinked
	shareNBTLive    = 0.30  // patients whose messages come in the live capture
	nbtVisitClasses = "IOE"
)

// nbtTraits: the messages draw their own habits (person). unknown_code, before_birth and the
// other habits of the data-quality rules are not simulated here: a message's fate depends on
// the patient's later messages, and it carries no clinical code.
var nbtTraits = traits{event: true, nhs: true}

// nbtKnowledge is what decides whether and where a person appears: drawn from the
// person's own stream so that the truth's person_links agree with the feeds.
type nbtKnowledge struct{ known, live, merged bool }

func (g *gen) nbtKnows(i int) nbtKnowledge {
	p := &g.people[i]
	r := g.seedPerson(newPersonRand(), i, saltNBT)
	age := p.ageAt(g.day)
	k := nbtKnowledge{known: r.Float64() < 0.10+0.002*float64(age)}
	k.live = r.Float64() < shareNBTLive
	k.merged = r.Float64() < rateNBTMerged && p.nhs != 0
	return k
}

// nbtMRN is person i's North Bristol hospital number (RVJ and eight digits); dup gives
// the second number of a hurried registration, merged away later.
func (g *gen) nbtMRN(i int, dup bool) string {
	x := uint64(2 * i)
	if dup {
		x++
	}
	v := permuteBelow(x, 20_000_000, 26, g.seed^saltNBTMRN)
	var b [11]byte
	copy(b[:], "RVJ")
	putDigits(b[3:], v)
	return string(b[:])
}

// nbtMessage is one ADT message before it is rendered.
type nbtMessage struct {
	at       time.Time // message time (MSH-7)
	event    string
	mrn      string
	withNHS  bool // PID-3 carries the NHS repetition
	class    byte // PV1-2: I, O, E, or N (no visit)
	visit    string
	ward     string
	prior    string // PV1-6 for a transfer
	admit    time.Time
	disch    time.Time
	merged   string // MRG-1 for A40
	unlinked []byte // the second PID segment of an A37
	future   bool
	unread   bool
	copies   int
	lines    int
	rendered []byte
}

var nbtWards = []string{"GATE7A", "GATE7B", "GATE8A", "BRUN9A", "BRUN9B", "ELGAR1", "ELGAR2", "AMU"}
var nbtClinics = []string{"CARDOPD", "DIABOPD", "RESPOPD", "ORTHOPD", "GYNOPD", "OPHTHOPD"}

// nbtFeed writes one feed's file.
type nbtFeed struct {
	g       *gen
	s       *sink
	live    bool
	control uint64
	visit   uint64
	msgs    []*nbtMessage
	b       []byte
}

func nbtWriter(live bool) func(g *gen, s *sink) error {
	return func(g *gen, s *sink) error {
		f := &nbtFeed{g: g, s: s, live: live, control: 1_000_000, visit: 40_000_000}
		if live {
			f.control, f.visit = 5_000_000, 70_000_000
		}
		stamp := g.received.Format("20060102150405")
		if !live {
			if err := f.write([]byte("FHS|^~\\&|PAS|RVJ|CCARE|BNSSG|" + stamp + "\rBHS|^~\\&|PAS|RVJ|CCARE|BNSSG|" + stamp + "\r")); err != nil {
				return err
			}
			s.line += 2
		}
		n := 0
		for i := range g.people {
			if err := s.next(i); err != nil {
				return err
			}
			k := g.nbtKnows(i)
			if !k.known || k.live != live {
				continue
			}
			c, err := f.person(i, k)
			if err != nil {
				return err
			}
			n += c
		}
		if !live {
			if err := f.write([]byte("BTS|" + strconv.Itoa(n) + "\rFTS|1\r")); err != nil {
				return err
			}
		}
		return nil
	}
}

func (f *nbtFeed) write(b []byte) error {
	_, err := f.s.w.Write(b)
	return err
}

// cutoff is the last moment a message of the day can be sent.
func (f *nbtFeed) cutoff() time.Time { return localTime(f.g.day, 23, 0) }

// person draws, renders and writes one patient's messages; it returns how many.
func (f *nbtFeed) person(i int, k nbtKnowledge) (int, error) {
	g, r := f.g, f.s.r
	p := &g.people[i]
	mrn := g.nbtMRN(i, false)
	nhs, label := f.nhsHabit(p)
	f.msgs = f.msgs[:0]
	if k.merged {
		// The hurried registration: an ED visit under a second number, no NHS number.
		f.visitMessages(g.nbtMRN(i, true), false, 'E', false)
	}
	for range 1 + min(r.IntN(3), r.IntN(3)) {
		class := nbtVisitClasses[pickWeighted(r, 3, func(c int) int { return [3]int{45, 35, 20}[c] })]
		f.visitMessages(mrn, true, class, r.Float64() < rateNBTFuture)
	}
	if r.Float64() < 0.12 {
		f.msgs = append(f.msgs, &nbtMessage{at: f.someTime(), event: "A31", mrn: mrn, withNHS: true, class: 'N'})
	}
	slices.SortStableFunc(f.msgs, func(a, b *nbtMessage) int { return a.at.Compare(b.at) })
	if k.merged {
		last := f.msgs[len(f.msgs)-1].at
		at := last.Add(time.Duration(1+r.IntN(48)) * time.Hour)
		if at.After(f.cutoff()) {
			at = f.cutoff()
		}
		f.msgs = append(f.msgs, &nbtMessage{at: at, event: "A40", mrn: mrn, withNHS: true, class: 'N', merged: g.nbtMRN(i, true)})
	}
	if r.Float64() < rateNBTMistaken {
		f.mistakenMerge(i, mrn)
	}
	for _, m := range f.msgs {
		u := r.Float64()
		m.copies = 1
		switch {
		case u < rateDuplicate:
			m.copies = 2
		case u < rateDuplicate+rateNBTUnread:
			m.unread = true
		}
		f.control++
		f.render(m, p, f.g.shownAs(saltPASPatients, i, true), nhs, f.control)
	}
	for _, m := range f.msgs {
		if !m.future {
			f.s.later(m.at)
		}
	}
	return f.emit(p, g.personKey(i), label)
}

// mistakenMerge appends an A40 that merges another known patient's hospital number into
// mrn, and the A37 that unlinks them one to six hours later, both before the cutoff.
func (f *nbtFeed) mistakenMerge(i int, mrn string) {
	g, r := f.g, f.s.r
	j := -1
	for range 64 {
		k := (i + 1 + r.IntN(997)) % len(g.people)
		if k != i && g.nbtKnows(k).known {
			j = k
			break
		}
	}
	if j < 0 {
		return
	}
	other := g.nbtMRN(j, false)
	at := f.someTime()
	gap := time.Duration(60+r.IntN(300)) * time.Minute
	if last := f.cutoff().Add(-gap); at.After(last) {
		at = last
	}
	q := &g.people[j]
	sh := g.shownAs(saltPASPatients, j, true)
	pid := "PID|2||" + other + "^^^RVJ^PI||" + hl7Escape.Replace(sh.family) + "^" + hl7Escape.Replace(sh.given) +
		"||" + strings.ReplaceAll(isoDate(sh.birth), "-", "") + "|" + hl7Sex[q.sex] + "\r"
	f.msgs = append(f.msgs,
		&nbtMessage{at: at, event: "A40", mrn: mrn, withNHS: true, class: 'N', merged: other},
		&nbtMessage{at: at.Add(gap), event: "A37", mrn: mrn, withNHS: true, class: 'N', unlinked: []byte(pid)})
	slices.SortStableFunc(f.msgs, func(a, b *nbtMessage) int { return a.at.Compare(b.at) })
}

// nhsHabit draws how the PAS holds the person's NHS number.
func (f *nbtFeed) nhsHabit(p *person) (value, label string) {
	if p.nhs == 0 {
		return "", "missing"
	}
	n := nhsString(p.nhs)
	switch u := f.s.r.Float64(); {
	case u < rateNHSSpaced:
		return nhsSpaced(n), "spaced"
	case u < rateNHSSpaced+rateNHSMissing:
		return "", "missing"
	case u < rateNHSSpaced+rateNHSMissing+rateNHSMistyped:
		return nhsMistype(n, f.s.r), "mistyped"
	}
	return n, "ok"
}

// someTime is a moment in the window, during the day.
func (f *nbtFeed) someTime() time.Time {
	r := f.s.r
	return localTime(f.g.day-day(r.IntN(nbtWindowDays)), 7+r.IntN(15), r.IntN(60))
}

// visitMessages appends the messages of one visit: an inpatient spell (A01, transfers,
// perhaps an A08, A03 once discharged), an outpatient registration (A04) or an ED visit
// (A04 then A03). A future visit is a lone booking dated after D.
func (f *nbtFeed) visitMessages(mrn string, withNHS bool, class byte, future bool) {
	r := f.s.r
	f.visit += 1 + uint64(r.IntN(20))
	v := &nbtMessage{mrn: mrn, withNHS: withNHS, class: class, visit: "V" + strconv.FormatUint(f.visit, 10)}
	add := func(event string, at time.Time, change func(m *nbtMessage)) {
		m := *v
		m.event, m.at = event, at
		if change != nil {
			change(&m)
		}
		*v = m
		f.msgs = append(f.msgs, &m)
	}
	start := f.someTime()
	switch class {
	case 'I':
		v.ward = nbtWards[r.IntN(len(nbtWards))]
	case 'O':
		v.ward = nbtClinics[r.IntN(len(nbtClinics))]
	default:
		v.ward = "ED"
	}
	if future {
		v.admit = localTime(f.g.day+1+day(r.IntN(30)), 8+r.IntN(9), 0)
		event := "A04"
		if class == 'I' {
			event = "A01"
		}
		add(event, start, func(m *nbtMessage) { m.future = true })
		return
	}
	v.admit = start
	switch class {
	case 'I':
		add("A01", start, nil)
		at := start
		for range r.IntN(3) {
			at = at.Add(time.Duration(2+r.IntN(60)) * time.Hour)
			ward := nbtWards[r.IntN(len(nbtWards))]
			add("A02", at, func(m *nbtMessage) { m.prior, m.ward = m.ward, ward })
		}
		if r.Float64() < 0.2 {
			at = at.Add(time.Duration(1+r.IntN(12)) * time.Hour)
			add("A08", at, nil)
		}
		end := at.Add(time.Duration(6+int(r.ExpFloat64()*96)) * time.Hour)
		if !end.After(f.cutoff()) {
			add("A03", end, func(m *nbtMessage) { m.disch = end })
		}
	case 'O':
		add("A04", start, nil)
	default:
		add("A04", start, nil)
		end := start.Add(time.Duration(60+r.IntN(420)) * time.Minute)
		if !end.After(f.cutoff()) {
			add("A03", end, func(m *nbtMessage) { m.disch = end })
		}
	}
	// Messages are only sent up to the cutoff.
	for len(f.msgs) > 0 && f.msgs[len(f.msgs)-1].at.After(f.cutoff()) {
		f.msgs = f.msgs[:len(f.msgs)-1]
	}
}

var nbtStructure = map[string]string{
	"A01": "ADT_A01", "A02": "ADT_A02", "A03": "ADT_A03", "A04": "ADT_A01", "A08": "ADT_A01",
	"A31": "ADT_A05", "A40": "ADT_A39", "A37": "ADT_A37",
}

var hl7Sex = [...]string{"M", "F", "O", "U"}

func hl7Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("200601021504")
}

// hl7Escape escapes the delimiters in free text, as a conformant sender must.
var hl7Escape = strings.NewReplacer(`\`, `\E\`, `|`, `\F\`, `^`, `\S\`, `&`, `\T\`, `~`, `\R\`)

// render lays the message out, segments ending in \r (and its MLLP frame on the live feed).
func (f *nbtFeed) render(m *nbtMessage, p *person, sh shown, nhs string, control uint64) {
	b := m.rendered[:0]
	if f.live {
		b = append(b, 0x0b)
	}
	enc := `^~\&`
	if m.unread {
		enc = `^~\&amp;`
	}
	b = append(b, "MSH|"+enc+"|PAS|RVJ|CCARE|BNSSG|"+hl7Time(m.at)+"||ADT^"+m.event+"^"+nbtStructure[m.event]+
		"|NBT"+strconv.FormatUint(control, 10)+"|P|2.4|||AL|NE\r"...)
	b = append(b, "EVN|"+m.event+"|"+hl7Time(m.at)+"\r"...)
	ids := m.mrn + "^^^RVJ^PI"
	if m.withNHS && nhs != "" {
		ids += "~" + nhs + "^^^NHS^NH"
	}
	b = append(b, "PID|1||"+ids+"||"+hl7Escape.Replace(sh.family)+"^"+hl7Escape.Replace(sh.given)+
		"||"+strings.ReplaceAll(isoDate(sh.birth), "-", "")+"|"+hl7Sex[p.sex]+"|||^^Bristol^^"+p.postcode+"^GBR\r"...)
	b = append(b, "PD1|||^^"+practiceCode(int(p.practice))+"\r"...)
	if m.merged != "" {
		b = append(b, "MRG|"+m.merged+"^^^RVJ^PI\r"...)
	}
	pv1 := make([]string, 46)
	pv1[0], pv1[1], pv1[2] = "PV1", "1", string(m.class)
	if m.visit != "" {
		pv1[3] = m.ward + "^^^RVJ01"
		pv1[6] = m.prior
		if m.prior != "" {
			pv1[6] += "^^^RVJ01"
		}
		pv1[19] = m.visit
		pv1[44] = hl7Time(m.admit)
		pv1[45] = hl7Time(m.disch)
	}
	b = append(b, strings.TrimRight(strings.Join(pv1, "|"), "|")+"\r"...)
	if m.unlinked != nil {
		b = append(b, m.unlinked...)
		b = append(b, "PV1|1|N\r"...)
	}
	m.lines = strings.Count(string(b), "\r")
	if f.live {
		b = append(b, 0x1c, '\r')
		m.lines++
	}
	m.rendered = b
}

// emit writes a patient's messages and their fates.
func (f *nbtFeed) emit(p *person, key, label string) (int, error) {
	// The latest message of each hospital number that survives the rules is loaded.
	latest := map[string]*nbtMessage{}
	for _, m := range f.msgs {
		if !m.unread && !m.future {
			latest[m.mrn] = m
		}
	}
	n := 0
	for _, m := range f.msgs {
		nhsLabel := label
		if !m.withNHS {
			nhsLabel = "missing"
		}
		for c := range m.copies {
			if err := f.write(m.rendered); err != nil {
				return n, err
			}
			fate, reason := "load", ""
			switch {
			case m.unread:
				fate, reason = "quarantine", "unreadable"
			case m.future:
				fate, reason = "quarantine", "future_date"
			case c < m.copies-1:
				fate, reason = "superseded", "duplicate"
			case latest[m.mrn] != m:
				fate, reason = "superseded", "later_message"
			}
			if err := f.truth(m, key, nhsLabel, fate, reason); err != nil {
				return n, err
			}
			f.s.line += m.lines
			n++
		}
	}
	return n, nil
}

func (f *nbtFeed) truth(m *nbtMessage, key, nhs, fate, reason string) error {
	s := f.s
	s.records++
	s.tb = truthCSV.appendRecord(s.tb[:0], []string{
		s.provider, s.feed, s.file, strconv.Itoa(s.records), strconv.Itoa(s.line),
		m.mrn, key, nbtControlID(m), nhs, fate, reason,
	})
	_, err := s.truth.Write(s.tb)
	return err
}

// nbtControlID reads MSH-10 back from the rendered message.
func nbtControlID(m *nbtMessage) string {
	seg := string(m.rendered)
	for range 9 {
		_, seg, _ = strings.Cut(seg, "|")
	}
	id, _, _ := strings.Cut(seg, "|")
	return id
}
