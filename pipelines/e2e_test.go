package pipelines_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// community generates a small community once per test binary and runs the nightly job.
type community struct {
	dir     string
	cfg     *pipelines.Config
	first   pipelines.RunResult
	records []map[string]string
	links   []map[string]string
	people  []map[string]string
}

func newCommunity(t *testing.T, people int, seed int64) *community {
	t.Helper()
	return buildCommunity(t, people, seed, pipelines.RunOptions{Job: "nightly"})
}

// buildCommunity is newCommunity whose first run has the options opt.
func buildCommunity(t *testing.T, people int, seed int64, opt pipelines.RunOptions) *community {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{Dir: dir, Patients: people, Seed: seed,
		Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipelines.Run(ctx, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &community{dir: dir, cfg: cfg, first: res,
		records: readCSV(t, filepath.Join(dir, "truth", "records.csv")),
		links:   readCSV(t, filepath.Join(dir, "truth", "person_links.csv")),
		people:  readCSV(t, filepath.Join(dir, "truth", "people.csv")),
	}
}

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, row := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

func (c *community) db(t *testing.T) *sql.DB {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), c.cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestEndToEndAgainstTruth(t *testing.T) {
	c := newCommunity(t, 2000, 7)
	db := c.db(t)
	files := readCSV(t, filepath.Join(c.dir, "truth", "files.csv"))
	if c.first.FilesNew != len(files) || c.first.FilesRejected != 0 || !c.first.Rebuilt {
		t.Fatalf("first run: %+v", c.first)
	}

	t.Run("ledger matches the truth file by file", func(t *testing.T) {
		type counts struct{ read, loaded, quarantined, superseded int64 }
		want := map[string]*counts{}
		for _, r := range c.records {
			k := r["provider"] + "/" + r["feed"] + "/" + r["file"]
			if want[k] == nil {
				want[k] = &counts{}
			}
			want[k].read++
			switch r["fate"] {
			case "load":
				want[k].loaded++
			case "quarantine":
				want[k].quarantined++
			case "superseded":
				want[k].superseded++
			default:
				t.Fatalf("truth fate %q", r["fate"])
			}
		}
		rows, err := db.Query("SELECT provider || '/' || feed || '/' || file_name, status, rows_read, rows_loaded, rows_quarantined, rows_superseded FROM ops.file_ledger")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var name, status string
			var got counts
			if err := rows.Scan(&name, &status, &got.read, &got.loaded, &got.quarantined, &got.superseded); err != nil {
				t.Fatal(err)
			}
			seen++
			w := want[name]
			if w == nil {
				// A file with no records has no rows in records.csv.
				w = &counts{}
			}
			if status != "loaded" || got != *w {
				t.Errorf("%s: status %s, ledger %+v, truth %+v", name, status, got, *w)
			}
			if got.read != got.loaded+got.quarantined+got.superseded {
				t.Errorf("%s: conservation broken: %+v", name, got)
			}
		}
		if seen != len(files) {
			t.Errorf("ledger has %d files, the generator wrote %d", seen, len(files))
		}
		// Every one of the ten systems is generated and loaded, none skipped.
		var providers int
		if err := db.QueryRow("SELECT count(DISTINCT provider) FROM ops.file_ledger WHERE rows_loaded > 0").Scan(&providers); err != nil {
			t.Fatal(err)
		}
		if providers != 10 {
			t.Errorf("%d providers loaded rows; want all ten", providers)
		}
	})

	t.Run("every quarantined record is held with its rule and line", func(t *testing.T) {
		want := map[string]bool{}
		for _, r := range c.records {
			if r["fate"] != "quarantine" {
				continue
			}
			rule, ok := habitRule[r["reason"]]
			if !ok {
				t.Fatalf("truth reason %q has no rule in habitRule", r["reason"])
			}
			want[fmt.Sprintf("%s line %s %s", r["file"], r["line"], rule)] = true
		}
		rows, err := db.Query("SELECT DISTINCT file_name, line, rule_id FROM quality.quarantine WHERE record IS NOT NULL")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]bool{}
		for rows.Next() {
			var file, rule string
			var line int64
			if err := rows.Scan(&file, &line, &rule); err != nil {
				t.Fatal(err)
			}
			got[fmt.Sprintf("%s line %d %s", file, line, rule)] = true
		}
		if len(want) == 0 {
			t.Fatal("the generator wrote no quarantine habits: the test would prove nothing")
		}
		for k := range want {
			if !got[k] {
				t.Errorf("truth quarantines %s; the warehouse does not", k)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("the warehouse quarantines %s; the truth does not", k)
			}
		}
	})

	t.Run("every habit the generator injects is counted by its rule in quality.results", func(t *testing.T) {
		checkHabitCounts(t, c, db)
	})

	t.Run("one person per true person with a valid NHS number, which the golden record carries", func(t *testing.T) {
		nhsOf := map[string]string{}
		for _, p := range c.people {
			nhsOf[p["person_key"]] = p["nhs_number"]
		}
		wantNHS := map[string]bool{}
		for _, r := range c.records {
			if r["fate"] == "load" && (r["nhs"] == "ok" || r["nhs"] == "spaced") {
				wantNHS[nhsOf[r["person_key"]]] = true
			}
		}
		rows, err := db.Query("SELECT nhs_number FROM core.person WHERE nhs_number IS NOT NULL")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]bool{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			if got[n] {
				t.Errorf("NHS number %s has two rows in core.person", n)
			}
			got[n] = true
		}
		if len(got) != len(wantNHS) {
			t.Errorf("core.person has %d people, the truth %d", len(got), len(wantNHS))
		}
		for n := range wantNHS {
			if !got[n] {
				t.Errorf("true person with NHS number %s is missing from core.person", n)
			}
		}
		if two := count(t, db, "SELECT count(*) FROM core.person WHERE provider_count >= 2"); two == 0 {
			t.Error("no person is known to two systems: linking across systems is untested")
		}
	})

	t.Run("links never merge or split true people; every local id has a person", func(t *testing.T) {
		keyOf := map[string]string{}
		for _, l := range c.links {
			keyOf[l["provider"]+"|"+l["local_id"]] = l["person_key"]
		}
		rows, err := db.Query("SELECT provider, local_id, person_id, match_method, link_note FROM core.person_link")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		keysOfPerson := map[int64]map[string]bool{}
		personsOf := map[string]map[int64]bool{}
		methods := map[string]int{}
		for rows.Next() {
			var provider, local, method, note string
			var pid sql.NullInt64
			if err := rows.Scan(&provider, &local, &pid, &method, &note); err != nil {
				t.Fatal(err)
			}
			key, ok := keyOf[provider+"|"+local]
			if !ok {
				t.Errorf("person_link %s %s is not a true local id", provider, local)
				continue
			}
			methods[method]++
			if !pid.Valid {
				t.Errorf("%s %s has no person", provider, local)
				continue
			}
			if method == "no-match" && !strings.HasPrefix(note, "no match: ") {
				t.Errorf("%s %s matched nothing, without saying why: %q", provider, local, note)
			}
			if keysOfPerson[pid.Int64] == nil {
				keysOfPerson[pid.Int64] = map[string]bool{}
			}
			keysOfPerson[pid.Int64][key] = true
			if personsOf[key] == nil {
				personsOf[key] = map[int64]bool{}
			}
			personsOf[key][pid.Int64] = true
		}
		for pid, keys := range keysOfPerson {
			if len(keys) > 1 {
				t.Errorf("person_id %d merges true people %v", pid, keys)
			}
		}
		for key, pids := range personsOf {
			if len(pids) > 1 {
				t.Errorf("true person %s is split over person_ids %v", key, pids)
			}
		}
		for _, m := range []string{"nhs-number", "probabilistic", "merge"} {
			if methods[m] == 0 {
				t.Errorf("no local id linked by %s: %v", m, methods)
			}
		}
	})

	t.Run("core rows per feed match the truth", func(t *testing.T) {
		want := map[string]int64{}
		for _, r := range c.records {
			if r["fate"] == "load" {
				want[r["provider"]+"/"+r["feed"]]++
			}
		}
		for feed, q := range map[string]string{
			"gp-emis/problems":       "SELECT count(*) FROM core.condition WHERE provider = 'gp-emis'",
			"gp-emis/allergies":      "SELECT count(*) FROM core.allergy WHERE provider = 'gp-emis'",
			"gp-emis/medications":    "SELECT count(*) FROM core.medication WHERE provider = 'gp-emis'",
			"gp-tpp/problems":        "SELECT count(*) FROM core.condition WHERE provider = 'gp-tpp'",
			"gp-tpp/allergies":       "SELECT count(*) FROM core.allergy WHERE provider = 'gp-tpp'",
			"gp-tpp/medications":     "SELECT count(*) FROM core.medication WHERE provider = 'gp-tpp'",
			"uhbw-ed/attendances":    "SELECT count(*) FROM core.encounter WHERE provider = 'uhbw-ed'",
			"ooh-adastra/cases":      "SELECT count(*) FROM core.encounter WHERE provider = 'ooh-adastra'",
			"nbt-cdw/patients":       "SELECT count(*) FROM core.person_link WHERE provider = 'nbt-cdw'",
			"nbt-cdw/diagnoses":      "SELECT count(*) FROM core.condition WHERE provider = 'nbt-cdw'",
			"nbt-cdw/allergies":      "SELECT count(*) FROM core.allergy WHERE provider = 'nbt-cdw'",
			"uhbw-epr/patients":      "SELECT count(*) FROM core.person_link WHERE provider = 'uhbw-epr'",
			"uhbw-epr/conditions":    "SELECT count(*) FROM core.condition WHERE provider = 'uhbw-epr'",
			"uhbw-epr/allergies":     "SELECT count(*) FROM core.allergy WHERE provider = 'uhbw-epr'",
			"uhbw-epr/medications":   "SELECT count(*) FROM core.medication WHERE provider = 'uhbw-epr'",
			"uhbw-epr/encounters":    "SELECT count(*) FROM core.encounter WHERE provider = 'uhbw-epr'",
			"bcc-social/clients":     "SELECT count(*) FROM core.person_link WHERE provider = 'bcc-social'",
			"bcc-social/packages":    "SELECT count(*) FROM core.care_episode WHERE provider = 'bcc-social'",
			"bcc-social/assessments": "SELECT count(*) FROM core.encounter WHERE provider = 'bcc-social' AND encounter_class = 'social-care'",
			"sglos-social/services":  "SELECT count(*) FROM core.encounter WHERE provider = 'sglos-social' AND encounter_class = 'social-care'",
			"ooh-dental/contacts":    "SELECT count(*) FROM core.encounter WHERE provider = 'ooh-dental' AND encounter_class = 'urgent-care'",
			"ooh-dental/allergies":   "SELECT count(*) FROM core.allergy WHERE provider = 'ooh-dental'",
			"nbt-pas/adt":            "SELECT count(*) FROM core.person_link WHERE provider = 'nbt-pas' AND _feed = 'adt'",
			"nbt-pas/adt_live":       "SELECT count(*) FROM core.person_link WHERE provider = 'nbt-pas' AND _feed = 'adt_live'",
		} {
			if got := count(t, db, q); got != want[feed] {
				t.Errorf("%s: core has %d rows, truth loads %d", feed, got, want[feed])
			}
		}
	})

	t.Run("Read v2 codes map to SNOMED CT", func(t *testing.T) {
		if n := count(t, db, "SELECT count(*) FROM core.condition WHERE code_system = 'read-v2'"); n == 0 {
			t.Fatal("no Read v2 conditions generated")
		}
		// Every condition has a SNOMED CT code, except those whose code is in no reference
		// list (the unknown_code habit): those are flagged REF-001 and left unmapped.
		unmapped := count(t, db, `SELECT count(*) FROM core.condition c WHERE snomed_code IS NULL
			AND NOT EXISTS (SELECT 1 FROM quality.flag f WHERE f.rule_id = 'REF-001' AND f.provider = c._provider
			                AND f.feed = c._feed AND f.file_sha256 = c._file_sha256 AND f.row_number = c._row_number)`)
		if unmapped != 0 {
			t.Errorf("%d conditions with a known code have no SNOMED CT code", unmapped)
		}
		var unknown int64
		for _, r := range c.records {
			if r["reason"] == "unknown_code" && (strings.Contains(r["feed"], "problem") || strings.Contains(r["feed"], "diagnos") || strings.Contains(r["feed"], "condition")) {
				unknown++
			}
		}
		if n := count(t, db, "SELECT count(*) FROM core.condition WHERE snomed_code IS NULL"); n > unknown {
			t.Errorf("%d conditions have no SNOMED CT code; the truth has %d unknown condition codes", n, unknown)
		}
	})

	t.Run("entered-in-error FHIR resources are absent from core; newer versions replace older", func(t *testing.T) {
		withdrawn, amended := 0, 0
		for _, r := range c.records {
			if r["provider"] != "uhbw-epr" {
				continue
			}
			table := map[string]string{"conditions": "core.condition", "allergies": "core.allergy",
				"medications": "core.medication", "encounters": "core.encounter"}[r["feed"]]
			switch {
			case r["reason"] == "entered_in_error" && table != "":
				withdrawn++
				if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE provider = 'uhbw-epr' AND source_record_id = ?", r["record_id"]); n != 0 {
					t.Errorf("%s %s was entered in error, yet is in %s", r["feed"], r["record_id"], table)
				}
			case r["reason"] == "amended" && table != "":
				amended++
				// The row in core is the later line: version 2.
				if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE provider = 'uhbw-epr' AND source_record_id = ? AND _line > ?", r["record_id"], r["line"]); n != 1 {
					t.Errorf("%s %s: core does not hold the version after line %s", r["feed"], r["record_id"], r["line"])
				}
			}
		}
		if withdrawn == 0 || amended == 0 {
			t.Errorf("the EPR wrote %d withdrawn and %d amended resources: the test would prove nothing", withdrawn, amended)
		}
		if n := count(t, db, "SELECT count(*) FROM core.condition WHERE clinical_status = 'entered-in-error'"); n != 0 {
			t.Errorf("%d entered-in-error conditions in core", n)
		}
	})

	t.Run("ICD-10 diagnoses from the pg_dump map to SNOMED CT", func(t *testing.T) {
		if n := count(t, db, "SELECT count(*) FROM core.condition WHERE provider = 'nbt-cdw' AND code_system = 'icd-10' AND snomed_code IS NOT NULL"); n == 0 {
			t.Error("no mapped ICD-10 condition from nbt-cdw")
		}
	})

	t.Run("an HL7 A40 merge leaves one person with both local ids linked, unless an A37 took it back", func(t *testing.T) {
		checkHL7Merges(t, db)
		if n := count(t, db, "SELECT count(*) FROM core.person_link WHERE provider = 'nbt-pas' AND match_method = 'merge'"); n == 0 {
			t.Error("no local id is linked by a merge alone")
		}
	})

	t.Run("the lake has the core's counts", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(c.cfg.Lake, "current", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range load.LakeTables {
			if !strings.Contains(string(data), `"`+table+`"`) {
				t.Errorf("manifest lacks %s", table)
			}
			schema, name, _ := strings.Cut(table, ".")
			dir := filepath.Join(c.cfg.Lake, "current", schema, name)
			lake := count(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s/**/*.parquet', hive_partitioning = true)", dir))
			core := count(t, db, "SELECT count(*) FROM "+table)
			if lake != core || core == 0 {
				t.Errorf("%s: lake %d rows, warehouse %d", table, lake, core)
			}
		}
	})

	t.Run("the summary reports exist", func(t *testing.T) {
		for _, p := range c.first.Reports {
			st, err := os.Stat(p)
			if err != nil || st.Size() < 1000 {
				t.Errorf("report %s: %v", p, err)
			}
		}
	})
}

