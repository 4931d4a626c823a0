package synth

import (
	"strconv"
	"time"
)

// ooh-adastra: the out-of-hours GP service. Semicolon CSV (quoted where needed, LF),
// timestamps in London local time with their UTC offset, free-text outcomes that may
// hold semicolons, quotes and line breaks.

var adastraCSV = dialect{delim: ';', quote: quoteNeeded, eol: "\n"}

func init() {
	register(system{
		id: "ooh-adastra",
		localID: func(g *gen, i int) string {
			if g.people[i].oohCases == 0 {
				return ""
			}
			return g.patientRef(i)
		},
		feeds: []feed{{
			name: "cases", dialect: adastraCSV, traits: inlinePersonTraits,
			file: func(d8 string) string { return "Adastra_Cases_" + d8 + ".csv" },
			header: []string{"CaseRef", "PatientRef", "NHSNo", "Surname", "Forename", "DOB", "Gender", "Postcode",
				"CaseStarted", "CaseClosed", "PresentingComplaint", "Outcome", "CaseType"},
			write: adastraCases, hourly: true,
		}},
	})
}

const saltPatientRef = 0xada5_0000_0000_0001

// patientRef is person i's Adastra patient reference: AP and eight digits, a seed-keyed
// permutation of the person's index.
func (g *gen) patientRef(i int) string {
	v := permuteBelow(uint64(i), 100_000_000, 28, g.seed^saltPatientRef)
	var b [10]byte
	copy(b[:], "AP")
	putDigits(b[2:], v)
	return string(b[:])
}

var adastraGender = [...]string{"Male", "Female", "Indeterminate", "Unknown"}

// rateMultilineOutcome: outcomes written over two lines.
const rateMultilineOutcome = 0.02

// offsetLayout is RFC 3339 with a numeric offset even in winter (+00:00, never Z).
const offsetLayout = "2006-01-02T15:04:05-07:00"

func adastraCases(g *gen, s *sink) error {
	fields := make([]string, 13)
	next := uint64(40_000_000)
	var tb [32]byte
	last := g.day - 1
	for i := range g.people {
		if err := s.next(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.oohCases == 0 {
			continue
		}
		ref := g.patientRef(i)
		key := g.personKey(i)
		var births personBirthHabits
		for _, d := range visitDays(s.r, p, last, int(p.oohCases)) {
			h := births.fit(g, i, s.habit())
			switch h {
			case habitFutureDate:
				d = s.futureDay()
			case habitBeforeBirth:
				d, _ = s.beforeBirth(p, d, noDay)
			}
			// Out of hours: weekday nights and evenings (00:00–08:00, 18:30–24:00), any time
			// at weekends; always on day d.
			var minute int
			if wd := (int(d)%7 + 10) % 7; wd >= 5 { // 0 = Monday (1 January 1970 was a Thursday)
				minute = s.r.IntN(24 * 60)
			} else if minute = s.r.IntN(13*60 + 30); minute >= 8*60 {
				minute += 10*60 + 30
			}
			started := localTime(d, 0, 0).Add(time.Duration(minute) * time.Minute)
			caseType := 0
			var dur int
			switch u := s.r.Float64(); {
			case u < 0.6:
				dur = 5 + s.r.IntN(36)
			case u < 0.9:
				caseType, dur = 1, 30+s.r.IntN(91)
			default:
				caseType, dur = 2, 45+s.r.IntN(136)
			}
			closed := started.Add(time.Duration(dur) * time.Minute)
			if h == habitEndBeforeStart {
				var ok bool
				if closed, ok = s.earlierTime(p, started); !ok {
					h = habitNone
				}
			}
			birth := p.birth
			if h == habitImplausibleAge {
				birth = s.implausibleBirth()
			}
			outcome := oohOutcomes[s.r.IntN(len(oohOutcomes))]
			if s.r.Float64() < rateMultilineOutcome {
				outcome += "\n" + oohSecondLines[s.r.IntN(len(oohSecondLines))]
			}
			next += 1 + uint64(s.r.IntN(25))
			id := "C" + strconv.FormatUint(next, 10)
			nhs, label := s.nhsNumber(h, p)
			sh := g.shownAs(saltAdastraCases, i, false)
			fields = append(fields[:0], id, ref, nhs, sh.family, sh.given, dmyDate(birth),
				adastraGender[p.sex], p.postcode,
				appendLocal(tb[:], started.In(london), offsetLayout), appendLocal(tb[:], closed.In(london), offsetLayout),
				oohComplaints[pickFront(s.r, len(oohComplaints))], outcome, oohCaseTypes[caseType])
			if err := s.emit(fields, h, ref, key, id, label); err != nil {
				return err
			}
		}
	}
	return nil
}
