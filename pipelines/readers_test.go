package pipelines_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/dictionary"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/pseudonym"
	"github.com/bnssg-connecting-care/ccare/synth"
)

const testSecret = "readers-test-secret"

// env is an environment holding only the pseudonymisation secret (none if secret is "").
func env(secret string) func(string) string {
	return func(name string) string {
		if name == pseudonym.EnvKey {
			return secret
		}
		return ""
	}
}

// TestWarehouseReaders: what the two kinds of reader get from the published copy after a
// nightly run with the secret: the analyst schema carries no identifier of anyone in the
// generator's truth; each user view shows a person known to several providers what its
// service needs and nothing it must not; every column is described; without the secret
// the analyst schema goes, and with it back the same pseudonyms return.
func TestWarehouseReaders(t *testing.T) {
	ctx := context.Background()
	c := buildCommunity(t, 400, 11, pipelines.RunOptions{Job: "nightly", Getenv: env(testSecret)})
	db, err := load.OpenReadOnly(ctx, c.cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	truth := newTruthPeople(t, c, db)

	t.Run("analyst holds no NHS number, name, postcode, birth date or local id", func(t *testing.T) {
		key := pseudonym.NewKey(testSecret)
		byPseudonym := map[string]string{}
		for id, person := range truth.byPersonID {
			byPseudonym[key.Of("person", id)] = person
		}
		tables := strings.Fields(queryString(t, db, "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM duckdb_tables() WHERE schema_name = 'analyst'"))
		if want := []string{"allergy", "care_episode", "condition", "encounter", "medication", "person"}; !slices.Equal(tables, want) {
			t.Fatalf("analyst tables %v, want %v", tables, want)
		}
		linked := 0
		for _, table := range tables {
			hits, rows, known := truth.scan(t, db, "analyst."+table, "pseudonym", byPseudonym)
			for _, h := range hits[:min(len(hits), 10)] {
				t.Errorf("analyst.%s: %s", table, h)
			}
			if rows == 0 {
				t.Errorf("analyst.%s is empty", table)
			}
			linked += known
		}
		// The per-person checks ran: pseudonyms in analyst are those of the truth's people.
		if linked == 0 {
			t.Fatal("no analyst row's pseudonym belongs to a person of the truth: the per-person checks checked nothing")
		}
		// The scanner finds identifiers where they are: core.person holds every kind.
		hits, _, _ := truth.scan(t, db, "core.person", "person_id", truth.byPersonID)
		kinds := map[string]bool{}
		for _, h := range hits {
			kinds[strings.SplitN(h, ":", 2)[0]] = true
		}
		if want := []string{"birth date", "name", "nhs number", "postcode"}; !slices.Equal(slices.Sorted(maps.Keys(kinds)), want) {
			t.Fatalf("scanning core.person finds %v, want every kind %v", slices.Sorted(maps.Keys(kinds)), want)
		}
		// Age bands, not ages; districts, not postcodes.
		if n := count(t, db, "SELECT count(*) FROM analyst.person WHERE age_band NOT IN ('0-4','5-17','18-24','25-34','35-44','45-54','55-64','65-74','75-84','85+') OR postcode_district NOT SIMILAR TO '[A-Z]{1,2}[0-9][0-9A-Z]?'"); n != 0 {
			t.Errorf("%d analyst.person rows with an age band or postcode district out of shape", n)
		}
	})

	t.Run("user views show a person what each service needs", func(t *testing.T) {
		person, pid := truth.multiProviderPerson(t, db)
		id, err := strconv.ParseInt(pid, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("person %s (person_id %d): %s", person, id, strings.Join(truth.providers[person], ", "))
		links := truth.links[person]
		// Each view: its source table and which of the person's rows there it must show,
		// as a second statement of the rule its SQL comment gives.
		tests := []struct{ view, source, filter string }{
			{"uv_urgent_care.allergies", "core.allergy", "coalesce(clinical_status, 'active') = 'active'"},
			{"uv_urgent_care.active_problems", "core.condition", "clinical_status = 'active'"},
			{"uv_urgent_care.current_medications", "core.medication", "status = 'active'"},
			{"uv_urgent_care.recent_encounters", "core.encounter", "encounter_class <> 'social-care' AND start_at >= current_date - INTERVAL 12 MONTH"},
			{"uv_urgent_care.social_care_contact", "core.care_episode", "status = 'active'"},
			{"uv_gp.hospital_encounters", "core.encounter", "provider IN (SELECT provider FROM ref.provider WHERE kind = 'acute')"},
			{"uv_gp.out_of_hours_contacts", "core.encounter", "provider IN (SELECT provider FROM ref.provider WHERE kind = 'urgent-care')"},
			{"uv_gp.discharge_diagnoses", "core.condition", "provider IN (SELECT provider FROM ref.provider WHERE kind = 'acute')"},
			{"uv_gp.social_care_involvement", "core.care_episode", "true"},
			{"uv_acute.gp_problems", "core.condition", "provider IN (SELECT provider FROM ref.provider WHERE kind = 'gp')"},
			{"uv_acute.gp_medications", "core.medication", "status = 'active' AND provider IN (SELECT provider FROM ref.provider WHERE kind = 'gp')"},
			{"uv_acute.allergies", "core.allergy", "coalesce(clinical_status, 'active') = 'active'"},
			{"uv_acute.social_care_packages", "core.care_episode", "status IN ('active', 'suspended')"},
			{"uv_social_care.admissions_discharges", "core.encounter", "encounter_class IN ('inpatient', 'emergency')"},
			{"uv_social_care.care_packages", "core.care_episode", "true"},
			{"uv_community.recent_discharges", "core.encounter", "encounter_class = 'inpatient' AND end_at >= current_date - INTERVAL 90 DAY"},
			{"uv_community.current_medications", "core.medication", "status = 'active'"},
			{"uv_community.allergies", "core.allergy", "coalesce(clinical_status, 'active') = 'active'"},
			{"uv_community.active_problems", "core.condition", "clinical_status = 'active' AND category = 'problem-list-item'"},
			{"uv_community.care_packages", "core.care_episode", "status IN ('active', 'suspended')"},
			{"uv_mental_health.mental_health_conditions", "core.condition", "snomed_code IN ('35489007', '197480006', '26929004', '55680006')"},
			{"uv_mental_health.current_medications", "core.medication", "status = 'active'"},
			{"uv_mental_health.allergies", "core.allergy", "coalesce(clinical_status, 'active') = 'active'"},
			{"uv_mental_health.crisis_contacts", "core.encounter", "encounter_class IN ('emergency', 'out-of-hours', 'urgent-care') AND start_at >= current_date - INTERVAL 12 MONTH"},
			{"uv_mental_health.care_packages", "core.care_episode", "status IN ('active', 'suspended')"},
		}
		shown := 0
		for _, tt := range tests {
			t.Run(tt.view, func(t *testing.T) {
				// Expected: the person's rows by the truth's local ids, not by person_id.
				want := perProvider(t, db, fmt.Sprintf("SELECT provider, count(*) FROM %s WHERE list_contains(?, provider || '/' || local_patient_id) AND (%s) GROUP BY provider", tt.source, tt.filter), links)
				got := perProvider(t, db, fmt.Sprintf("SELECT provider, count(*) FROM %s WHERE person_id = ? GROUP BY provider", tt.view), id)
				if !maps.Equal(got, want) {
					t.Errorf("rows per provider %v, want %v", got, want)
				}
				if len(want) > 0 {
					shown++
				}
			})
		}
		if shown < len(tests)/2 {
			t.Errorf("only %d of %d views have rows for the person: pick one better known", shown, len(tests))
		}
		for _, schema := range []string{"uv_urgent_care.patient", "uv_gp.patient", "uv_acute.patient", "uv_social_care.person", "uv_community.patient", "uv_mental_health.patient"} {
			if got := queryString(t, db, "SELECT coalesce(nhs_number, '') FROM "+schema+" WHERE person_id = ?", id); got != truth.nhs[person] {
				t.Errorf("%s: NHS number %q, want the truth's %q", schema, got, truth.nhs[person])
			}
		}
	})

	t.Run("user views leave out what their readers must not see", func(t *testing.T) {
		// No view anywhere carries local ids or the lineage of a file.
		everywhere := "'local_patient_id', 'local_id', 'source_record_id', '_provider', '_feed', '_file_sha256', '_row_number', '_line', '_batch_id'"
		// Social care: no diagnosis, medication or allergy columns, no clinical text.
		socialCare := "'code', 'code_system', 'snomed_code', 'term', 'reason_code', 'reason_system', 'reason_text', 'outcome_text', 'dose_text', 'reaction', 'severity', 'category', 'clinical_status', 'onset_date'"
		for _, q := range []string{
			"SELECT list(schema_name || '.' || table_name || '.' || column_name) FROM duckdb_columns() WHERE schema_name LIKE 'uv\\_%' ESCAPE '\\' AND column_name IN (" + everywhere + ")",
			"SELECT list(table_name || '.' || column_name) FROM duckdb_columns() WHERE schema_name = 'uv_social_care' AND column_name IN (" + socialCare + ")",
			"SELECT list(view_name) FROM duckdb_views() WHERE schema_name = 'uv_social_care' AND (sql ILIKE '%core.medication%' OR sql ILIKE '%core.allergy%')",
			"SELECT list(DISTINCT condition) FROM uv_social_care.care_relevant_conditions WHERE condition NOT IN ('Alzheimer''s disease', 'Cerebrovascular accident', 'Epilepsy')",
			"SELECT list(DISTINCT encounter_class) FROM uv_social_care.admissions_discharges WHERE encounter_class NOT IN ('inpatient', 'emergency')",
			"SELECT list(DISTINCT provider) FROM uv_gp.hospital_encounters WHERE provider NOT IN (SELECT provider FROM ref.provider WHERE kind = 'acute')",
			"SELECT list(DISTINCT provider) FROM uv_acute.gp_problems WHERE provider NOT IN (SELECT provider FROM ref.provider WHERE kind = 'gp')",
			"SELECT list(DISTINCT encounter_class) FROM uv_urgent_care.recent_encounters WHERE encounter_class = 'social-care' OR start_at < current_date - INTERVAL 12 MONTH",
		} {
			if got := queryString(t, db, "SELECT coalesce(CAST(("+q+") AS VARCHAR), '')"); got != "" && got != "[]" {
				t.Errorf("%s\n  = %s, want none", q, got)
			}
		}
		schemas := queryString(t, db, "SELECT string_agg(DISTINCT schema_name, ' ' ORDER BY schema_name) FROM duckdb_views() WHERE schema_name LIKE 'uv\\_%' ESCAPE '\\'")
		if want := "uv_acute uv_community uv_gp uv_mental_health uv_social_care uv_urgent_care"; schemas != want {
			t.Errorf("user view schemas %q, want %q", schemas, want)
		}
		if n := count(t, db, "SELECT count(*) FROM uv_social_care.care_relevant_conditions"); n == 0 {
			t.Error("uv_social_care.care_relevant_conditions is empty: the care-relevant list matches nothing")
		}
	})

	t.Run("every table, view and column is described", func(t *testing.T) {
		missing, err := dictionary.Undescribed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(missing) > 0 {
			t.Errorf("%d without a description in sql/dictionary.yaml:\n  %s", len(missing), strings.Join(missing, "\n  "))
		}
		// The check covers all three kinds of reader's objects.
		if n := count(t, db, "SELECT count(DISTINCT schema_name) FROM duckdb_columns() WHERE schema_name IN ('core', 'analyst') OR schema_name LIKE 'uv\\_%' ESCAPE '\\'"); n != 8 {
			t.Errorf("%d described schemas, want 8 (core, analyst, six user views)", n)
		}
	})

	t.Run("without the secret the analyst schema goes, with it the same pseudonyms return", func(t *testing.T) {
		before := queryString(t, db, "SELECT string_agg(pseudonym, ',' ORDER BY pseudonym) FROM analyst.person")
		// Closed, so that the copies the runs publish are opened anew (a database open in
		// this process would be shared by the next open of the same path).
		db.Close()
		var logs bytes.Buffer
		res, err := pipelines.Run(ctx, c.cfg, pipelines.RunOptions{Job: "nightly", Getenv: env(""),
			Log: slogText(&logs)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rebuilt {
			t.Fatal("the second run rebuilt: the test wants the nothing-new path")
		}
		if !strings.Contains(logs.String(), "the analyst schema is not built") || !strings.Contains(logs.String(), pseudonym.EnvKey) {
			t.Errorf("no warning naming %s; the log:\n%s", pseudonym.EnvKey, logs.String())
		}
		published := func(q string) string {
			db, err := load.OpenReadOnly(ctx, c.cfg.Published)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			return queryString(t, db, q)
		}
		if n := published("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'analyst'"); n != "0" {
			t.Fatalf("the published copy keeps an analyst schema after a run without the secret; the log:\n%s", logs.String())
		}
		if _, err := pipelines.Run(ctx, c.cfg, pipelines.RunOptions{Job: "nightly", Getenv: env(testSecret)}); err != nil {
			t.Fatal(err)
		}
		if after := published("SELECT string_agg(pseudonym, ',' ORDER BY pseudonym) FROM analyst.person"); after != before {
			t.Error("the pseudonyms changed between runs with the same secret")
		}
	})

	t.Run("a warehouse made before the user views gets them from a run with nothing new", func(t *testing.T) {
		db.Close() // so that the copy the run publishes is opened anew
		w, err := load.Open(ctx, c.cfg.Warehouse, load.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.Exec("DROP SCHEMA uv_gp CASCADE")
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		res, err := pipelines.Run(ctx, c.cfg, pipelines.RunOptions{Job: "nightly", Getenv: env(testSecret)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rebuilt {
			t.Fatal("the run rebuilt: the test wants the nothing-new path")
		}
		db, err := load.OpenReadOnly(ctx, c.cfg.Published)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := count(t, db, "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'uv_gp'"); n != 5 {
			t.Errorf("the published copy has %d uv_gp views after the run, want 5", n)
		}
	})

	t.Run("an hourly run keeps analyst as current as core", func(t *testing.T) {
		db.Close() // so that the copy the run publishes is opened anew
		gen := t.TempDir()
		if _, err := synth.Generate(ctx, synth.Options{Dir: gen, Patients: 400, Seed: 11,
			Day: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		dropHourly(t, gen, c.dir, hourlyFeeds(t, c.cfg))
		var logs bytes.Buffer
		res, err := pipelines.Run(ctx, c.cfg, pipelines.RunOptions{Job: "hourly", Getenv: env(testSecret), Log: slogText(&logs)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Incremental {
			t.Fatal("the hourly run rebuilt instead of merging its batch")
		}
		// The hourly feeds bring encounters, diagnoses and people, never medications: that
		// table is left as it was, the others rebuilt.
		rebuilt := regexp.MustCompile(`analyst_rebuilt=(\S*)`).FindStringSubmatch(logs.String())
		if rebuilt == nil || !strings.Contains(rebuilt[1], "encounter") || strings.Contains(rebuilt[1], "medication") {
			t.Errorf("the hourly run rebuilt analyst tables %q, want encounter but not medication; the log:\n%s", rebuilt, logs.String())
		}
		db, err := load.OpenReadOnly(ctx, c.cfg.Published)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := count(t, db, "SELECT count(*) FROM core.encounter WHERE _batch_id = ?", res.RunID); n == 0 {
			t.Fatal("the hourly batch brought no encounter: the test checks nothing")
		}
		for _, table := range []string{"person", "allergy", "condition", "medication", "encounter", "care_episode"} {
			core, analyst := count(t, db, "SELECT count(*) FROM core."+table), count(t, db, "SELECT count(*) FROM analyst."+table)
			if core != analyst {
				t.Errorf("after the hourly run core.%s has %d rows, analyst.%s %d", table, core, table, analyst)
			}
		}
		key := pseudonym.NewKey(testSecret)
		want := map[string]bool{}
		rows, err := db.Query("SELECT CAST(person_id AS VARCHAR) FROM core.person")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want[key.Of("person", id)] = true
		}
		rows.Close()
		got := strings.Split(queryString(t, db, "SELECT string_agg(pseudonym, ',') FROM analyst.person"), ",")
		for _, p := range got {
			if !want[p] {
				t.Fatalf("analyst.person holds %s, the pseudonym of no person in core", p)
			}
		}
		if len(got) != len(want) {
			t.Errorf("analyst.person has %d pseudonyms, core.person %d people", len(got), len(want))
		}

		// What the hourly run left equals what a full rebuild makes of the same core.
		hourly := analystFingerprints(t, db)
		full := filepath.Join(t.TempDir(), "full.duckdb")
		copyFile(t, c.cfg.Warehouse, full)
		w, err := load.Open(ctx, full, load.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		conn, err := w.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		dict, err := dictionary.Load()
		if err != nil {
			t.Fatal(err)
		}
		if err := load.PublishViews(ctx, conn, &key, dict, 0, slogText(&bytes.Buffer{})); err != nil {
			t.Fatal(err)
		}
		for table, fp := range analystFingerprints(t, w) {
			if hourly[table] != fp {
				t.Errorf("analyst.%s after the hourly run differs from a full rebuild", table)
			}
		}
	})
}

// analystFingerprints is each analyst table's rows, hashed in order.
func analystFingerprints(t *testing.T, db interface {
	QueryRow(string, ...any) *sql.Row
}) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"person", "allergy", "condition", "medication", "encounter", "care_episode"} {
		out[table] = queryStringRow(t, db, "SELECT md5(string_agg(t::VARCHAR, '\n' ORDER BY t::VARCHAR)) || ':' || count(*) FROM analyst."+table+" t")
	}
	return out
}

func queryStringRow(t *testing.T, db interface {
	QueryRow(string, ...any) *sql.Row
}, q string) string {
	t.Helper()
	var s sql.NullString
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// truthPeople is the generator's truth about who is who, tied to the warehouse's person_ids
// through the truth's local ids (never through the warehouse's own matching of people).
type truthPeople struct {
	byPersonID map[string]string   // person_id → the truth's person_key
	nhs        map[string]string   // person_key → NHS number
	names      map[string][]string // person_key → given and family name, lower case
	birth      map[string][]string // person_key → birth date as text in the usual forms
	providers  map[string][]string // person_key → providers that know them
	links      map[string][]string // person_key → "provider/local_id"
	postcodes  map[string]bool     // every full postcode, upper case without spaces
	nhsAll     map[string]bool
	localIDs   map[string]bool // every local id of six or more characters
}

func newTruthPeople(t *testing.T, c *community, db *sql.DB) *truthPeople {
	t.Helper()
	tp := &truthPeople{byPersonID: map[string]string{}, nhs: map[string]string{}, names: map[string][]string{},
		birth: map[string][]string{}, providers: map[string][]string{}, links: map[string][]string{},
		postcodes: map[string]bool{}, nhsAll: map[string]bool{}, localIDs: map[string]bool{}}
	for _, p := range c.people {
		k := p["person_key"]
		tp.nhs[k] = p["nhs_number"]
		tp.nhsAll[p["nhs_number"]] = true
		tp.names[k] = []string{strings.ToLower(p["given_name"]), strings.ToLower(p["family_name"])}
		if d, err := time.Parse("2006-01-02", p["birth_date"]); err == nil {
			tp.birth[k] = []string{d.Format("2006-01-02"), d.Format("02/01/2006"), d.Format("20060102")}
		}
		tp.postcodes[compactPostcode(p["postcode"])] = true
	}
	owner := map[string]string{}
	for _, l := range c.links {
		key := l["provider"] + "/" + l["local_id"]
		owner[key] = l["person_key"]
		tp.links[l["person_key"]] = append(tp.links[l["person_key"]], key)
		if !slices.Contains(tp.providers[l["person_key"]], l["provider"]) {
			tp.providers[l["person_key"]] = append(tp.providers[l["person_key"]], l["provider"])
		}
		if len(l["local_id"]) >= 6 {
			tp.localIDs[l["local_id"]] = true
		}
	}
	rows, err := db.Query("SELECT provider || '/' || local_id, CAST(person_id AS VARCHAR) FROM core.person_link WHERE person_id IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var link, id string
		if err := rows.Scan(&link, &id); err != nil {
			t.Fatal(err)
		}
		if k, ok := owner[link]; ok {
			tp.byPersonID[id] = k
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return tp
}

var (
	tenDigits    = regexp.MustCompile(`\d{10}`)
	postcodeLike = regexp.MustCompile(`[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}`)
	wordSplit    = regexp.MustCompile(`[^a-z'-]+`)
)

func compactPostcode(s string) string { return strings.ReplaceAll(strings.ToUpper(s), " ", "") }

// scan reads every column of table as text and reports each identifier of the truth it
// finds: anyone's NHS number, full postcode or local id anywhere; and in a row whose
// personColumn names a person of the truth (through byKey), that person's name or birth
// date. It returns the hits ("kind: detail"), the rows read and how many were a known person's.
func (tp *truthPeople) scan(t *testing.T, db *sql.DB, table, personColumn string, byKey map[string]string) (hits []string, rows, known int) {
	t.Helper()
	cols := strings.Fields(queryString(t, db, "SELECT string_agg(column_name, ' ' ORDER BY column_index) FROM duckdb_columns() WHERE schema_name || '.' || table_name = ?", table))
	personAt := slices.Index(cols, personColumn)
	if personAt < 0 {
		t.Fatalf("%s has no column %s", table, personColumn)
	}
	r, err := db.Query("SELECT COLUMNS(*)::VARCHAR FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for r.Next() {
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rows++
		person := byKey[vals[personAt].String]
		if person != "" {
			known++
		}
		for i, v := range vals {
			if !v.Valid {
				continue
			}
			s := v.String
			for _, d := range tenDigits.FindAllString(strings.ReplaceAll(s, " ", ""), -1) {
				if tp.nhsAll[d] {
					hits = append(hits, fmt.Sprintf("nhs number: %s = %q", cols[i], s))
				}
			}
			for _, pc := range postcodeLike.FindAllString(strings.ToUpper(s), -1) {
				if tp.postcodes[compactPostcode(pc)] {
					hits = append(hits, fmt.Sprintf("postcode: %s = %q", cols[i], s))
				}
			}
			if tp.localIDs[s] {
				hits = append(hits, fmt.Sprintf("local id: %s = %q", cols[i], s))
			}
			if person == "" {
				continue
			}
			words := wordSplit.Split(strings.ToLower(s), -1)
			for _, name := range tp.names[person] {
				if name != "" && slices.Contains(words, name) {
					hits = append(hits, fmt.Sprintf("name: %s = %q (%s)", cols[i], s, person))
				}
			}
			for _, b := range tp.birth[person] {
				if strings.Contains(s, b) {
					hits = append(hits, fmt.Sprintf("birth date: %s = %q (%s)", cols[i], s, person))
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return hits, rows, known
}

// multiProviderPerson is the person of the truth known to the most providers, among those
// known to a GP system, a council and at least two acute systems, with their one person_id.
func (tp *truthPeople) multiProviderPerson(t *testing.T, db *sql.DB) (person, id string) {
	t.Helper()
	kind := map[string]string{}
	r, err := db.Query("SELECT provider, kind FROM ref.provider")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var p, k string
		if err := r.Scan(&p, &k); err != nil {
			t.Fatal(err)
		}
		kind[p] = k
	}
	r.Close()
	ids := map[string][]string{}
	for pid, k := range tp.byPersonID {
		ids[k] = append(ids[k], pid)
	}
	best := 0
	for _, k := range slices.Sorted(maps.Keys(tp.providers)) {
		kinds := map[string]int{}
		for _, p := range tp.providers[k] {
			kinds[kind[p]]++
		}
		if kinds["gp"] == 0 || kinds["social-care"] == 0 || kinds["acute"] < 2 || len(ids[k]) != 1 {
			continue
		}
		if n := len(tp.providers[k]); n > best {
			best, person, id = n, k, ids[k][0]
		}
	}
	if person == "" {
		t.Fatal("no person of the truth is known to a GP, a council and two acute systems under one person_id")
	}
	return person, id
}

func perProvider(t *testing.T, db *sql.DB, q string, args ...any) map[string]int64 {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		out[p] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func queryString(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var s sql.NullString
	if err := db.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

func slogText(w *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
