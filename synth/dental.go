package synth

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // the dental case system's database, written as SQLite writes it
)

// ooh-dental: the urgent dental and minor injuries service. Its case system is a SQLite
// database, sent whole every night. Two of its tables are read, one feed each: contacts
// (every attendance, with the patient's details as taken at the desk) and allergies
// (recorded at the first contact). Both feeds' folders get the same file, byte for byte;
// truth/records.csv lists each table's rows under its feed, with the rowid as the line.
//
// Habits, as a database has them: a form submitted twice (the same case reference on two
// rows, the later one stands), times in the future (a clock set wrong on a kiosk), NHS
// numbers missing, mistyped or spaced, and rows keyed in through the old reception kiosk,
// which stores Windows-1252 bytes (an en dash) in a TEXT column: not valid UTF-8, so the
// record is quarantined (truth reason `bad_encoding`, rule EXT-002). Rowids have gaps where
// test cases were deleted.

const (
	saltDental        = 0xde17_a100_0000_0001
	saltDentalID      = 0xde17_a100_1d00_0001
	saltDentalDB      = 0xde17_a100_db00_0001
	reasonBadEncoding = "bad_encoding"
	dentalDeletedRate = 0.02 // rowids left unused by deleted test cases
)

func dentalFile(d8 string) string { return "DentalCases_" + d8 + ".sqlite" }

func init() {
	register(system{
		id:      "ooh-dental",
		localID: func(g *gen, i int) string { return g.dentalPatientID(i) },
		feeds: []feed{
			{name: "contacts", file: dentalFile, traits: inlinePersonTraits, write: dentalWrite("contacts")},
			{name: "allergies", file: dentalFile, traits: dentalAllergyTraits, write: dentalWrite("allergies")},
		},
	})
}

// dentalAllergyTraits: an allergy has a SNOMED CT code and refers to a patient whose details
// are in the contacts table (the service's person records).
var dentalAllergyTraits = traits{event: true, code: true, birth: true, orphan: true}

// dentalContactsOf re-derives how many times person i attended (0 for most people).
func (g *gen) dentalContactsOf(i int) int {
	pr := personRands.Get().(*personRand)
	defer personRands.Put(pr)
	r := g.seedPerson(pr, i, saltDental)
	if r.Float64() >= 0.06 {
		return 0
	}
	n := 1
	for n < 3 && r.Float64() < 0.25 {
		n++
	}
	return n
}

func (g *gen) dentalPatientID(i int) string {
	if g.dentalContactsOf(i) == 0 {
		return ""
	}
	return g.dentalID(i)
}

func (g *gen) dentalID(i int) string {
	var b [10]byte
	copy(b[:], "DNT")
	putDigits(b[3:], permuteBelow(uint64(i), 10_000_000, 24, g.seed^saltDentalID))
	return string(b[:])
}

var dentalServices = []string{"Urgent dental", "Urgent dental", "Urgent dental", "Minor injuries"}

var dentalComplaints = map[string][]string{
	"Urgent dental":  {"Toothache", "Facial swelling", "Lost filling", "Broken tooth", "Bleeding after extraction", "Dental abscess", "Knocked-out tooth"},
	"Minor injuries": {"Cut to lip", "Jaw injury after fall", "Facial laceration", "Bitten tongue"},
}

var dentalOutcomes = []string{"Treated, discharged", "Temporary filling, see own dentist", "Extraction", "Antibiotics prescribed",
	"Advice only", "Referred to maxillofacial unit", "Dressing applied, review in 48 hours"}

// dentalRow is one row to insert and its truth.
type dentalRow struct {
	rowid                               int64
	values                              []any
	localID, key, recordID, nhs, reason string
	fate                                string
}

// dentalDB is the whole database's content, drawn from its own stream so that both feeds
// write the same bytes.
type dentalDB struct {
	contacts, allergies []dentalRow
}

