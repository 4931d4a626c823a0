package synth

import (
	"bufio"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// nbt-cdw: the North Bristol clinical data warehouse. A nightly PostgreSQL plain-text dump
// (pg_dump): SET lines, DDL, then each table's rows as a COPY … FROM stdin; block in text
// format; the old allergy register, migrated from a previous system, is restored from
// INSERT statements appended to the dump. One dump file, three feeds (one per table): each
// feed's folder receives the same bytes, and each feed's truth covers only its own table.
// The whole dump is drawn from one random stream keyed by the system, so every feed writes
// byte-identical files. Diagnoses are ICD-10 in the NHS four-character style (I10X, E119).

func init() {
	file := func(d8 string) string { return "CDW_nightly_" + d8 + ".sql" }
	register(system{
		id: "nbt-cdw",
		localID: func(g *gen, i int) string {
			if !g.cdwKnown(i) {
				return ""
			}
			return g.cdwMRN(i)
		},
		feeds: []feed{
			{name: "patients", file: file, traits: otherPersonTraits, write: cdwDump("patients")},
			{name: "diagnoses", file: file, traits: clinicalTraits, write: cdwDump("diagnoses")},
			{name: "allergies", file: file, traits: clinicalTraits, write: cdwDump("allergies")},
		},
	})
}

const (
	saltCDWKnown = 0x3d7a_0000_0000_0101
	saltCDWMRN   = 0x3d7a_0000_0000_0102
	saltCDWDump  = 0x3d7a_0000_0000_0103
	saltCDWSpell = 0x0b1e_5a17_0000_0104
)

// cdwKnown says whether person i has been a North Bristol patient: more likely with age.
func (g *gen) cdwKnown(i int) bool {
	u := float64(splitmix64(g.seed^saltCDWKnown^splitmix64(uint64(i)))>>11) / (1 << 53)
	return u < 0.12+0.005*float64(g.people[i].ageAt(g.day-1))
}

// cdwMRN is person i's North Bristol hospital number: RVJ and seven digits.
func (g *gen) cdwMRN(i int) string {
	v := permuteBelow(uint64(i), 10_000_000, 24, g.seed^saltCDWMRN)
	var b [10]byte
	copy(b[:], "RVJ")
	putDigits(b[3:], v)
	return string(b[:])
}

// icd10 is an ICD-10 code as the trust's coders write it (four characters, no dot, X filler)
// with its WHO description, and the SNOMED CT concept it maps to (sql/schema/62_icd10_map.sql).
type icd10 struct{ code, term, snomed string }

// cdwChronic: the ICD-10 code of each GP condition, by SNOMED CT concept, coded as a
// secondary diagnosis when the patient is admitted with it.
var cdwChronic = map[string]icd10{
	"38341003":  {"I10X", "Essential (primary) hypertension", "38341003"},
	"44054006":  {"E119", "Type 2 diabetes mellitus without complications", "44054006"},
	"195967001": {"J459", "Asthma, unspecified", "195967001"},
	"13645005":  {"J449", "Chronic obstructive pulmonary disease, unspecified", "13645005"},
	"35489007":  {"F329", "Depressive episode, unspecified", "35489007"},
	"49436004":  {"I489", "Atrial fibrillation and atrial flutter, unspecified", "49436004"},
	"414545008": {"I259", "Chronic ischaemic heart disease, unspecified", "414545008"},
	"84114007":  {"I509", "Heart failure, unspecified", "84114007"},
	"433144002": {"N183", "Chronic kidney disease, stage 3", "433144002"},
	"396275006": {"M199", "Arthrosis, unspecified", "396275006"},
	"40930008":  {"E039", "Hypothyroidism, unspecified", "40930008"},
	"197480006": {"F419", "Anxiety disorder, unspecified", "197480006"},
	"84757009":  {"G409", "Epilepsy, unspecified", "84757009"},
	"26929004":  {"G309", "Alzheimer's disease, unspecified", "26929004"},
	"230690007": {"I64X", "Stroke, not specified as haemorrhage or infarction", "230690007"},
	"69896004":  {"M069", "Rheumatoid arthritis, unspecified", "69896004"},
	"46635009":  {"E109", "Type 1 diabetes mellitus without complications", "46635009"},
	"24079001":  {"L209", "Atopic dermatitis, unspecified", "24079001"},
}

// cdwAcute: the primary diagnosis of an admission; old50 codes only for patients over 50.
var cdwAcute = []struct {
	icd10
	weight int
	old50  bool
}{
	{icd10{"J189", "Pneumonia, unspecified", "233604007"}, 10, false},
	{icd10{"N390", "Urinary tract infection, site not specified", "68566005"}, 8, false},
	{icd10{"L039", "Cellulitis, unspecified", "128045006"}, 5, false},
	{icd10{"R074", "Chest pain, unspecified", "29857009"}, 8, false},
	{icd10{"K358", "Acute appendicitis, other and unspecified", "85189001"}, 3, false},
	{icd10{"R55X", "Syncope and collapse", "271594007"}, 4, false},
	{icd10{"A419", "Sepsis, unspecified", "91302008"}, 3, false},
	{icd10{"I219", "Acute myocardial infarction, unspecified", "22298006"}, 3, true},
	{icd10{"S720", "Fracture of neck of femur", "5913000"}, 3, true},
	{icd10{"J441", "Chronic obstructive pulmonary disease with acute exacerbation, unspecified", "195951007"}, 3, true},
}

// cdwComments: what clinicians type into the free-text column, including the characters
// COPY must escape (tab, line break, backslash) and non-ASCII text.
var cdwComments = []string{
	"Pt declined\tobs at 02:00",
	"Discussed with reg.\nFollow-up in clinic 6/52",
	`Results filed under \\nbt-fs01\path\lab`,
	"Seen by Dr O'Neill — café-au-lait macules noted",
	"Coded from discharge summary\r\nlate entry",
}

var cdwNotedBy = []string{"Dr O'Neill", "Nurse D'Souza", "Dr Patel", "Pharmacist Evans", "Dr Ng"}

// cdwDump returns the writer of the dump for the feed that reads table: the whole dump, with
// truth rows for that table's records only.
func cdwDump(table string) func(g *gen, s *sink) error {
	return func(g *gen, s *sink) error {
		// One stream for the whole dump, whichever feed writes it, so the bytes agree.
		s.r = rand.New(rand.NewPCG(g.seed, splitmix64(hashString("nbt-cdw")^saltCDWDump)))
		w := &dumpWriter{g: g, s: s, want: table, line: 1}
		w.text(cdwPreamble)
		w.text(cdwDDL)
		for _, t := range []struct {
			name  string
			write func(*dumpWriter) error
		}{{"diagnoses", cdwDiagnoses}, {"patients", cdwPatients}, {"allergies", cdwAllergies}} {
			w.table = t.name
			if err := t.write(w); err != nil {
				return err
			}
		}
		w.text("\n--\n-- PostgreSQL database dump complete\n--\n\n")
		return w.err
	}
}

// dumpWriter writes the dump, counting lines, and the truth of the wanted table.
type dumpWriter struct {
	g     *gen
	s     *sink
	want  string // the table whose records this feed's truth describes
	table string // the table being written
	line  int    // the line the next byte starts on
	buf   []byte
	err   error
}

func (w *dumpWriter) text(t string) {
	if w.err != nil {
		return
	}
	_, w.err = w.s.w.WriteString(t)
	for i := 0; i < len(t); i++ {
		if t[i] == '\n' {
			w.line++
		}
	}
}

// record writes one row (b, ending in a line break), twice for a duplicate, and its fate.
func (w *dumpWriter) record(b []byte, h habit, localID, personKey, recordID, nhsLabel string) error {
	copies := 1
	if h == habitDuplicate {
		copies = 2
	}
	for c := range copies {
		start := w.line
		w.text(string(b))
		if w.err != nil {
			return w.err
		}
		if w.table != w.want {
			continue
		}
		w.s.records++
		fate, reason := fateOf(h, c, copies, "malformed")
		if err := writeTruthRow(w.s.truth, &w.s.tb, w.s.provider, w.s.feed, w.s.file, w.s.records, start,
			localID, personKey, recordID, nhsLabel, fate, reason); err != nil {
			return err
		}
	}
	return nil
}

func writeTruthRow(tw *bufio.Writer, tb *[]byte, provider, feed, file string, record, line int, rest ...string) error {
	*tb = truthCSV.appendRecord((*tb)[:0], append([]string{provider, feed, file,
		strconv.Itoa(record), strconv.Itoa(line)}, rest...))
	_, err := tw.Write(*tb)
	return err
}

// cut drops a malformed record's last 1–3 fields.
func (w *dumpWriter) cut(h habit, fields []string) []string {
	if h != habitMalformed {
		return fields
	}
	return fields[:len(fields)-1-w.s.r.IntN(3)]
}

// copyRow encodes fields as a COPY text-format row: tab-separated, "" as \N, escapes.
func copyRow(b []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, '\t')
		}
		if f == "" {
			b = append(b, `\N`...)
			continue
		}
		for j := 0; j < len(f); j++ {
			switch c := f[j]; c {
			case '\\':
				b = append(b, `\\`...)
			case '\t':
				b = append(b, `\t`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			default:
				b = append(b, c)
			}
		}
	}
	return append(b, '\n')
}

