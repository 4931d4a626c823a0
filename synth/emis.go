package synth

import "math/rand/v2"

// gp-emis: GP practices on EMIS. Comma CSV, every field quoted, CRLF, ISO dates, upper-case
// GUIDs; problems whose onset is before 2015 carry their Read v2 code.

var emisCSV = dialect{delim: ',', quote: quoteAll, eol: "\r\n"}

func init() {
	register(system{
		id: "gp-emis",
		localID: func(g *gen, i int) string {
			if g.people[i].gp != gpEMIS {
				return ""
			}
			return g.emisPatientGUID(i)
		},
		feeds: []feed{
			{
				name: "patients", dialect: emisCSV, traits: gpPatientTraits,
				file:   func(d8 string) string { return "EMIS_Patients_" + d8 + ".csv" },
				header: []string{"PatientGuid", "NHSNumber", "Surname", "Forenames", "DateOfBirth", "Sex", "Postcode", "PracticeCode", "RegisteredDate", "LastUpdated"},
				write:  emisPatients,
			},
			{
				name: "problems", dialect: emisCSV, traits: clinicalTraits,
				file:   func(d8 string) string { return "EMIS_Problems_" + d8 + ".csv" },
				header: []string{"ProblemGuid", "PatientGuid", "CodeSystem", "Code", "Term", "OnsetDate", "EndDate", "Status", "LastUpdated"},
				write:  emisProblems,
			},
			{
				name: "allergies", dialect: emisCSV, traits: clinicalTraits,
				file:   func(d8 string) string { return "EMIS_Allergies_" + d8 + ".csv" },
				header: []string{"AllergyGuid", "PatientGuid", "CodeSystem", "Code", "Term", "Reaction", "Severity", "RecordedDate", "LastUpdated"},
				write:  emisAllergies,
			},
			{
				name: "medications", dialect: emisCSV, traits: clinicalTraits,
				file:   func(d8 string) string { return "EMIS_Medications_" + d8 + ".csv" },
				header: []string{"MedicationGuid", "PatientGuid", "DmdCode", "DrugName", "Dosage", "StartDate", "EndDate", "Status", "LastUpdated"},
				write:  emisMedications,
			},
		},
	})
}

const saltEMISPatient = 0xe415_0000_0000_0001

// emisPatientGUID is person i's PatientGuid: derived, not stored, and stable for a seed.
func (g *gen) emisPatientGUID(i int) string {
	return guid(splitmix64(g.seed^saltEMISPatient+uint64(i)), splitmix64(^g.seed+uint64(i)*0x9e3779b97f4a7c15))
}

// lastUpdated is a working-hours moment on or after day from and on or before D-1, mostly
// in the last few years (records are touched whenever the patient is seen).
func lastUpdated(r *rand.Rand, from, last day) string {
	from = min(max(from, last-5*365), last)
	n := from + day(r.IntN(int(last-from)+1))
	return isoDateTime(n, 7*3600+r.IntN(12*3600))
}

func emisPatients(g *gen, s *sink) error {
	fields := make([]string, 10)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		p := &g.people[i]
		if p.gp != gpEMIS {
			continue
		}
		h := g.gpPatientHabit(i)
		nhs, label := s.nhsNumber(h, p)
		id := g.emisPatientGUID(i)
		sh := g.shownAs(saltEMISPatients, i, false)
		fields = append(fields[:0], id, nhs, sh.family, sh.given, isoDate(p.birth),
			sexLetter[p.sex], p.postcode, practiceCode(int(p.practice)), isoDate(p.registered),
			lastUpdated(s.r, p.registered, g.day-1))
		if err := s.emit(fields, h, id, g.personKey(i), id, label); err != nil {
			return err
		}
	}
	return nil
}

func emisProblems(g *gen, s *sink) error {
	pr := newPersonRand()
	var probs []problem
	fields := make([]string, 9)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if g.people[i].gp != gpEMIS {
			continue
		}
		probs = g.problems(pr, i, probs)
		pid := g.emisPatientGUID(i)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, pb := range probs {
			h := clinicalHabit(s, sent)
			cd := &conditions[pb.cond]
			onset, end, status := pb.onset, pb.end, "Active"
			if pb.past {
				status = "Past"
			}
			updated := lastUpdated(s.r, max(onset, end), g.day-1)
			switch h {
			case habitFutureDate:
				onset, end, status = s.futureDay(), noDay, "Active"
				updated = lastUpdated(s.r, g.day-30, g.day-1)
			case habitBeforeBirth:
				onset, end = s.beforeBirth(&g.people[i], onset, end)
			}
			system, code, term := "SNOMED", cd.snomed, cd.term
			if yearOf(onset) < readCutoffYear {
				system, code, term = "READ2", cd.read, cd.readTerm
			}
			if h == habitUnknownCode {
				code = pick(s.r, unknownSNOMED)
				if system == "READ2" {
					code = pick(s.r, unknownRead)
				}
			}
			rpid, rkey := pid, key
			if h == habitOrphan {
				rpid, rkey = s.newGUID(), ""
			}
			id := s.newGUID()
			fields = append(fields[:0], id, rpid, system, code, term, isoDate(onset),
				dateOrEmpty(end, isoDate), status, updated)
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func emisAllergies(g *gen, s *sink) error {
	pr := newPersonRand()
	var recs []allergyRecord
	fields := make([]string, 9)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if g.people[i].gp != gpEMIS {
			continue
		}
		recs = g.allergiesOf(pr, i, recs)
		pid := g.emisPatientGUID(i)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, a := range recs {
			h := clinicalHabit(s, sent)
			recorded := a.recorded
			updated := lastUpdated(s.r, recorded, g.day-1)
			switch h {
			case habitFutureDate:
				recorded = s.futureDay()
				updated = lastUpdated(s.r, g.day-30, g.day-1)
			case habitBeforeBirth:
				recorded, _ = s.beforeBirth(&g.people[i], recorded, noDay)
			}
			al := &allergies[a.allergy]
			code := al.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownAllergySNOMED)
			}
			rpid, rkey := pid, key
			if h == habitOrphan {
				rpid, rkey = s.newGUID(), ""
			}
			id := s.newGUID()
			fields = append(fields[:0], id, rpid, "SNOMED", code, al.term, reactions[a.reaction],
				severities[a.severity], isoDate(recorded), updated)
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func emisMedications(g *gen, s *sink) error {
	pr := newPersonRand()
	var probs []problem
	var meds []medication
	fields := make([]string, 9)
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if g.people[i].gp != gpEMIS {
			continue
		}
		probs = g.problems(pr, i, probs)
		meds = g.medications(pr, i, probs, meds)
		pid := g.emisPatientGUID(i)
		key := g.personKey(i)
		sent := g.sentAs(g.gpPatientHabit(i), i, 0)
		for _, m := range meds {
			h := clinicalHabit(s, sent)
			start, end := m.start, m.end
			updated := lastUpdated(s.r, max(start, end), g.day-1)
			switch h {
			case habitFutureDate:
				start, end = s.futureDay(), noDay
				updated = lastUpdated(s.r, g.day-30, g.day-1)
			case habitBeforeBirth:
				start, end = s.beforeBirth(&g.people[i], start, end)
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
			rpid, rkey := pid, key
			if h == habitOrphan {
				rpid, rkey = s.newGUID(), ""
			}
			id := s.newGUID()
			fields = append(fields[:0], id, rpid, code, d.name, d.dose, isoDate(start),
				dateOrEmpty(end, isoDate), status, updated)
			if err := s.emit(fields, h, rpid, rkey, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}
