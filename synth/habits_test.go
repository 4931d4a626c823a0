package synth

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ccsql "github.com/bnssg-connecting-care/ccare/sql"
)

// The habits the pipeline's data-quality rules count (unknown_code, discharge_before_admission,
// before_birth, implausible_age, orphan) are checked on the files as written: each file
// checker reports what every readable record says (an observation), and observed.check holds
// them, across feeds, to the truth. A record is readable if the pipeline's reader can parse it
// (not malformed, wrong_length, bad_json or bad_encoding): only those reach its rules.

// observed is what the file checkers of one generated community saw.
type observed struct {
	habits  map[string]int            // truth reason or "nhs <label>" → records
	feeds   map[string]map[string]int // provider/feed → truth reason → records
	births  map[string][]time.Time    // provider/local_id → birth dates of its readable person records
	persons []observedRecord          // readable person records
	records []observedRecord          // readable records with an event date
	total   int                       // rows in records.csv
	files   int                       // rows in files.csv
}

func newObserved() *observed {
	return &observed{habits: map[string]int{}, feeds: map[string]map[string]int{}, births: map[string][]time.Time{}}
}

// observation is what one readable record tells the checks.
type observation struct {
	birth      time.Time // a person record's birth date (zero: not a person record)
	event      time.Time // the event date before_birth is about, as a date (zero: none)
	start, end time.Time // start and end, if the record has them (zero end: open)
	dateOnly   bool      // start and end are dates, not instants
	codes      []observedCode
}

type observedCode struct{ system, code string }

// Code systems, as the checks tell them apart.
const (
	csSNOMED = "snomed"
	csDmd    = "dm+d"
	csRead   = "read-v2"
	csICD10  = "icd-10"
)

type observedRecord struct {
	observation
	where, provider, feed, local, key, reason, nhs, fate string
}

// count tallies a truth row's habits.
func (o *observed) count(provider, feed string, row map[string]string) {
	o.habits[row["reason"]]++
	o.habits["nhs "+row["nhs"]]++
	pf := provider + "/" + feed
	if o.feeds[pf] == nil {
		o.feeds[pf] = map[string]int{}
	}
	o.feeds[pf][row["reason"]]++
	if row["reason"] == reasonOrphan && row["person_key"] == "" {
		o.feeds[pf][reasonOrphan+" (fresh id)"]++
	}
}

// add records what a readable record says.
func (o *observed) add(provider, feed, where string, row map[string]string, obs observation) {
	r := observedRecord{observation: obs, where: where, provider: provider, feed: feed,
		local: row["local_id"], key: row["person_key"], reason: row["reason"], nhs: row["nhs"], fate: row["fate"]}
	if !obs.birth.IsZero() {
		o.births[provider+"/"+r.local] = append(o.births[provider+"/"+r.local], obs.birth)
		o.persons = append(o.persons, r)
	}
	if !obs.event.IsZero() {
		o.records = append(o.records, r)
	}
}