// sqlLiteral appends a value as pg_dump --column-inserts writes it: NULL, a bare number, or
// a quoted string with quotes doubled (standard_conforming_strings is on, so a backslash is
// an ordinary character and a line break is written as is).
func sqlLiteral(b []byte, f string, number bool) []byte {
	if f == "" {
		return append(b, "NULL"...)
	}
	if number {
		return append(b, f...)
	}
	b = append(b, '\'')
	for j := 0; j < len(f); j++ {
		if f[j] == '\'' {
			b = append(b, '\'')
		}
		b = append(b, f[j])
	}
	return append(b, '\'')
}

func pgTimestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + "+00" }

func cdwPatients(w *dumpWriter) error {
	g, s := w.g, w.s
	w.text(cdwDataComment("patients", "cdw"))
	w.text("COPY cdw.patients (patient_id, mrn, nhs_number, family_name, given_name, date_of_birth, sex, postcode, gp_practice_code, updated_at) FROM stdin;\n")
	fields := make([]string, 10)
	id := 0
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.cdwKnown(i) {
			continue
		}
		p := &g.people[i]
		id++
		h := g.personHabit(saltCDWPatients, i, otherPersonTraits)
		nhs, label := s.nhsNumber(h, p)
		mrn := g.cdwMRN(i)
		sh := g.shownAs(saltCDWPatients, i, true)
		birth := sh.birth
		if h == habitImplausibleAge {
			birth = s.implausibleBirth()
		}
		updated := localTime(g.day-1-day(s.r.IntN(400)), 8+s.r.IntN(12), s.r.IntN(60))
		fields = append(fields[:0], strconv.Itoa(id), mrn, nhs, sh.family, sh.given,
			isoDate(birth), sexLetter[p.sex], p.postcode, practiceCode(int(p.practice)), pgTimestamp(updated))
		w.buf = copyRow(w.buf[:0], w.cut(h, fields))
		if err := w.record(w.buf, h, mrn, g.personKey(i), mrn, label); err != nil {
			return err
		}
	}
	w.text("\\.\n\n")
	return w.err
}