// snapshot fingerprints every table a second run must leave alone.
func snapshot(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := db.Query(`SELECT schema_name, table_name FROM duckdb_tables()
		WHERE schema_name IN ('raw', 'core', 'quality', 'ref') OR (schema_name = 'ops' AND table_name = 'file_ledger')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s, n string
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, s+"."+n)
	}
	rows.Close()
	sort.Strings(tables)
	for _, table := range tables {
		var fp sql.NullString
		q := fmt.Sprintf("SELECT md5(string_agg(t::VARCHAR, '\n' ORDER BY t::VARCHAR)) || ':' || count(*) FROM %s t", table)
		if err := db.QueryRow(q).Scan(&fp); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out[table] = fp.String
	}
	return out
}

func TestSecondRunChangesNothing(t *testing.T) {
	c := newCommunity(t, 300, 3)
	db := c.db(t)
	before := snapshot(t, db)
	db.Close()
	lakeBefore, _ := os.Readlink(filepath.Join(c.cfg.Lake, "current"))

	// The demo again: the same files are generated (byte-identical) and the run skips them.
	if _, err := synth.Generate(context.Background(), synth.Options{Dir: c.dir, Patients: 300, Seed: 3,
		Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	res, err := pipelines.Run(context.Background(), c.cfg, pipelines.RunOptions{Job: "nightly"})
	if err != nil {
		t.Fatal(err)
	}
	files := readCSV(t, filepath.Join(c.dir, "truth", "files.csv"))
	if res.FilesNew != 0 || res.FilesSkipped != len(files) || res.Rebuilt {
		t.Errorf("second run: %+v", res)
	}
	after := snapshot(t, c.db(t))
	if len(before) < 10 {
		t.Fatalf("only %d tables fingerprinted", len(before))
	}
	for table, fp := range before {
		if after[table] != fp {
			t.Errorf("%s changed: %s → %s", table, fp, after[table])
		}
	}
	if lakeAfter, _ := os.Readlink(filepath.Join(c.cfg.Lake, "current")); lakeAfter != lakeBefore {
		t.Errorf("lake switched from %s to %s with nothing new", lakeBefore, lakeAfter)
	}
}

// habitRule: the quality rule that must catch each habit the generator writes in the truth's
// reason column (and, with an "nhs:" prefix, in its nhs column).
var habitRule = map[string]string{
	"malformed":                  "EXT-001",
	"wrong_length":               "EXT-002",
	"unreadable":                 "EXT-002",
	"bad_encoding":               "EXT-002",
	"bad_json":                   "EXT-002",
	"future_date":                "DAT-002",
	"before_birth":               "DAT-003",
	"discharge_before_admission": "DAT-004",
	"entered_in_error":           "WDR-001",
	"duplicate":                  "UNQ-001",
	"unknown_code":               "REF-001",
	"implausible_age":            "PLA-001",
	"orphan":                     "REL-001",
	"nhs:mistyped":               "NHS-001",
	"nhs:spaced":                 "NHS-002",
	"nhs:missing":                "NHS-003",
}

// versionReasons are not habits but versions of a record (superseded by a later one).
var versionReasons = map[string]bool{"amended": true, "later_message": true}

// extractReasons never reach raw.*: the reader quarantines them.
var extractReasons = map[string]bool{"malformed": true, "wrong_length": true, "unreadable": true, "bad_encoding": true, "bad_json": true}

// checkHabitCounts: per provider and rule, the failures the latest run recorded equal the
// records the truth says carry the rule's habit. REL-001 also counts, as the pipeline must,
// the records of local ids whose every person record was unreadable: their person cannot be
// found either.
func checkHabitCounts(t *testing.T, c *community, db *sql.DB) {
	t.Helper()
	want := map[string]int64{} // rule + " " + provider
	// Local ids with a person record that reached staging, from the feeds that carry them.
	personFeeds := map[string]bool{}
	rows, err := db.Query("SELECT DISTINCT _provider || '/' || _feed FROM staging.person_record")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		personFeeds[k] = true
	}
	rows.Close()
	known := map[string]bool{}
	for _, r := range c.records {
		if personFeeds[r["provider"]+"/"+r["feed"]] && !extractReasons[r["reason"]] {
			known[r["provider"]+"/"+r["local_id"]] = true
		}
	}
	for _, r := range c.records {
		reason, provider := r["reason"], r["provider"]
		if reason != "" && !versionReasons[reason] {
			rule, ok := habitRule[reason]
			if !ok {
				t.Errorf("truth reason %q has no rule in habitRule: the habit would go unchecked", reason)
				continue
			}
			want[rule+" "+provider]++
		}
		if extractReasons[reason] {
			continue // never reached the rules that read staging
		}
		if nhs := r["nhs"]; nhs != "" && nhs != "ok" {
			rule, ok := habitRule["nhs:"+nhs]
			if !ok {
				t.Errorf("truth nhs label %q has no rule in habitRule", nhs)
				continue
			}
			want[rule+" "+provider]++
		}
		if reason != "orphan" && !personFeeds[provider+"/"+r["feed"]] && r["local_id"] != "" && !known[provider+"/"+r["local_id"]] {
			want["REL-001 "+provider]++
		}
	}
	got := map[string]int64{}
	rows, err = db.Query(`SELECT rule_id || ' ' || provider, rows_failed FROM quality.results
		WHERE run_id = (SELECT max(run_id) FROM quality.results)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		got[k] = n
	}
	rules := map[string]bool{}
	for _, rule := range habitRule {
		rules[rule] = true
	}
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k, n := range got {
		if rules[strings.Fields(k)[0]] && n > 0 {
			keys[k] = true
		}
	}
	habits := 0
	for k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: quality.results counts %d failures, the truth %d", k, got[k], want[k])
		}
		habits++
	}
	if habits < 10 {
		t.Errorf("only %d (rule, provider) habit counts compared: the generator injects too few habits for this test to prove much", habits)
	}
}