// ageOn is the age in whole years on day d of someone born on b.
func ageOn(b, d time.Time) int {
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// dateOf is t's London calendar date, as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.In(london).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// check holds every observation to its truth row.
func (o *observed) check(t *testing.T, links map[string]string) {
	t.Helper()
	known := knownCodes(t)
	// People whose GP record is loaded and linked by a valid NHS number: the GP's birth date
	// is their golden record's, whatever another system says.
	gpHolds := map[string]bool{}
	for _, p := range o.persons {
		if strings.HasPrefix(p.provider, "gp-") && p.fate == "load" && (p.nhs == "ok" || p.nhs == "spaced") {
			gpHolds[p.key] = true
		}
	}
	for _, p := range o.persons {
		age := ageOn(p.birth, testDay)
		implausible := p.reason == reasonImplausibleAge
		if implausible != (age > 120) || age < 0 || age > 140 || (implausible && age < 121) {
			t.Errorf("%s: born %s (age %d on the drop day), truth reason %q", p.where, p.birth.Format(time.DateOnly), age, p.reason)
		}
		if implausible && (strings.HasPrefix(p.provider, "gp-") || !gpHolds[p.key]) {
			t.Errorf("%s: an implausible birth date for %s, whose GP record may not win the golden record", p.where, p.key)
		}
	}
	for _, r := range o.records {
		// unknown_code: exactly one code outside the lists, well-formed in its system.
		var unknown []observedCode
		for _, c := range r.codes {
			if c.code != "" && !known.has(c) {
				unknown = append(unknown, c)
			}
		}
		if r.reason == reasonUnknownCode {
			if len(unknown) != 1 || !wellFormed(unknown[0]) {
				t.Errorf("%s: codes %v, of which unknown %v; truth says one well-formed unknown code", r.where, r.codes, unknown)
			}
		} else if len(unknown) > 0 {
			t.Errorf("%s: codes %v not in the reference lists, truth reason %q", r.where, unknown, r.reason)
		}

		// discharge_before_admission: the end 1–48 hours (1–30 days) before the start.
		if backwards := !r.end.IsZero() && r.end.Before(r.start); backwards != (r.reason == reasonEndBeforeStart) {
			t.Errorf("%s: start %s end %s, truth reason %q", r.where, r.start, r.end, r.reason)
		} else if backwards {
			gap, lo, hi := r.start.Sub(r.end), time.Hour, 48*time.Hour
			if r.dateOnly {
				lo, hi = 24*time.Hour, 30*24*time.Hour
			}
			if gap < lo || gap > hi || r.end.After(testDay) {
				t.Errorf("%s: end %s is %s before the start %s", r.where, r.end, gap, r.start)
			}
		}

		// orphan: the patient is in no readable person record of the provider; a fresh id
		// (no person key) is nobody's at all.
		births := o.births[r.provider+"/"+r.local]
		if orphan := len(births) == 0; orphan != (r.reason == reasonOrphan) {
			t.Errorf("%s: patient %s has %d readable person records, truth reason %q", r.where, r.local, len(births), r.reason)
		} else if orphan && (r.key == "") != (links[r.provider+"/"+r.local] == "") {
			t.Errorf("%s: orphan %s: person key %q, person_links.csv %q", r.where, r.local, r.key, links[r.provider+"/"+r.local])
		}

		// before_birth: the event 1–3650 days before a birth date every readable person
		// record of the patient agrees on (the record's own, if it carries the person).
		birth := r.birth
		if birth.IsZero() && len(births) > 0 {
			birth = births[0]
		}
		if birth.IsZero() {
			continue
		}
		before := r.event.Before(birth)
		if before != (r.reason == reasonBeforeBirth) {
			t.Errorf("%s: event %s, born %s, truth reason %q", r.where, r.event.Format(time.DateOnly), birth.Format(time.DateOnly), r.reason)
			continue
		}
		if !before {
			continue
		}
		days := int(birth.Sub(r.event).Hours() / 24)
		if days < 1 || days > 3650 || birth.Year() <= 1935 || r.event.Year() < 1900 {
			t.Errorf("%s: event %s, %d days before the birth on %s", r.where, r.event.Format(time.DateOnly), days, birth.Format(time.DateOnly))
		}
		for _, b := range births {
			if !b.Equal(birth) {
				t.Errorf("%s: before_birth, but the patient's person records disagree on the birth date (%s, %s)", r.where, birth.Format(time.DateOnly), b.Format(time.DateOnly))
			}
		}
	}
}

// codeLists are the codes the community sends and the pipeline's reference lists hold.
type codeLists struct{ all, icd10 map[string]bool }

// icdKey is an ICD-10 code without its dot or X filler: E11.9 and E119, I10 and I10X agree.
func icdKey(c string) string { return strings.TrimRight(strings.ReplaceAll(c, ".", ""), "X") }

func (k codeLists) has(c observedCode) bool {
	if c.system == csICD10 {
		return k.icd10[icdKey(c.code)]
	}
	return k.all[c.code]
}

var sqlCodeRow = regexp.MustCompile(`\('([a-z0-9-]+)',\s*'([^']*)',\s*'([^']*)'`)

// knownCodes gathers the generator's code tables and the warehouse's reference lists.
func knownCodes(t *testing.T) codeLists {
	t.Helper()
	k := codeLists{all: map[string]bool{}, icd10: map[string]bool{}}
	add := func(codes ...string) {
		for _, c := range codes {
			k.all[c] = true
		}
	}
	for _, c := range conditions {
		add(c.snomed, c.read)
	}
	for _, d := range drugs {
		add(d.dmd)
	}
	for _, a := range allergies {
		add(a.snomed)
	}
	for _, c := range edDiagnoses {
		add(c.code)
	}
	for _, c := range edComplaints {
		add(c.code)
	}
	for _, c := range edDestinations {
		add(c.code)
	}
	for _, c := range eprClinics {
		add(c.code)
	}
	for _, c := range cdwChronic {
		add(c.snomed)
		k.icd10[icdKey(c.code)] = true
	}
	for _, c := range cdwAcute {
		add(c.snomed)
		k.icd10[icdKey(c.code)] = true
	}
	for _, name := range []string{"schema/60_ref.sql", "schema/61_code_map.sql", "schema/62_icd10_map.sql"} {
		text, err := ccsql.File(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sqlCodeRow.FindAllStringSubmatch(text, -1) {
			add(m[2], m[3])
			if m[1] == "icd-10" {
				k.icd10[icdKey(m[2])] = true
			}
		}
	}
	if len(k.icd10) < 20 || !k.all["G20.."] || !k.all["38341003"] {
		t.Fatalf("the reference lists were not read: %d ICD-10 codes", len(k.icd10))
	}
	return k
}

var (
	readCode  = regexp.MustCompile(`^[A-Za-z0-9.]{5}$`)
	icd10Code = regexp.MustCompile(`^[A-Z][0-9]{2}(\.?[0-9A-Z]+)?$`)
)

// wellFormed: a SNOMED CT or dm+d id of 6–18 digits with a concept partition (00 or 10) and
// its Verhoeff check digit; a Read v2 code of five characters; an ICD-10 code.
func wellFormed(c observedCode) bool {
	switch c.system {
	case csSNOMED, csDmd:
		s := c.code
		if len(s) < 6 || len(s) > 18 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
			return false
		}
		if part := s[len(s)-3 : len(s)-1]; part != "00" && part != "10" {
			return false
		}
		return verhoeffValid(s)
	case csRead:
		return readCode.MatchString(c.code)
	case csICD10:
		return icd10Code.MatchString(c.code)
	}
	return false
}

var (
	verhoeffD = [10][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
	verhoeffP = [8][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}
)

func verhoeffValid(s string) bool {
	c := 0
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[i%8][s[len(s)-1-i]-'0']]
	}
	return c == 0
}