func (g *gen) dentalContent() (*dentalDB, error) {
	r := rand.New(rand.NewPCG(g.seed, saltDentalDB))
	// Habits are drawn per table from the database's stream, as a sink would.
	hs := map[string]*sink{
		"contacts":  {g: g, r: r, t: inlinePersonTraits},
		"allergies": {g: g, r: r, t: dentalAllergyTraits},
	}
	db := &dentalDB{}
	var contactID, allergyID int64 = 100_000, 500_000
	caseRef := uint64(7_000_000)
	pr := newPersonRand()
	var recs []allergyRecord
	last := g.day - 1
	for i := range g.people {
		if err := g.canceled(i); err != nil {
			return nil, err
		}
		n := g.dentalContactsOf(i)
		if n == 0 {
			continue
		}
		p := &g.people[i]
		pid, key := g.dentalPatientID(i), g.personKey(i)
		days := visitDays(r, p, last, n)
		var births personBirthHabits
		var contacts sent // what the contacts send of the patient, for the allergies
		implausible := false
		for _, d := range days {
			s := hs["contacts"]
			h := births.fit(g, i, s.habit())
			switch h {
			case habitFutureDate:
				d = s.futureDay()
			case habitBeforeBirth:
				d, _ = s.beforeBirth(p, d, noDay)
			}
			service := dentalServices[r.IntN(len(dentalServices))]
			complaints := dentalComplaints[service]
			complaint := complaints[r.IntN(len(complaints))]
			if h == habitMalformed {
				complaint += " \x96 keyed at kiosk" // a Windows-1252 en dash in a TEXT column
			}
			arrived := localTime(d, 0, 0).Add(time.Duration(7*60+r.IntN(15*60)) * time.Minute)
			left := arrived.Add(time.Duration(20+r.IntN(160)) * time.Minute)
			if h == habitEndBeforeStart {
				var ok bool
				if left, ok = s.earlierTime(p, arrived); !ok {
					h = habitNone
				}
			}
			birth := p.birth
			if h == habitImplausibleAge {
				birth, implausible = s.implausibleBirth(), true
			}
			contacts.record = contacts.record || h != habitMalformed
			contacts.birth = contacts.birth || plain(h)
			caseRef += 1 + uint64(r.IntN(5))
			ref := "UDC" + strconv.FormatUint(caseRef, 10)
			nhs, label := s.nhsNumber(h, p)
			sh := g.shownAs(saltDentalContacts, i, false)
			values := []any{pid, ref, nullable(nhs), sh.family, sh.given, isoDate(birth), sexLetter[p.sex],
				p.postcode, arrived.In(london).Format("2006-01-02 15:04:05"), left.In(london).Format("2006-01-02 15:04:05"),
				service, complaint, dentalOutcomes[r.IntN(len(dentalOutcomes))]}
			db.contacts = append(db.contacts, dentalRows(r, &contactID, h, values, pid, key, ref, label)...)
		}
		recs = g.allergiesOf(pr, i, recs)
		contacts.birth = g.canPrecedeBirth(i, contacts.birth && !implausible)
		for _, a := range recs {
			s := hs["allergies"]
			h := clinicalHabit(s, contacts)
			recorded := days[0]
			switch h {
			case habitFutureDate:
				recorded = s.futureDay()
			case habitBeforeBirth:
				recorded, _ = s.beforeBirth(p, recorded, noDay)
			}
			al := &allergies[a.allergy]
			reaction := reactions[a.reaction]
			if h == habitMalformed {
				reaction += " \x96 per patient"
			}
			code := al.snomed
			if h == habitUnknownCode {
				code = pick(r, unknownAllergySNOMED)
			}
			apid, akey := pid, key
			if h == habitOrphan { // a patient whose contacts were deleted as test cases
				if j, ok := g.freshIndex(r, 10_000_000); ok {
					apid, akey = g.dentalID(j), ""
				} else {
					h = habitNone
				}
			}
			allergyID += 1 + int64(r.IntN(3))
			ref := "ALG" + strconv.FormatInt(allergyID, 10)
			values := []any{apid, ref, code, al.term, reaction, severities[a.severity], isoDate(recorded)}
			db.allergies = append(db.allergies, dentalRows(r, &allergyID, h, values, apid, akey, ref, "")...)
		}
	}
	return db, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dentalRows gives a record its rowid(s): two rows for a form submitted twice.
func dentalRows(r *rand.Rand, next *int64, h habit, values []any, pid, key, ref, nhs string) []dentalRow {
	copies := 1
	if h == habitDuplicate {
		copies = 2
	}
	var out []dentalRow
	for c := range copies {
		*next++
		if r.Float64() < dentalDeletedRate {
			*next += 1 + int64(r.IntN(3))
		}
		row := dentalRow{rowid: *next, values: values, localID: pid, key: key, recordID: ref, nhs: nhs}
		row.fate, row.reason = fateOf(h, c, copies, reasonBadEncoding)
		out = append(out, row)
	}
	return out
}

const dentalSchema = `
CREATE TABLE contacts (
    contact_id           INTEGER PRIMARY KEY,
    patient_id           TEXT NOT NULL,
    case_ref             TEXT NOT NULL,
    nhs_number           TEXT,
    surname              TEXT,
    forename             TEXT,
    date_of_birth        TEXT,
    sex                  TEXT,
    postcode             TEXT,
    arrived_at           DATETIME,
    left_at              DATETIME,
    service              TEXT,
    presenting_complaint TEXT,
    outcome              TEXT
);
CREATE INDEX contacts_patient ON contacts (patient_id);
CREATE TABLE allergies (
    allergy_id   INTEGER PRIMARY KEY,
    patient_id   TEXT NOT NULL,
    allergy_ref  TEXT NOT NULL,
    snomed_code  TEXT,
    substance    TEXT,
    reaction     TEXT,
    severity     TEXT,
    recorded_on  DATE
);
CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO app_settings VALUES ('schema_version', '14'), ('site', 'Bristol Dental Hospital urgent care');
`

// buildDentalDB writes the database to path.
func buildDentalDB(path string, content *dentalDB) (err error) {
	os.Remove(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(dentalSchema); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	for _, t := range []struct {
		insert string
		rows   []dentalRow
	}{
		{`INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, content.contacts},
		{`INSERT INTO allergies VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, content.allergies},
	} {
		stmt, err := tx.Prepare(t.insert)
		if err != nil {
			return err
		}
		args := []any{}
		for _, row := range t.rows {
			args = append(append(args[:0], row.rowid), row.values...)
			if _, err := stmt.Exec(args...); err != nil {
				stmt.Close()
				return fmt.Errorf("rowid %d: %w", row.rowid, err)
			}
		}
		stmt.Close()
	}
	return tx.Commit()
}

// dentalWrite builds the database (the same for both feeds), copies it into the feed's file
// and writes the truth rows of the feed's table.
func dentalWrite(table string) func(g *gen, s *sink) error {
	return func(g *gen, s *sink) error {
		content, err := g.dentalContent()
		if err != nil {
			return err
		}
		build := filepath.Join(g.inbox, s.provider, s.feed, "."+s.file+".build")
		defer os.Remove(build)
		if err := buildDentalDB(build, content); err != nil {
			return fmt.Errorf("build %s: %w", build, err)
		}
		f, err := os.Open(build)
		if err != nil {
			return err
		}
		_, err = io.Copy(s.w, f)
		f.Close()
		if err != nil {
			return err
		}
		rows := content.contacts
		if table == "allergies" {
			rows = content.allergies
		}
		for _, row := range rows {
			s.records++
			s.tb = truthCSV.appendRecord(s.tb[:0], []string{
				s.provider, s.feed, s.file, strconv.Itoa(s.records), strconv.FormatInt(row.rowid, 10),
				row.localID, row.key, row.recordID, row.nhs, row.fate, row.reason,
			})
			if _, err := s.truth.Write(s.tb); err != nil {
				return err
			}
		}
		return nil
	}
}