// checkHL7Merges: every nbt-pas A40 whose survivor is linked leaves the merged-away id in
// the survivor's person, unless a later A37 unlinked the pair (a mistaken merge of two
// people), which leaves them apart. It returns the merges taken back.
func checkHL7Merges(t *testing.T, db *sql.DB) (takenBack int64) {
	t.Helper()
	const q = `WITH adt AS (
			SELECT event, mrn, merged_mrn, unlinked_mrn, message_time FROM raw.nbt_pas_adt
			UNION ALL SELECT event, mrn, merged_mrn, unlinked_mrn, message_time FROM raw.nbt_pas_adt_live),
		m AS (
			SELECT DISTINCT a.mrn, a.merged_mrn, EXISTS (
				SELECT 1 FROM adt u WHERE u.event = 'A37' AND u.message_time > a.message_time
				AND ((u.mrn = a.mrn AND u.unlinked_mrn = a.merged_mrn) OR (u.mrn = a.merged_mrn AND u.unlinked_mrn = a.mrn))
			) AS taken_back
			FROM adt a WHERE a.event = 'A40')
		SELECT taken_back, count(*) FILTER (WHERE gone.person_id IS NOT DISTINCT FROM kept.person_id),
			count(*) FILTER (WHERE gone.person_id IS DISTINCT FROM kept.person_id)
		FROM m
		JOIN core.person_link kept ON kept.provider = 'nbt-pas' AND kept.local_id = m.mrn AND kept.person_id IS NOT NULL
		JOIN core.person_link gone ON gone.provider = 'nbt-pas' AND gone.local_id = m.merged_mrn
		GROUP BY taken_back`
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var same, differ [2]int64
	for rows.Next() {
		var back bool
		var s, d int64
		if err := rows.Scan(&back, &s, &d); err != nil {
			t.Fatal(err)
		}
		i := 0
		if back {
			i = 1
		}
		same[i], differ[i] = s, d
	}
	if same[0] == 0 || differ[0] != 0 {
		t.Errorf("A40 merges: %d merged-away ids share the survivor's person, %d do not", same[0], differ[0])
	}
	if same[1] != 0 {
		t.Errorf("A40 merges taken back by an A37: %d still share a person (and %d do not)", same[1], differ[1])
	}
	return same[1] + differ[1]
}