func cdwDiagnoses(w *dumpWriter) error {
	g, s := w.g, w.s
	s.t = clinicalTraits // the dump's tables are written through one sink
	w.text(cdwDataComment("diagnoses", "cdw"))
	w.text("COPY cdw.diagnoses (diagnosis_id, mrn, spell_id, icd10_code, diagnosis_description, diagnosis_sequence, diagnosis_date, clinician_comment, recorded_at) FROM stdin;\n")
	pr := newPersonRand()
	var probs []problem
	fields := make([]string, 9)
	next, spell := uint64(40_000_000), uint64(7_000_000)
	last := g.day - 1
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.cdwKnown(i) {
			continue
		}
		p := &g.people[i]
		probs = g.problems(pr, i, probs)
		mrn, key := g.cdwMRN(i), g.personKey(i)
		age := p.ageAt(last)
		r := g.seedPerson(pr, i, saltCDWSpell)
		n := min(poisson(r, 0.6+float64(age)/60), 4)
		sent := g.sentAs(g.personHabit(saltCDWPatients, i, otherPersonTraits), i, saltCDWPatients)
		for _, d := range cdwSpellDays(r, p, last, n) {
			spell += 1 + uint64(r.IntN(5))
			dx := []icd10{cdwAcute[pickWeighted(r, len(cdwAcute), func(k int) int {
				if cdwAcute[k].old50 && p.ageAt(d) < 50 {
					return 0
				}
				return cdwAcute[k].weight
			})].icd10}
			for _, pb := range probs {
				if pb.onset <= d && (pb.end == noDay || pb.end >= d) && len(dx) < 5 {
					dx = append(dx, cdwChronic[conditions[pb.cond].snomed])
				}
			}
			for seq, c := range dx {
				h := clinicalHabit(s, sent)
				coded := d
				switch h {
				case habitFutureDate:
					coded = s.futureDay()
				case habitBeforeBirth:
					coded, _ = s.beforeBirth(p, coded, noDay)
				}
				code := c.code
				if h == habitUnknownCode {
					code = pick(s.r, unknownICD10)
				}
				mrn, key := w.cdwPatient(&h, mrn, key)
				comment := ""
				if s.r.Float64() < 0.03 {
					comment = cdwComments[s.r.IntN(len(cdwComments))]
				}
				next += 1 + uint64(s.r.IntN(3))
				id := strconv.FormatUint(next, 10)
				recorded := localTime(min(coded+1+day(s.r.IntN(10)), g.day-1), 9+s.r.IntN(9), s.r.IntN(60))
				if coded > last {
					recorded = localTime(coded, 12, 0)
				}
				fields = append(fields[:0], id, mrn, strconv.FormatUint(spell, 10), code, c.term,
					strconv.Itoa(seq+1), isoDate(coded), comment, pgTimestamp(recorded))
				w.buf = copyRow(w.buf[:0], w.cut(h, fields))
				if err := w.record(w.buf, h, mrn, key, id, ""); err != nil {
					return err
				}
			}
		}
	}
	w.text("\\.\n\n")
	return w.err
}