// TestUnknownCodes: every code the unknown_code habit writes is well-formed in its system and
// in none of the reference lists, and the check itself knows a good code from a bad one.
func TestUnknownCodes(t *testing.T) {
	known := knownCodes(t)
	for system, pool := range map[string][]string{csSNOMED: append(slices.Clone(unknownSNOMED), unknownAllergySNOMED...),
		csDmd: unknownDmd, csRead: unknownRead, csICD10: unknownICD10} {
		seen := map[string]bool{}
		for _, code := range pool {
			c := observedCode{system, code}
			if !wellFormed(c) || known.has(c) || seen[code] {
				t.Errorf("%s %s: well-formed %v, in the lists %v, twice in the pool %v", system, code, wellFormed(c), known.has(c), seen[code])
			}
			seen[code] = true
		}
	}
	for _, c := range []observedCode{{csSNOMED, "38341003"}, {csRead, "G20.."}, {csICD10, "E119"}, {csICD10, "I10X"}, {csDmd, "322236009"}} {
		if !known.has(c) || !wellFormed(c) {
			t.Errorf("%v: known %v, well-formed %v; want both", c, known.has(c), wellFormed(c))
		}
	}
	for _, c := range []observedCode{{csSNOMED, "38341004"}, {csSNOMED, "38341023"}, {csRead, "G20."}, {csICD10, "E1"}, {csDmd, "0322236009"}} {
		if wellFormed(c) {
			t.Errorf("%v is well-formed; want not", c)
		}
	}
}

