package pipelines_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

// fhirCondition is one Condition resource as the EPR's bulk export writes it.
func fhirCondition(id, version, status, verification, snomed, display, onset string) string {
	return fmt.Sprintf(`{"resourceType":"Condition","id":%q,"meta":{"versionId":%q},`+
		`"clinicalStatus":{"coding":[{"code":%q}]},"verificationStatus":{"coding":[{"code":%q}]},`+
		`"category":[{"coding":[{"code":"problem-list-item"}]}],`+
		`"code":{"coding":[{"system":"http://snomed.info/sct","code":%q,"display":%q}]},`+
		`"subject":{"reference":"Patient/p-1"},"onsetDateTime":%q}`, id, version, status, verification, snomed, display, onset)
}

// TestVersionsWithdrawalsAndLateArrivals: a record's latest version is the source's latest
// (FHIR meta.versionId), not the latest to arrive; a withdrawal (entered-in-error) removes
// the record from core even though an earlier version was loaded; history keeps both
// stories, and the ledger accounts for every row.
func TestVersionsWithdrawalsAndLateArrivals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	// This EPR sends changes: each file adds versions to what came before (with delivery:
	// whole, day 2's file would supersede day 1's; TestWholeExtractsSupersede).
	deliverChanges(t, cfg, "uhbw-epr", "conditions")
	nhs := testNHSNumbers(1)[0]
	drop := func(feed, name string, received time.Time, lines ...string) {
		t.Helper()
		dropFile(t, dir, "uhbw-epr", feed, name, strings.Join(lines, "\n")+"\n", received)
	}
	day1 := time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)
	drop("patients", "Patient_20261101.ndjson", day1, `{"resourceType":"Patient","id":"p-1","meta":{"versionId":"1"},`+
		`"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"`+nhs+`"}],"name":[{"family":"Hughes","given":["Gwen"]}],`+
		`"gender":"female","birthDate":"1950-04-02","address":[{"postalCode":"BS8 1TH"}]}`)
	drop("conditions", "Condition_20261101.ndjson", day1,
		fhirCondition("c-withdrawn", "1", "active", "confirmed", "195967001", "Asthma", "2019-03-01"),
		fhirCondition("c-kept", "1", "active", "confirmed", "38341003", "Hypertension", "2015-06-01"),
		fhirCondition("c-late", "2", "resolved", "confirmed", "44054006", "Type 2 diabetes mellitus", "2020-01-01"))
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	c := &community{cfg: cfg}
	db := c.db(t)
	if n := count(t, db, "SELECT count(*) FROM core.condition WHERE source_record_id = 'c-withdrawn'"); n != 1 {
		t.Fatalf("day 1: the condition to be withdrawn is in core %d times, want once", n)
	}
	db.Close()

	// Day 2: the asthma entered in error (version 2); version 1 of the diabetes, older than
	// the version 2 already loaded, arrives late.
	day2 := day1.AddDate(0, 0, 1)
	drop("conditions", "Condition_20261102.ndjson", day2,
		fhirCondition("c-withdrawn", "2", "active", "entered-in-error", "195967001", "Asthma", "2019-03-01"),
		fhirCondition("c-late", "1", "active", "confirmed", "44054006", "Type 2 diabetes mellitus", "2019-12-01"))
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	db = c.db(t)
	if n := count(t, db, "SELECT count(*) FROM core.condition WHERE source_record_id = 'c-withdrawn'"); n != 0 {
		t.Errorf("a condition withdrawn as entered in error is still in core (%d rows)", n)
	}
	var status, onset string
	if err := db.QueryRow("SELECT clinical_status, CAST(onset_date AS VARCHAR) FROM core.condition WHERE source_record_id = 'c-late'").Scan(&status, &onset); err != nil {
		t.Fatal(err)
	}
	if status != "resolved" || onset != "2020-01-01" {
		t.Errorf("the late, older version replaced the newer: status %s, onset %s; want version 2's resolved, 2020-01-01", status, onset)
	}
	if n := count(t, db, "SELECT count(*) FROM core.condition WHERE source_record_id = 'c-kept'"); n != 1 {
		t.Errorf("the untouched condition: %d rows, want 1", n)
	}
	// The ledger: day 1's asthma is superseded by its withdrawal, which is quarantined; the
	// late version 1 is superseded by the version 2 that came before it.
	type counts struct{ read, loaded, quarantined, superseded int64 }
	ledger := func(name string) (c counts) {
		t.Helper()
		if err := db.QueryRow("SELECT rows_read, rows_loaded, rows_quarantined, rows_superseded FROM ops.file_ledger WHERE file_name = ?", name).
			Scan(&c.read, &c.loaded, &c.quarantined, &c.superseded); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got, want := ledger("Condition_20261101.ndjson"), (counts{3, 2, 0, 1}); got != want {
		t.Errorf("day 1 file: %+v, want %+v", got, want)
	}
	if got, want := ledger("Condition_20261102.ndjson"), (counts{2, 0, 1, 1}); got != want {
		t.Errorf("day 2 file: %+v, want %+v", got, want)
	}
	if n := count(t, db, "SELECT count(*) FROM quality.quarantine WHERE rule_id = 'WDR-001' AND file_name = 'Condition_20261102.ndjson'"); n != 1 {
		t.Errorf("the withdrawal is quarantined %d times under WDR-001, want once", n)
	}
	// History: the asthma's one version, closed by run 2; the diabetes unchanged since run 1.
	var to int64
	if err := db.QueryRow("SELECT coalesce(valid_to_run, 0) FROM history.condition WHERE source_record_id = 'c-withdrawn'").Scan(&to); err != nil || to != res.RunID {
		t.Errorf("history of the withdrawn condition: closed by run %d (%v), want %d", to, err, res.RunID)
	}
	if n := count(t, db, "SELECT count(*) FROM history.condition WHERE source_record_id = 'c-late'"); n != 1 {
		t.Errorf("the diabetes has %d versions in history; the late arrival should make none", n)
	}
	if n := count(t, db, "SELECT count(*) FROM history.condition_as_of(?) WHERE source_record_id = 'c-withdrawn'", res.RunID-1); n != 1 {
		t.Errorf("as of day 1 the asthma should be there: %d rows", n)
	}
}