// cdwPatient is the hospital number a row carries and its person key: for an orphan, a
// well-formed number that is nobody's (the patient's row was deleted) and no person.
// (If the population fills the range, there is no such number: the habit is dropped.)
func (w *dumpWriter) cdwPatient(h *habit, mrn, key string) (string, string) {
	if *h != habitOrphan {
		return mrn, key
	}
	j, ok := w.g.freshIndex(w.s.r, 10_000_000)
	if !ok {
		*h = habitNone
		return mrn, key
	}
	return w.g.cdwMRN(j), ""
}

// cdwSpellDays: admission days in the last five years, in order.
func cdwSpellDays(r *rand.Rand, p *person, last day, n int) []day {
	lo := max(p.birth, last-5*365)
	days := make([]day, n)
	for k := range days {
		days[k] = lo + day(float64(last-lo)*math.Sqrt(r.Float64()))
	}
	for a := 1; a < len(days); a++ { // insertion sort: n ≤ 4
		for b := a; b > 0 && days[b] < days[b-1]; b-- {
			days[b], days[b-1] = days[b-1], days[b]
		}
	}
	return days
}

// cdwAllergies writes the legacy allergy register as INSERT statements.
func cdwAllergies(w *dumpWriter) error {
	g, s := w.g, w.s
	s.t = clinicalTraits
	w.text(cdwDataComment("allergy_register", "legacy"))
	const head = "INSERT INTO legacy.allergy_register (allergy_id, hospital_number, snomed_code, allergen, reaction, severity, noted_by, recorded_on) VALUES ("
	numeric := []bool{true, false, false, false, false, false, false, false}
	pr := newPersonRand()
	var recs []allergyRecord
	fields := make([]string, 8)
	id := 500_000
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return err
		}
		if !g.cdwKnown(i) {
			continue
		}
		recs = g.allergiesOf(pr, i, recs)
		mrn, key := g.cdwMRN(i), g.personKey(i)
		sent := g.sentAs(g.personHabit(saltCDWPatients, i, otherPersonTraits), i, saltCDWPatients)
		for _, a := range recs {
			if s.r.Float64() < 0.4 { // not every GP-known allergy reached the old register
				continue
			}
			h := clinicalHabit(s, sent)
			recorded := a.recorded
			switch h {
			case habitFutureDate:
				recorded = s.futureDay()
			case habitBeforeBirth:
				recorded, _ = s.beforeBirth(&g.people[i], recorded, noDay)
			}
			id += 1 + s.r.IntN(4)
			al := &allergies[a.allergy]
			code := al.snomed
			if h == habitUnknownCode {
				code = pick(s.r, unknownAllergySNOMED)
			}
			mrn, key := w.cdwPatient(&h, mrn, key)
			fields = append(fields[:0], strconv.Itoa(id), mrn, code, al.term, reactions[a.reaction],
				severities[a.severity], cdwNotedBy[s.r.IntN(len(cdwNotedBy))], isoDate(recorded))
			w.buf = append(w.buf[:0], head...)
			for k, f := range w.cut(h, fields) {
				if k > 0 {
					w.buf = append(w.buf, ", "...)
				}
				w.buf = sqlLiteral(w.buf, f, numeric[k])
			}
			w.buf = append(w.buf, ");\n"...)
			if err := w.record(w.buf, h, mrn, key, strconv.Itoa(id), ""); err != nil {
				return err
			}
		}
	}
	w.text("\n")
	return w.err
}

