package synth

import (
	"encoding/json"
	"time"
)

// uhbw-epr: the Bristol & Weston electronic patient record, a FHIR R4 bulk export: one NDJSON
// file per resource type, one resource per line, no header. Patient.id is the EPR's logical
// id (a lower-case UUID), the local id; other resources refer to it as "Patient/<id>". The
// export carries history: an amended resource appears as version 1 and, later in the file,
// version 2 (meta.versionId), and the later version replaces the earlier. Resources withdrawn
// as entered-in-error (Condition and AllergyIntolerance verificationStatus, MedicationStatement
// status) are removed: quarantined with rule WDR-001 (truth: quarantine / entered_in_error).
// A malformed line is a resource cut short mid-JSON (truth: quarantine / bad_json → EXT-002).

const (
	saltEPRKnown = 0x3d7a_0000_0000_0201
	saltEPRID    = 0x3d7a_0000_0000_0202
	saltEPREnc   = 0x0b1e_5a17_0000_0203

	rateAmended        = 0.02  // a second version of the resource later in the file
	rateEnteredInError = 0.015 // clinical resources withdrawn as entered-in-error

	eprSNOMED = "http://snomed.info/sct"
)

func init() {
	ndjson := func(resource string) func(string) string {
		return func(d8 string) string { return resource + "_" + d8 + ".ndjson" }
	}
	register(system{
		id: "uhbw-epr",
		localID: func(g *gen, i int) string {
			if !g.eprKnown(i) {
				return ""
			}
			return g.eprPatientID(i)
		},
		feeds: []feed{
			{name: "patients", file: ndjson("Patient"), traits: otherPersonTraits, write: eprWriter(eprPatients)},
			{name: "conditions", file: ndjson("Condition"), traits: clinicalTraits, write: eprWriter(eprConditions)},
			{name: "allergies", file: ndjson("AllergyIntolerance"), traits: clinicalTraits, write: eprWriter(eprAllergies)},
			{name: "medications", file: ndjson("MedicationStatement"), traits: clinicalTraits, write: eprWriter(eprMedications)},
			{name: "encounters", file: ndjson("Encounter"), traits: eprEncounterTraits, write: eprWriter(eprEncounters)},
		},
	})
}

// eprEncounterTraits: an Encounter has a period (start and end) and a reason code.
var eprEncounterTraits = traits{event: true, code: true, span: true, birth: true, orphan: true}

// eprKnown: has person i a record in the trust's EPR (everyone seen in its ED, and others)?
func (g *gen) eprKnown(i int) bool {
	if g.people[i].edVisits > 0 {
		return true
	}
	u := float64(splitmix64(g.seed^saltEPRKnown^splitmix64(uint64(i)))>>11) / (1 << 53)
	return u < 0.10+0.004*float64(g.people[i].ageAt(g.day-1))
}

// eprPatientID is person i's logical id in the EPR.
func (g *gen) eprPatientID(i int) string {
	return lowerGUID(splitmix64(g.seed^saltEPRID^uint64(i)), splitmix64(uint64(i)*0x9e3779b97f4a7c15^saltEPRID))
}