// newHabitFeeds: the feeds each of the new habits is applied to (FORMATS.md).
var newHabitFeeds = map[string][]string{
	reasonUnknownCode: {"gp-emis/problems", "gp-emis/allergies", "gp-emis/medications", "gp-tpp/problems", "gp-tpp/allergies",
		"gp-tpp/medications", "nbt-cdw/diagnoses", "nbt-cdw/allergies", "uhbw-ed/attendances", "uhbw-epr/conditions",
		"uhbw-epr/allergies", "uhbw-epr/medications", "uhbw-epr/encounters", "ooh-dental/allergies"},
	reasonEndBeforeStart: {"uhbw-ed/attendances", "uhbw-epr/encounters", "ooh-adastra/cases", "ooh-dental/contacts",
		"bcc-social/packages", "bcc-social/assessments", "sglos-social/services"},
	reasonBeforeBirth: {"gp-emis/problems", "gp-emis/allergies", "gp-emis/medications", "gp-tpp/problems", "gp-tpp/allergies",
		"gp-tpp/medications", "nbt-cdw/diagnoses", "nbt-cdw/allergies", "uhbw-ed/attendances", "uhbw-epr/conditions",
		"uhbw-epr/allergies", "uhbw-epr/medications", "uhbw-epr/encounters", "ooh-adastra/cases", "ooh-dental/contacts",
		"ooh-dental/allergies", "bcc-social/packages", "bcc-social/assessments", "sglos-social/services"},
	reasonImplausibleAge: {"nbt-cdw/patients", "uhbw-epr/patients", "bcc-social/clients", "sglos-social/clients",
		"uhbw-ed/attendances", "ooh-adastra/cases", "ooh-dental/contacts"},
	reasonOrphan + " (fresh id)": {"gp-emis/problems", "gp-emis/allergies", "gp-emis/medications", "gp-tpp/problems",
		"gp-tpp/allergies", "gp-tpp/medications", "nbt-cdw/diagnoses", "nbt-cdw/allergies", "uhbw-epr/conditions",
		"uhbw-epr/allergies", "uhbw-epr/medications", "uhbw-epr/encounters", "bcc-social/packages",
		"bcc-social/assessments", "sglos-social/services", "ooh-dental/allergies"},
}

// TestNewHabitsInEveryFeed: with the rarer habits' rates raised (so that a small community
// shows them all), each happens in every feed it is applied to and in no other, and the
// files agree with the truth about every record (TestTruth's checks).
func TestNewHabitsInEveryFeed(t *testing.T) {
	dir := t.TempDir()
	if _, err := generateWith(context.Background(), Options{Dir: dir, Patients: 4000, Seed: 9, Day: testDay}, 50); err != nil {
		t.Fatal(err)
	}
	obs := checkCommunity(t, dir, 4000)
	feeds := slices.Sorted(mapKeys(obs.feeds))
	if len(feeds) < 20 {
		t.Fatalf("only %d feeds observed", len(feeds))
	}
	for reason, want := range newHabitFeeds {
		for _, feed := range feeds {
			n := obs.feeds[feed][reason]
			if applied := slices.Contains(want, feed); applied != (n > 0) {
				t.Errorf("%s: %d records with habit %s; applied to this feed: %v", feed, n, reason, applied)
			}
		}
	}
}
