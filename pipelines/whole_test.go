package pipelines_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/schedule"
)

// TestWholeExtractsSupersede: a whole feed's latest extract supersedes the earlier ones. A
// record absent from it leaves core (history closes it); the earlier file's ledger counts
// become final and still conserve its rows; the transform no longer reads its rows; and an
// extract too small to be trusted (empty) supersedes nothing until a normal one arrives.
func TestWholeExtractsSupersede(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	nhs := testNHSNumbers(1)[0]
	received := time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)
	night := func(day string, conditions ...string) pipelines.RunResult {
		t.Helper()
		write := func(feed, name, text string) { dropFile(t, dir, "uhbw-epr", feed, name, text, received) }
		write("patients", "Patient_"+day+".ndjson", `{"resourceType":"Patient","id":"p-1","meta":{"versionId":"1"},`+
			`"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"`+nhs+`"}],"name":[{"family":"Hughes","given":["Gwen"]}],`+
			`"gender":"female","birthDate":"1950-04-02","address":[{"postalCode":"BS8 1TH"},{"day":"`+day+`"}]}`+"\n")
		text := ""
		if len(conditions) > 0 {
			text = strings.Join(conditions, "\n") + "\n"
		}
		write("conditions", "Condition_"+day+".ndjson", text)
		received = received.AddDate(0, 0, 1)
		res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{})
		if err != nil {
			t.Fatalf("night %s: %v", day, err)
		}
		return res
	}
	asthma := fhirCondition("c-asthma", "1", "active", "confirmed", "195967001", "Asthma", "2019-03-01")
	hypertension := fhirCondition("c-bp", "1", "active", "confirmed", "38341003", "Hypertension", "2015-06-01")
	diabetes := fhirCondition("c-gone", "1", "active", "confirmed", "44054006", "Type 2 diabetes mellitus", "2020-01-01")
	cutShort := `{"resourceType":"Condition","id":"c-cut","meta":{"versionId":"1"},"code":{"coding":[{"sys`

	c := &community{cfg: cfg}
	conditions := func(want ...string) {
		t.Helper()
		db := c.db(t)
		defer db.Close()
		rows, err := db.Query("SELECT source_record_id FROM core.condition WHERE provider = 'uhbw-epr' ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("core conditions %v, want %v", got, want)
		}
	}
	type entry struct {
		read, loaded, quarantined, superseded int64
		by                                    string // the file that superseded it
	}
	ledger := func(name string) (e entry) {
		t.Helper()
		db := c.db(t)
		defer db.Close()
		if err := db.QueryRow(`SELECT l.rows_read, l.rows_loaded, l.rows_quarantined, l.rows_superseded, coalesce(s.file_name, '')
			FROM ops.file_ledger l LEFT JOIN ops.file_ledger s ON s.file_id = l.superseded_by WHERE l.file_name = ?`, name).
			Scan(&e.read, &e.loaded, &e.quarantined, &e.superseded, &e.by); err != nil {
			t.Fatal(err)
		}
		return e
	}

	night("20261101", asthma, hypertension, diabetes, cutShort)
	conditions("c-asthma", "c-bp", "c-gone")
	if got, want := ledger("Condition_20261101.ndjson"), (entry{4, 3, 1, 0, ""}); got != want {
		t.Errorf("night 1, day 1's file: %+v, want %+v", got, want)
	}

	// Night 2: the diabetes has left the EPR; the asthma is resolved (a new version).
	resolved := fhirCondition("c-asthma", "2", "resolved", "confirmed", "195967001", "Asthma", "2019-03-01")
	run2 := night("20261102", resolved, hypertension).RunID
	conditions("c-asthma", "c-bp")
	// Day 1's file: the row cut short stays quarantined (its quarantine row is kept); the
	// rest are superseded, as is day 1's patient.
	if got, want := ledger("Condition_20261101.ndjson"), (entry{4, 0, 1, 3, "Condition_20261102.ndjson"}); got != want {
		t.Errorf("night 2, day 1's file: %+v, want %+v", got, want)
	}
	if got, want := ledger("Patient_20261101.ndjson"), (entry{1, 0, 0, 1, "Patient_20261102.ndjson"}); got != want {
		t.Errorf("night 2, day 1's patients: %+v, want %+v", got, want)
	}
	if got, want := ledger("Condition_20261102.ndjson"), (entry{2, 2, 0, 0, ""}); got != want {
		t.Errorf("night 2, day 2's file: %+v, want %+v", got, want)
	}
	db := c.db(t)
	if n := count(t, db, "SELECT count(*) FROM staging.condition WHERE _provider = 'uhbw-epr'"); n != 2 {
		t.Errorf("staging read %d EPR condition rows, want day 2's 2 only", n)
	}
	if n := count(t, db, "SELECT count(*) FROM history.condition WHERE source_record_id = 'c-gone' AND valid_to_run = ?", run2); n != 1 {
		t.Errorf("history: the diabetes left the source in run %d, but %d of its versions end there", run2, n)
	}
	if n := count(t, db, "SELECT count(*) FROM quality.quarantine WHERE rule_id = 'EXT-002' AND file_name = 'Condition_20261101.ndjson'"); n != 1 {
		t.Errorf("day 1's row cut short: %d quarantine rows, want it kept (1)", n)
	}
	// Retention: day 1's rows left raw for the archive, every column as landed.
	if n := count(t, db, "SELECT count(*) FROM raw.uhbw_epr_conditions WHERE _file_sha256 = (SELECT sha256 FROM ops.file_ledger WHERE file_name = 'Condition_20261101.ndjson')"); n != 0 {
		t.Errorf("day 1's superseded rows: %d still in raw, want 0 (archived)", n)
	}
	var archived string
	if err := db.QueryRow("SELECT coalesce(archived_to, '') FROM ops.file_ledger WHERE file_name = 'Condition_20261101.ndjson'").Scan(&archived); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(archived, filepath.Join(cfg.Archive, "raw", "uhbw-epr", "conditions", "Condition_20261101.ndjson.")) {
		t.Errorf("day 1's file archived to %q, want under %s", archived, cfg.Archive)
	}
	var ids, lines string
	if err := db.QueryRow("SELECT string_agg(id, ',' ORDER BY _row_number), string_agg(CAST(_line AS VARCHAR), ',' ORDER BY _row_number) FROM read_parquet('"+
		strings.ReplaceAll(archived, "'", "''")+"')").Scan(&ids, &lines); err != nil {
		t.Fatalf("read the archive: %v", err)
	}
	if ids != "c-asthma,c-bp,c-gone" || lines != "1,2,3" {
		t.Errorf("archive of day 1: ids %s lines %s, want the three conditions landed, from lines 1-3", ids, lines)
	}
	if n := count(t, db, "SELECT rows FROM ops.step_timings WHERE run_id = ? AND step = 'publish' AND detail = 'archive'", run2); n != 4 {
		t.Errorf("the archive step moved %d rows, want day 1's 3 conditions landed and its patient", n)
	}
	if n := count(t, db, "SELECT count(*) FROM raw.uhbw_epr_conditions"); n != 2 {
		t.Errorf("raw holds %d EPR condition rows, want day 2's 2", n)
	}
	db.Close()

	// Night 3: an empty extract. It is held back and supersedes nothing.
	res := night("20261103")
	if len(res.Held) != 1 || !strings.Contains(res.Held[0], "Condition_20261103.ndjson: 0 rows, under 50% of the 2 of Condition_20261102.ndjson") {
		t.Errorf("held back: %q, want the empty extract named against day 2's", res.Held)
	}
	conditions("c-asthma", "c-bp")
	if got, want := ledger("Condition_20261102.ndjson"), (entry{2, 2, 0, 0, ""}); got != want {
		t.Errorf("night 3, day 2's file: %+v, want it still current %+v", got, want)
	}
	db = c.db(t)
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE file_name = 'Condition_20261103.ndjson' AND message LIKE 'held back: uhbw-epr/conditions Condition_20261103.ndjson: 0 rows%'"); n != 1 {
		t.Error("the ledger does not say why the empty extract was held back")
	}
	db.Close()
	// What the scheduler's status page and metrics read, from the published copy.
	feedTotals := func() schedule.FeedTotals {
		t.Helper()
		totals, err := pipelines.Published{Cfg: cfg}.FeedTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ft := range totals {
			if ft.Provider == "uhbw-epr" && ft.Feed == "conditions" {
				return ft
			}
		}
		t.Fatalf("no totals for uhbw-epr/conditions in %+v", totals)
		return schedule.FeedTotals{}
	}
	if ft := feedTotals(); ft.FilesLoaded != 3 || ft.FilesSuperseded != 1 || ft.FilesArchived != 1 ||
		!strings.HasPrefix(ft.HeldBack, "held back: uhbw-epr/conditions Condition_20261103.ndjson: 0 rows") {
		t.Errorf("night 3 totals: %+v; want 3 files loaded, day 1's superseded and archived, day 3's held back", ft)
	}
	// ccare status, an hour and a half after day 3's file: the held-back extract is the one
	// thing that needs attention (the feeds that sent nothing are measured from the first run).
	st, err := pipelines.Status(ctx, cfg, time.Date(2026, 11, 4, 0, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Attention) != 1 || !strings.HasPrefix(st.Attention[0], "held back: uhbw-epr/conditions Condition_20261103.ndjson") ||
		st.LastRun == nil || st.LastRun.Status != "succeeded" || st.Published == nil || st.Published.RunID != st.LastRun.RunID || st.Running != nil {
		t.Errorf("status after night 3: %+v", st)
	}
	for _, f := range st.Feeds {
		if f.Provider == "uhbw-epr" && f.Feed == "conditions" && (f.State != "on time" || f.NewestFile != "Condition_20261103.ndjson" ||
			f.FilesSuperseded != 1 || f.FilesArchived != 1 || f.HeldBack == "") {
			t.Errorf("status of uhbw-epr/conditions after night 3: %+v", f)
		}
	}

	// Night 4: a normal extract supersedes day 2's and the held empty one.
	if res := night("20261104", hypertension); len(res.Held) != 0 {
		t.Errorf("night 4 held back %q, want nothing (1 row is half of 2: not under the guard)", res.Held)
	}
	conditions("c-bp")
	for _, name := range []string{"Condition_20261102.ndjson", "Condition_20261103.ndjson"} {
		if got := ledger(name); got.by != "Condition_20261104.ndjson" || got.loaded != 0 || got.read != got.quarantined+got.superseded {
			t.Errorf("night 4, %s: %+v, want superseded by day 4's file, its rows conserved", name, got)
		}
	}
	if ft := feedTotals(); ft.FilesSuperseded != 3 || ft.FilesArchived != 3 || ft.HeldBack != "" {
		t.Errorf("night 4 totals: %+v; want 3 files superseded and archived, nothing held back", ft)
	}
	// From the third run on, the published copy is the spare brought up to date in place
	// (load.PublishCopy): still the warehouse, byte for byte.
	warehouse, err := os.ReadFile(cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	published, err := os.ReadFile(cfg.Published)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(published, warehouse) {
		t.Errorf("after night 4 the published copy (%d bytes) differs from the warehouse (%d bytes)", len(published), len(warehouse))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg.Published), ".spare-"+filepath.Base(cfg.Published))); err != nil {
		t.Errorf("no spare copy beside the published one: %v", err)
	}
	// A run that died holding the lock (its pid no longer exists) is named by ccare status.
	host, _ := os.Hostname()
	record := fmt.Sprintf(`{"pid": %d, "host": %q, "job": "hourly", "started": "2026-11-05T01:10:00Z"}`, 1<<22+1, host)
	if err := os.WriteFile(cfg.Warehouse+".lock", []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = pipelines.Status(ctx, cfg, time.Date(2026, 11, 5, 1, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if st.Died == nil || st.Running != nil || len(st.Attention) != 1 || !strings.Contains(st.Attention[0], "the hourly run started Thu 5 Nov 01:10") {
		t.Errorf("status with a dead run's lock record: died %+v, running %+v, attention %q", st.Died, st.Running, st.Attention)
	}
}

// deliverChanges makes a feed of cfg a changes feed (delivery: changes).
func deliverChanges(t *testing.T, cfg *pipelines.Config, provider, feed string) {
	t.Helper()
	for i, p := range cfg.Providers {
		for j, f := range p.Feeds {
			if p.ID == provider && f.Name == feed {
				cfg.Providers[i].Feeds[j].Whole = false
				return
			}
		}
	}
	t.Fatalf("no feed %s/%s", provider, feed)
}

// dropFile writes a provider's file into the inbox of dir, received (modified) at received.
func dropFile(t *testing.T, dir, provider, feed, name, text string, received time.Time) {
	t.Helper()
	p := filepath.Join(dir, "inbox", provider, feed, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, received, received); err != nil {
		t.Fatal(err)
	}
}