func lowerGUID(hi, lo uint64) string {
	b := []byte(guid(hi, lo))
	for k, c := range b {
		if c >= 'A' && c <= 'F' {
			b[k] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// eprFile writes one resource type's NDJSON, with versions, withdrawals and habits.
type eprFile struct {
	*dumpWriter
	later []eprLater // second versions, written after the first versions of every resource
}

type eprLater struct {
	line         []byte
	localID, key string
	recordID     string
	nhsLabel     string
}

func eprWriter(write func(*eprFile) error) func(g *gen, s *sink) error {
	return func(g *gen, s *sink) error {
		w := &eprFile{dumpWriter: &dumpWriter{g: g, s: s, want: s.feed, table: s.feed, line: 1}}
		if err := write(w); err != nil {
			return err
		}
		for _, l := range w.later { // the amended versions, as an incremental export lists them
			if err := w.fate(l.line, "load", "", l.localID, l.key, l.recordID, l.nhsLabel); err != nil {
				return err
			}
		}
		return w.err
	}
}

// fate writes one line with a given fate (for the EPR's own habits).
func (w *eprFile) fate(line []byte, fate, reason, localID, key, recordID, nhsLabel string) error {
	start := w.line
	w.text(string(line))
	if w.err != nil {
		return w.err
	}
	w.s.records++
	return writeTruthRow(w.s.truth, &w.s.tb, w.s.provider, w.s.feed, w.s.file, w.s.records, start,
		localID, key, recordID, nhsLabel, fate, reason)
}

// eprExtra is the EPR's own habit for a record that drew none of the common ones.
type eprExtra uint8

const (
	eprNone eprExtra = iota
	eprAmended
	eprWithdrawn
)

func (w *eprFile) extra(h habit, withdrawable bool) eprExtra {
	if h != habitNone && h != habitNHSSpaced && h != habitNHSMissing && h != habitNHSMistyped {
		return eprNone
	}
	u := w.s.r.Float64()
	switch {
	case u < rateAmended:
		return eprAmended
	case withdrawable && u < rateAmended+rateEnteredInError:
		return eprWithdrawn
	}
	return eprNone
}

// emit writes resource v (version 1) with its habits; amend returns version 2, if any.
func (w *eprFile) emit(v any, h habit, x eprExtra, amend func() any, localID, key, recordID, nhsLabel string) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	switch {
	case h == habitMalformed:
		cut := 20 + w.s.r.IntN(len(line)-40)
		return w.fate(append(line[:cut:cut], '\n'), "quarantine", "bad_json", localID, key, recordID, nhsLabel)
	case x == eprWithdrawn:
		return w.fate(line, "quarantine", "entered_in_error", localID, key, recordID, nhsLabel)
	case x == eprAmended:
		v2, err := json.Marshal(amend())
		if err != nil {
			return err
		}
		w.later = append(w.later, eprLater{append(v2, '\n'), localID, key, recordID, nhsLabel})
		return w.fate(line, "superseded", "amended", localID, key, recordID, nhsLabel)
	}
	return w.record(line, h, localID, key, recordID, nhsLabel)
}

// FHIR shapes: only what the export carries, in the order a server writes it.
type (
	fhirMeta struct {
		VersionID   string `json:"versionId"`
		LastUpdated string `json:"lastUpdated"`
	}
	fhirIdentifier struct {
		System string `json:"system"`
		Value  string `json:"value"`
	}
	fhirCoding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	fhirConcept struct {
		Coding []fhirCoding `json:"coding,omitempty"`
		Text   string       `json:"text,omitempty"`
	}
	fhirRef struct {
		Reference  string          `json:"reference,omitempty"`
		Identifier *fhirIdentifier `json:"identifier,omitempty"`
	}
	fhirPeriod struct {
		Start string `json:"start,omitempty"`
		End   string `json:"end,omitempty"`
	}
)

type fhirPatient struct {
	ResourceType        string           `json:"resourceType"`
	ID                  string           `json:"id"`
	Meta                fhirMeta         `json:"meta"`
	Identifier          []fhirIdentifier `json:"identifier"`
	Name                []fhirName       `json:"name"`
	Gender              string           `json:"gender"`
	BirthDate           string           `json:"birthDate"`
	Address             []fhirAddress    `json:"address,omitempty"`
	GeneralPractitioner []fhirRef        `json:"generalPractitioner,omitempty"`
}

type fhirName struct {
	Use    string   `json:"use"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
}

type fhirAddress struct {
	Use        string `json:"use"`
	PostalCode string `json:"postalCode"`
}

func fhirInstant(t time.Time) string { return t.In(london).Format(time.RFC3339) }

func (w *eprFile) meta(version string) fhirMeta {
	t := localTime(w.g.day-1-day(w.s.r.IntN(60)), 7+w.s.r.IntN(14), w.s.r.IntN(60))
	return fhirMeta{VersionID: version, LastUpdated: fhirInstant(t)}
}

var fhirGender = [...]string{"male", "female", "other", "unknown"}

func eprPatients(w *eprFile) error {
	g, s := w.g, w.s
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.eprKnown(i) {
			continue
		}
		p := &g.people[i]
		h := g.personHabit(saltEPRPatients, i, otherPersonTraits)
		x := w.extra(h, false)
		nhs, label := s.nhsNumber(h, p)
		id := g.eprPatientID(i)
		sh := g.shownAs(saltEPRPatients, i, true)
		birth := sh.birth
		if h == habitImplausibleAge {
			birth = s.implausibleBirth()
		}
		res := fhirPatient{
			ResourceType: "Patient", ID: id, Meta: w.meta("1"),
			Identifier: []fhirIdentifier{{"https://fhir.bristol.nhs.uk/Id/mrn", g.mrn(i)}},
			Name:       []fhirName{{"official", sh.family, []string{sh.given}}},
			Gender:     fhirGender[p.sex], BirthDate: isoDate(birth),
			Address:             []fhirAddress{{"home", p.postcode}},
			GeneralPractitioner: []fhirRef{{Identifier: &fhirIdentifier{"https://fhir.nhs.uk/Id/ods-organization-code", practiceCode(int(p.practice))}}},
		}
		if nhs != "" {
			res.Identifier = append([]fhirIdentifier{{"https://fhir.nhs.uk/Id/nhs-number", nhs}}, res.Identifier...)
		}
		amend := func() any { // a new address: the patient moved within the area
			v2 := res
			v2.Meta = fhirMeta{VersionID: "2", LastUpdated: fhirInstant(localTime(g.day-1, 16, 30))}
			v2.Address = []fhirAddress{{"home", drawPostcode(s.r)}}
			return v2
		}
		if err := w.emit(res, h, x, amend, id, g.personKey(i), id, label); err != nil {
			return err
		}
	}
	return nil
}

type fhirCondition struct {
	ResourceType       string        `json:"resourceType"`
	ID                 string        `json:"id"`
	Meta               fhirMeta      `json:"meta"`
	ClinicalStatus     *fhirConcept  `json:"clinicalStatus,omitempty"`
	VerificationStatus fhirConcept   `json:"verificationStatus"`
	Category           []fhirConcept `json:"category"`
	Code               fhirConcept   `json:"code"`
	Subject            fhirRef       `json:"subject"`
	OnsetDateTime      string        `json:"onsetDateTime,omitempty"`
	AbatementDateTime  string        `json:"abatementDateTime,omitempty"`
	RecordedDate       string        `json:"recordedDate,omitempty"`
}

func fhirStatus(system, code string) *fhirConcept {
	return &fhirConcept{Coding: []fhirCoding{{System: system, Code: code}}}
}

const (
	csConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	csConditionVer      = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	csAllergyClinical   = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	csAllergyVer        = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)

func (w *eprFile) newID() string { return lowerGUID(w.s.r.Uint64(), w.s.r.Uint64()) }

// patient is the Patient id a resource refers to and its person key: for an orphan, a new
// id that is no Patient's (the patient was deleted from the EPR) and no person.
func (w *eprFile) patient(h habit, pid, key string) (string, string) {
	if h != habitOrphan {
		return pid, key
	}
	return w.newID(), ""
}

func eprConditions(w *eprFile) error {
	g, s := w.g, w.s
	pr := newPersonRand()
	var probs []problem
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.eprKnown(i) {
			continue
		}
		probs = g.problems(pr, i, probs)
		pid, key := g.eprPatientID(i), g.personKey(i)
		sent := g.sentAs(g.personHabit(saltEPRPatients, i, otherPersonTraits), i, saltEPRPatients)
		for _, pb := range probs {
			if s.r.Float64() < 0.3 { // not every GP problem is on the hospital record
				continue
			}
			h := clinicalHabit(s, sent)
			x := w.extra(h, true)
			cd := &conditions[pb.cond]
			onset, end := pb.onset, pb.end
			switch h {
			case habitFutureDate:
				onset, end = s.futureDay(), noDay
			case habitBeforeBirth:
				onset, end = s.beforeBirth(&g.people[i], onset, end)
			}
			code := cd.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownSNOMED)
			}
			pid, key := w.patient(h, pid, key)
			id := w.newID()
			res := fhirCondition{
				ResourceType: "Condition", ID: id, Meta: w.meta("1"),
				ClinicalStatus:     fhirStatus(csConditionClinical, "active"),
				VerificationStatus: *fhirStatus(csConditionVer, "confirmed"),
				Category:           []fhirConcept{{Coding: []fhirCoding{{System: "http://terminology.hl7.org/CodeSystem/condition-category", Code: "problem-list-item"}}}},
				Code:               fhirConcept{Coding: []fhirCoding{{eprSNOMED, code, cd.term}}, Text: cd.term},
				Subject:            fhirRef{Reference: "Patient/" + pid},
				OnsetDateTime:      isoDate(onset),
				RecordedDate:       isoDate(min(onset+day(s.r.IntN(30)), max(onset, g.day-1))),
			}
			if end != noDay {
				res.ClinicalStatus = fhirStatus(csConditionClinical, "resolved")
				res.AbatementDateTime = isoDate(end)
			}
			if x == eprWithdrawn {
				res.ClinicalStatus = nil // FHIR: no clinical status on an entered-in-error condition
				res.VerificationStatus = *fhirStatus(csConditionVer, "entered-in-error")
			}
			amend := func() any { // the problem is now marked resolved
				v2 := res
				v2.Meta = fhirMeta{VersionID: "2", LastUpdated: fhirInstant(localTime(g.day-1, 11, 5))}
				v2.ClinicalStatus = fhirStatus(csConditionClinical, "resolved")
				if v2.AbatementDateTime == "" {
					v2.AbatementDateTime = isoDate(g.day - 1)
				}
				return v2
			}
			if err := w.emit(res, h, x, amend, pid, key, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

type fhirAllergy struct {
	ResourceType       string         `json:"resourceType"`
	ID                 string         `json:"id"`
	Meta               fhirMeta       `json:"meta"`
	ClinicalStatus     *fhirConcept   `json:"clinicalStatus,omitempty"`
	VerificationStatus fhirConcept    `json:"verificationStatus"`
	Code               fhirConcept    `json:"code"`
	Patient            fhirRef        `json:"patient"`
	RecordedDate       string         `json:"recordedDate"`
	Reaction           []fhirReaction `json:"reaction,omitempty"`
}

type fhirReaction struct {
	Manifestation []fhirConcept `json:"manifestation"`
	Severity      string        `json:"severity"`
}

var fhirSeverity = [...]string{"mild", "moderate", "severe"}

func eprAllergies(w *eprFile) error {
	g, s := w.g, w.s
	pr := newPersonRand()
	var recs []allergyRecord
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.eprKnown(i) {
			continue
		}
		recs = g.allergiesOf(pr, i, recs)
		pid, key := g.eprPatientID(i), g.personKey(i)
		sent := g.sentAs(g.personHabit(saltEPRPatients, i, otherPersonTraits), i, saltEPRPatients)
		for _, a := range recs {
			if s.r.Float64() < 0.3 {
				continue
			}
			h := clinicalHabit(s, sent)
			x := w.extra(h, true)
			recorded := a.recorded
			switch h {
			case habitFutureDate:
				recorded = s.futureDay()
			case habitBeforeBirth:
				recorded, _ = s.beforeBirth(&g.people[i], recorded, noDay)
			}
			al := &allergies[a.allergy]
			code := al.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownAllergySNOMED)
			}
			pid, key := w.patient(h, pid, key)
			id := w.newID()
			res := fhirAllergy{
				ResourceType: "AllergyIntolerance", ID: id, Meta: w.meta("1"),
				ClinicalStatus:     fhirStatus(csAllergyClinical, "active"),
				VerificationStatus: *fhirStatus(csAllergyVer, "confirmed"),
				Code:               fhirConcept{Coding: []fhirCoding{{eprSNOMED, code, al.term}}},
				Patient:            fhirRef{Reference: "Patient/" + pid},
				RecordedDate:       isoDate(recorded),
				Reaction: []fhirReaction{{Manifestation: []fhirConcept{{Text: reactions[a.reaction]}},
					Severity: fhirSeverity[a.severity]}},
			}
			if x == eprWithdrawn {
				res.ClinicalStatus = nil
				res.VerificationStatus = *fhirStatus(csAllergyVer, "entered-in-error")
			}
			amend := func() any { // severity revised after review
				v2 := res
				v2.Meta = fhirMeta{VersionID: "2", LastUpdated: fhirInstant(localTime(g.day-1, 14, 20))}
				v2.Reaction = []fhirReaction{{Manifestation: res.Reaction[0].Manifestation, Severity: "severe"}}
				return v2
			}
			if err := w.emit(res, h, x, amend, pid, key, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

type fhirMedicationStatement struct {
	ResourceType              string       `json:"resourceType"`
	ID                        string       `json:"id"`
	Meta                      fhirMeta     `json:"meta"`
	Status                    string       `json:"status"`
	MedicationCodeableConcept fhirConcept  `json:"medicationCodeableConcept"`
	Subject                   fhirRef      `json:"subject"`
	EffectivePeriod           fhirPeriod   `json:"effectivePeriod"`
	Dosage                    []fhirDosage `json:"dosage,omitempty"`
}

type fhirDosage struct {
	Text string `json:"text"`
}

func eprMedications(w *eprFile) error {
	g, s := w.g, w.s
	pr := newPersonRand()
	var probs []problem
	var meds []medication
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.eprKnown(i) {
			continue
		}
		probs = g.problems(pr, i, probs)
		meds = g.medications(pr, i, probs, meds)
		pid, key := g.eprPatientID(i), g.personKey(i)
		sent := g.sentAs(g.personHabit(saltEPRPatients, i, otherPersonTraits), i, saltEPRPatients)
		for _, m := range meds {
			if s.r.Float64() < 0.4 {
				continue
			}
			h := clinicalHabit(s, sent)
			x := w.extra(h, true)
			start, end := m.start, m.end
			switch h {
			case habitFutureDate:
				start, end = s.futureDay(), noDay
			case habitBeforeBirth:
				start, end = s.beforeBirth(&g.people[i], start, end)
			}
			d := &drugs[m.drug]
			code := d.dmd
			if h == habitUnknownCode {
				code = pick(s.r, unknownDmd)
			}
			pid, key := w.patient(h, pid, key)
			id := w.newID()
			res := fhirMedicationStatement{
				ResourceType: "MedicationStatement", ID: id, Meta: w.meta("1"), Status: "active",
				MedicationCodeableConcept: fhirConcept{Coding: []fhirCoding{{"https://dmd.nhs.uk", code, d.name}}},
				Subject:                   fhirRef{Reference: "Patient/" + pid},
				EffectivePeriod:           fhirPeriod{Start: isoDate(start), End: dateOrEmpty(end, isoDate)},
				Dosage:                    []fhirDosage{{d.dose}},
			}
			if end != noDay {
				res.Status = "completed"
			}
			if x == eprWithdrawn {
				res.Status = "entered-in-error"
			}
			amend := func() any { // stopped on admission
				v2 := res
				v2.Meta = fhirMeta{VersionID: "2", LastUpdated: fhirInstant(localTime(g.day-1, 9, 45))}
				v2.Status = "stopped"
				if v2.EffectivePeriod.End == "" {
					v2.EffectivePeriod.End = isoDate(g.day - 1)
				}
				return v2
			}
			if err := w.emit(res, h, x, amend, pid, key, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

type fhirEncounter struct {
	ResourceType    string        `json:"resourceType"`
	ID              string        `json:"id"`
	Meta            fhirMeta      `json:"meta"`
	Status          string        `json:"status"`
	Class           fhirCoding    `json:"class"`
	Type            []fhirConcept `json:"type"`
	Subject         fhirRef       `json:"subject"`
	Period          fhirPeriod    `json:"period"`
	ReasonCode      []fhirConcept `json:"reasonCode,omitempty"`
	ServiceProvider fhirRef       `json:"serviceProvider"`
}

// eprClinics: outpatient clinics and the reason recorded (SNOMED CT), by weight.
var eprClinics = []struct {
	name, code, term string
	weight           int
}{
	{"Cardiology outpatients", "49436004", "Atrial fibrillation", 4},
	{"Respiratory outpatients", "195967001", "Asthma", 3},
	{"Diabetes clinic", "44054006", "Diabetes mellitus type 2", 4},
	{"Fracture clinic", "263204007", "Fracture of radius", 3},
	{"Ophthalmology outpatients", "193570009", "Cataract", 3},
	{"Elective day case", "", "", 2},
}

func eprEncounters(w *eprFile) error {
	g, s := w.g, w.s
	pr := newPersonRand()
	const ac = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.eprKnown(i) {
			continue
		}
		p := &g.people[i]
		r := g.seedPerson(pr, i, saltEPREnc)
		n := min(poisson(r, 0.5+float64(p.ageAt(g.day-1))/50), 5)
		pid, key := g.eprPatientID(i), g.personKey(i)
		sent := g.sentAs(g.personHabit(saltEPRPatients, i, otherPersonTraits), i, saltEPRPatients)
		for _, d := range visitDays(r, p, g.day-1, n) {
			h := clinicalHabit(s, sent)
			x := w.extra(h, false)
			switch h {
			case habitFutureDate:
				d = s.futureDay()
			case habitBeforeBirth:
				d, _ = s.beforeBirth(p, d, noDay)
			}
			c := &eprClinics[pickWeighted(s.r, len(eprClinics), func(k int) int { return eprClinics[k].weight })]
			start := localTime(d, 8+s.r.IntN(9), 15*s.r.IntN(4))
			end := start.Add(time.Duration(15+s.r.IntN(60)) * time.Minute)
			class := fhirCoding{System: ac, Code: "AMB", Display: "ambulatory"}
			status := "finished"
			if c.code == "" {
				class = fhirCoding{System: ac, Code: "IMP", Display: "inpatient encounter"}
				end = start.Add(time.Duration(4+s.r.IntN(8)) * time.Hour)
			}
			reason := c.code
			switch h {
			case habitEndBeforeStart:
				var ok bool
				if end, ok = s.earlierTime(p, start); !ok {
					h = habitNone
				}
			case habitUnknownCode:
				if reason == "" { // a day case has no reason code to get wrong
					h = habitNone
				} else {
					reason = pick(s.r, unknownSNOMED)
				}
			}
			pid, key := w.patient(h, pid, key)
			id := w.newID()
			res := fhirEncounter{
				ResourceType: "Encounter", ID: id, Meta: w.meta("1"), Status: status, Class: class,
				Type:            []fhirConcept{{Text: c.name}},
				Subject:         fhirRef{Reference: "Patient/" + pid},
				Period:          fhirPeriod{Start: fhirInstant(start), End: fhirInstant(end)},
				ServiceProvider: fhirRef{Identifier: &fhirIdentifier{"https://fhir.nhs.uk/Id/ods-organization-code", "RA7"}},
			}
			if c.code != "" {
				res.ReasonCode = []fhirConcept{{Coding: []fhirCoding{{eprSNOMED, reason, c.term}}}}
			}
			amend := func() any { // the clinic letter was attached: a new version, same visit
				v2 := res
				v2.Meta = fhirMeta{VersionID: "2", LastUpdated: fhirInstant(localTime(g.day-1, 17, 0))}
				return v2
			}
			if err := w.emit(res, h, x, amend, pid, key, id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}
