package synth

import "strconv"

// gp-tpp: GP practices on SystmOne. Pipe-delimited, no quoting, LF, dates dd/mm/yyyy,
// SNOMED CT only, integer RowIdentifiers (IDPatient is the patient's RowIdentifier).

var tppPipe = dialect{delim: '|', quote: quoteNever, eol: "\n"}

func init() {
	register(system{
		id: "gp-tpp",
		localID: func(g *gen, i int) string {
			if g.people[i].gp != gpTPP {
				return ""
			}
			return strconv.FormatUint(uint64(g.people[i].tppID), 10)
		},
		feeds: []feed{
			{
				name: "patients", dialect: tppPipe, traits: gpPatientTraits,
				file:   func(d8 string) string { return "SRPatient_" + d8 + ".txt" },
				header: []string{"RowIdentifier", "NHSNumber", "FirstName", "Surname", "DateBirth", "Gender", "Postcode", "OrganisationCode", "DateRegistration"},
				write:  tppPatients,
			},
			{
				name: "problems", dialect: tppPipe, traits: clinicalTraits,
				file:   func(d8 string) string { return "SRProblem_" + d8 + ".txt" },
				header: []string{"RowIdentifier", "IDPatient", "SNOMEDCode", "Description", "DateStart", "DateEnd", "Status"},
				write:  tppProblems,
			},
			{
				name: "allergies", dialect: tppPipe, traits: clinicalTraits,
				file:   func(d8 string) string { return "SRAllergy_" + d8 + ".txt" },
				header: []string{"RowIdentifier", "IDPatient", "SNOMEDCode", "Description", "Reaction", "Severity", "DateRecorded"},
				write:  tppAllergies,
			},
			{
				name: "medications", dialect: tppPipe, traits: clinicalTraits,
				file:   func(d8 string) string { return "SRMedication_" + d8 + ".txt" },
				header: []string{"RowIdentifier", "IDPatient", "DmdCode", "Description", "Dose", "DateStart", "DateEnd", "Status"},
				write:  tppMedications,
			},
		},
	})
}

// tppRows hands out a table's RowIdentifiers: increasing, with the gaps deletions leave.
type tppRows struct {
	s    *sink
	next uint64
}

func newTPPRows(s *sink) *tppRows { return &tppRows{s: s, next: 100_000_000} }

func (t *tppRows) id() string {
	t.next += 1 + uint64(t.s.r.IntN(3))
	return strconv.FormatUint(t.next, 10)
}

func tppPatients(g *gen, s *sink) error {
	fields := make([]string, 9)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.gp != gpTPP {
			continue
		}
		h := g.gpPatientHabit(i)
		nhs, label := s.nhsNumber(h, p)
		id := strconv.FormatUint(uint64(p.tppID), 10)
		sh := g.shownAs(saltTPPPatients, i, false)
		fields = append(fields[:0], id, nhs, sh.given, sh.family, dmyDate(p.birth),
			sexLetter[p.sex], p.postcode, practiceCode(int(p.practice)), dmyDate(p.registered))
		if err := s.emit(fields, h, id, g.personKey(i), id, label); err != nil {
			return err
		}
	}
	return nil
}

func tppProblems(g *gen, s *sink) error {
	pr := newPersonRand()
	rows := newTPPRows(s)
	var probs []problem
	fields := make([]string, 7)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.gp != gpTPP {
			continue
		}
		probs = g.problems(pr, i, probs)
		pid := strconv.FormatUint(uint64(p.tppID), 10)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, pb := range probs {
			h := clinicalHabit(s, sent)
			cd := &conditions[pb.cond]
			onset, end, status := pb.onset, pb.end, "Active"
			if pb.past {
				status = "Past"
			}
			switch h {
			case habitFutureDate:
				onset, end, status = s.futureDay(), noDay, "Active"
			case habitBeforeBirth:
				onset, end = s.beforeBirth(p, onset, end)
			}
			code := cd.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownSNOMED)
			}
			rpid, rkey := tppPatient(g, s, h, pid, key)
			id := rows.id()
			fields = append(fields[:0], id, rpid, code, cd.term, dmyDate(onset),
				dateOrEmpty(end, dmyDate), status)
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func tppAllergies(g *gen, s *sink) error {
	pr := newPersonRand()
	rows := newTPPRows(s)
	var recs []allergyRecord
	fields := make([]string, 7)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.gp != gpTPP {
			continue
		}
		recs = g.allergiesOf(pr, i, recs)
		pid := strconv.FormatUint(uint64(p.tppID), 10)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, a := range recs {
			h := clinicalHabit(s, sent)
			recorded := a.recorded
			switch h {
			case habitFutureDate:
				recorded = s.futureDay()
			case habitBeforeBirth:
				recorded, _ = s.beforeBirth(p, recorded, noDay)
			}
			al := &allergies[a.allergy]
			code := al.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownAllergySNOMED)
			}
			rpid, rkey := tppPatient(g, s, h, pid, key)
			id := rows.id()
			fields = append(fields[:0], id, rpid, code, al.term, reactions[a.reaction],
				severities[a.severity], dmyDate(recorded))
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func tppMedications(g *gen, s *sink) error {
	pr := newPersonRand()
	rows := newTPPRows(s)
	var probs []problem
	var meds []medication
	fields := make([]string, 8)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.gp != gpTPP {
			continue
		}
		probs = g.problems(pr, i, probs)
		meds = g.medications(pr, i, probs, meds)
		pid := strconv.FormatUint(uint64(p.tppID), 10)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, m := range meds {
			h := clinicalHabit(s, sent)
			start, end := m.start, m.end
			switch h {
			case habitFutureDate:
				start, end = s.futureDay(), noDay
			case habitBeforeBirth:
				start, end = s.beforeBirth(p, start, end)
			}
			status := "Active"
			if end != noDay {
				status = "Ended"
			}
			d := &drugs[m.drug]
			code := d.dmd
			if h == habitUnknownCode {
				code = pick(s.r, unknownDmd)
			}
			rpid, rkey := tppPatient(g, s, h, pid, key)
			id := rows.id()
			fields = append(fields[:0], id, rpid, code, d.name, d.dose, dmyDate(start),
				dateOrEmpty(end, dmyDate), status)
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// tppPatient is the IDPatient a record carries and its person key: for an orphan, a
// RowIdentifier after every patient's (a patient registered after the patients extract was
// taken) and no person.
func tppPatient(g *gen, s *sink, h habit, pid, key string) (string, string) {
	if h != habitOrphan {
		return pid, key
	}
	return strconv.FormatUint(uint64(g.tppNext)+uint64(s.r.IntN(1000)), 10), ""
}
