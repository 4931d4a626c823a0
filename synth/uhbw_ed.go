package synth

import (
	"strconv"
	"time"
)

// uhbw-ed: the Bristol & Weston emergency department. ECDS-like CSV (comma, quoted only
// where needed, LF), SNOMED CT codes, local dates and times without an offset. Each row is
// one attendance and repeats the patient's details; MRN is the trust's patient id.

var edCSV = dialect{delim: ',', quote: quoteNeeded, eol: "\n"}

func init() {
	register(system{
		id: "uhbw-ed",
		localID: func(g *gen, i int) string {
			if g.people[i].edVisits == 0 {
				return ""
			}
			return g.mrn(i)
		},
		feeds: []feed{{
			name: "attendances", dialect: edCSV, traits: edTraits,
			file: func(d8 string) string { return "ED_Attendances_" + d8 + ".csv" },
			header: []string{"AttendanceId", "MRN", "NHSNumber", "FamilyName", "GivenName", "BirthDate", "StatedGenderCode", "Postcode",
				"ArrivalDate", "ArrivalTime", "DepartureDate", "DepartureTime", "ChiefComplaintCode", "DiagnosisCode", "DiagnosisTerm",
				"DischargeDestinationCode", "SiteCode"},
			write: edAttendances, hourly: true,
		}},
	})
}

const saltMRN = 0x3d7a_0000_0000_0001

// mrn is person i's hospital number: RA7 and seven digits, a seed-keyed permutation of
// the person's index (unique up to ten million people).
func (g *gen) mrn(i int) string {
	v := permuteBelow(uint64(i), 10_000_000, 24, g.seed^saltMRN)
	var b [10]byte
	copy(b[:], "RA7")
	putDigits(b[3:], v)
	return string(b[:])
}

// edTraits: an attendance carries the patient's details (a person record), arrival and
// departure, and SNOMED CT codes; the trust sends no separate patient file, so no orphans.
var edTraits = traits{event: true, nhs: true, code: true, span: true, birth: true, person: true}

// ECDS stated gender: 1 male, 2 female, 9 indeterminate, X not known.
var ecdsGender = [...]string{"1", "2", "9", "X"}

// edHourWeights: arrivals by hour of day, quiet overnight, busiest late morning to evening.
var edHourWeights = [24]int{3, 2, 2, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 5, 4, 3}

func edAttendances(g *gen, s *sink) error {
	fields := make([]string, 17)
	next := uint64(300_000_000)
	var tb [32]byte
	last := g.day - 1
	for i := range g.people {
		if err := s.next(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.edVisits == 0 {
			continue
		}
		mrn := g.mrn(i)
		key := g.personKey(i)
		var births personBirthHabits
		for _, d := range visitDays(s.r, p, last, int(p.edVisits)) {
			h := births.fit(g, i, s.habit())
			switch h {
			case habitFutureDate:
				d = s.futureDay()
			case habitBeforeBirth:
				d, _ = s.beforeBirth(p, d, noDay)
			}
			hour := pickWeighted(s.r, 24, func(k int) int { return edHourWeights[k] })
			arrival := localTime(d, hour, s.r.IntN(60))
			departure := arrival.Add(time.Duration(30+min(int(s.r.ExpFloat64()*180), 23*60)) * time.Minute)
			if h == habitEndBeforeStart {
				var ok bool
				if departure, ok = s.earlierTime(p, arrival); !ok {
					h = habitNone
				}
			}
			birth := p.birth
			if h == habitImplausibleAge {
				birth = s.implausibleBirth()
			}
			age := p.ageAt(dayOfTime(arrival))

			c := &edComplaints[pickWeighted(s.r, len(edComplaints), func(k int) int { return edComplaints[k].weight })]
			dx := c.diagnoses[s.r.IntN(len(c.diagnoses))]
			if age < 40 && (dx == xMI || dx == xAF || dx == xStroke || dx == xCOPD || dx == xFemur) {
				dx = c.diagnoses[0]
			}
			dxCode, dxTerm := edDiagnoses[dx].code, edDiagnoses[dx].term
			if s.r.Float64() < 0.03 { // left before a diagnosis was recorded
				dxCode, dxTerm = "", ""
			}
			complaint := c.code
			if h == habitUnknownCode { // the diagnosis, or the complaint if there is none
				if dxCode != "" {
					dxCode = pick(s.r, unknownSNOMED)
				} else {
					complaint = pick(s.r, unknownSNOMED)
				}
			}
			dest := pickWeighted(s.r, len(edDestinations), func(k int) int {
				w := edDestinations[k].weight
				if edDestinations[k].code == "306706006" { // admitted: more likely when old
					w += age / 4
				}
				return w
			})
			site := edSiteAdult
			if age < 16 {
				site = edSiteChild
			}
			next += 1 + uint64(s.r.IntN(40))
			id := "E" + strconv.FormatUint(next, 10)
			nhs, label := s.nhsNumber(h, p)
			sh := g.shownAs(saltEDAttendances, i, false)
			fields = append(fields[:0], id, mrn, nhs, sh.family, sh.given, isoDate(birth),
				ecdsGender[p.sex], p.postcode,
				appendLocal(tb[:], arrival, "2006-01-02"), appendLocal(tb[:], arrival, "15:04"),
				appendLocal(tb[:], departure.In(london), "2006-01-02"), appendLocal(tb[:], departure.In(london), "15:04"),
				complaint, dxCode, dxTerm, edDestinations[dest].code, site)
			if err := s.emit(fields, h, mrn, key, id, label); err != nil {
				return err
			}
		}
	}
	return nil
}