func cdwDataComment(table, schema string) string {
	return "--\n-- Data for Name: " + table + "; Type: TABLE DATA; Schema: " + schema + "; Owner: cdw_owner\n--\n\n"
}

const cdwPreamble = `--
-- PostgreSQL database dump
--

-- Dumped from database version 15.8
-- Dumped by pg_dump version 15.8

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: cdw; Type: SCHEMA; Schema: -; Owner: cdw_owner
--

CREATE SCHEMA cdw;


ALTER SCHEMA cdw OWNER TO cdw_owner;

--
-- Name: legacy; Type: SCHEMA; Schema: -; Owner: cdw_owner
--

CREATE SCHEMA legacy;


ALTER SCHEMA legacy OWNER TO cdw_owner;

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: cdw; Owner: cdw_owner
--

CREATE FUNCTION cdw.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- rows copied in from the old register keep their own timestamps
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;


ALTER FUNCTION cdw.touch_updated_at() OWNER TO cdw_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

`

const cdwDDL = `--
-- Name: diagnoses; Type: TABLE; Schema: cdw; Owner: cdw_owner
--

CREATE TABLE cdw.diagnoses (
    diagnosis_id bigint NOT NULL,
    mrn character varying(10) NOT NULL,
    spell_id bigint NOT NULL,
    icd10_code character varying(5),
    diagnosis_description text,
    diagnosis_sequence smallint DEFAULT 1 NOT NULL,
    diagnosis_date date,
    clinician_comment text,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE cdw.diagnoses OWNER TO cdw_owner;

--
-- Name: patients; Type: TABLE; Schema: cdw; Owner: cdw_owner
--

CREATE TABLE cdw.patients (
    patient_id integer NOT NULL,
    mrn character varying(10) NOT NULL,
    nhs_number character varying(12),
    family_name text,
    given_name text,
    date_of_birth date,
    sex character(1) DEFAULT 'U'::bpchar,
    postcode character varying(8),
    gp_practice_code character varying(6),
    updated_at timestamp with time zone
);


ALTER TABLE cdw.patients OWNER TO cdw_owner;

--
-- Name: allergy_register; Type: TABLE; Schema: legacy; Owner: cdw_owner
--

COMMENT ON SCHEMA legacy IS 'Allergy register migrated from the
pre-2018 system; read only';

CREATE TABLE legacy.allergy_register (
    allergy_id integer NOT NULL,
    hospital_number character varying(10),
    snomed_code character varying(18),
    allergen text,
    reaction text,
    severity text,
    noted_by text,
    recorded_on date
);


ALTER TABLE legacy.allergy_register OWNER TO cdw_owner;

`
