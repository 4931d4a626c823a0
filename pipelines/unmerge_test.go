package pipelines_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// testNHSNumbers returns n valid NHS numbers in the 999 test range.
func testNHSNumbers(n int) []string {
	var out []string
	for x := 9990000000; len(out) < n; x++ {
		if s := fmt.Sprint(x); synth.ValidNHSNumber(s) {
			out = append(out, s)
		}
	}
	return out
}

// TestUnmergeAcrossRuns: a PAS merges one patient's hospital number into another's by
// mistake (A40, day 1) and takes it back the next day (A37). After day 1 the two numbers
// are one person; after day 2 they are two again: the survivor keeps its person_id, the
// merged-away number gets a new one recorded as split from it, and a third patient's
// person_id does not move. history.person_link keeps both versions of the link.
func TestUnmergeAcrossRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	nhs := testNHSNumbers(3)
	patient := func(mrn, nhs, name, birth, sex string) string {
		return "PID|1||" + mrn + "^^^RVJ^PI~" + nhs + "^^^NHS^NH||" + name + "||" + birth + "|" + sex + "|||^^Bristol^^BS1 6QH^GBR"
	}
	x := patient("RVJ10000001", nhs[0], "ASHWORTH^MARGARET", "19480312", "F")
	y := patient("RVJ10000002", nhs[1], "OKAFOR^DANIEL", "19910723", "M")
	z := patient("RVJ10000003", nhs[2], "PRICE^EILEEN", "19620105", "F")
	msg := func(control, event, at string, segs ...string) string {
		return "MSH|^~\\&|PAS|RVJ|CCARE|BNSSG|" + at + "||ADT^" + event + "|" + control + "|P|2.4\r" +
			"EVN|" + event + "|" + at + "\r" + strings.Join(segs, "\r") + "\r"
	}
	drop := func(name string, msgs ...string) {
		t.Helper()
		p := filepath.Join(dir, "inbox", "nbt-pas", "adt", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(msgs, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &community{cfg: cfg}
	personOf := func(mrn string) (person int64, method string) {
		t.Helper()
		db := c.db(t)
		defer db.Close()
		if err := db.QueryRow("SELECT person_id, match_method FROM core.person_link WHERE provider = 'nbt-pas' AND local_id = ?", mrn).Scan(&person, &method); err != nil {
			t.Fatalf("%s: %v", mrn, err)
		}
		return person, method
	}

	drop("NBT_ADT_20261101.hl7",
		msg("C1", "A04", "202610310900", x, "PV1|1|O|CARDOPD^^^RVJ01||||||||||||||||V1|||||||||||||||||||||||||202610310900"),
		msg("C2", "A04", "202610311000", y, "PV1|1|O|DIABOPD^^^RVJ01||||||||||||||||V2|||||||||||||||||||||||||202610311000"),
		msg("C3", "A04", "202610311100", z, "PV1|1|O|RESPOPD^^^RVJ01||||||||||||||||V3|||||||||||||||||||||||||202610311100"),
		msg("C4", "A40", "202610311500", x, "MRG|RVJ10000002^^^RVJ^PI", "PV1|1|N"))
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	px1, _ := personOf("RVJ10000001")
	py1, how := personOf("RVJ10000002")
	pz1, _ := personOf("RVJ10000003")
	if py1 != px1 || how != "merge" {
		t.Fatalf("day 1: the merged-away number is person %d (%s), the survivor %d", py1, how, px1)
	}

	drop("NBT_ADT_20261102.hl7",
		msg("C5", "A37", "202611010930", x, "PV1|1|N", strings.Replace(y, "PID|1|", "PID|2|", 1), "PV1|1|N"))
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	px2, _ := personOf("RVJ10000001")
	py2, how := personOf("RVJ10000002")
	pz2, _ := personOf("RVJ10000003")
	if px2 != px1 || pz2 != pz1 {
		t.Errorf("day 2: the survivor moved from person %d to %d, the bystander from %d to %d", px1, px2, pz1, pz2)
	}
	if py2 == px2 || how != "nhs-number" {
		t.Errorf("day 2: the unlinked number is person %d (%s), the survivor %d", py2, how, px2)
	}
	db := c.db(t)
	if n := count(t, db, "SELECT count(*) FROM core.person_id_event WHERE person_id = ? AND event = 'issued' AND other_person_id = ?", py2, px1); n != 1 {
		t.Errorf("day 2: person %d has %d events saying it was split from %d", py2, n, px1)
	}

	// History: the link's two versions, each with its interval; the state as of each run.
	var runs []int64
	rows, err := db.Query("SELECT run_id FROM ops.runs ORDER BY run_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		runs = append(runs, id)
	}
	rows.Close()
	if len(runs) != 2 {
		t.Fatalf("runs %v, want two", runs)
	}
	const versions = `SELECT person_id, match_method, valid_from_run, coalesce(valid_to_run, 0), is_current
		FROM history.person_link WHERE provider = 'nbt-pas' AND local_id = 'RVJ10000002' ORDER BY valid_from_run`
	rows, err = db.Query(versions)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var p, from, to int64
		var m string
		var cur bool
		rows.Scan(&p, &m, &from, &to, &cur)
		got = append(got, fmt.Sprintf("%d %s %d-%d %v", p, m, from, to, cur))
	}
	rows.Close()
	want := []string{
		fmt.Sprintf("%d merge %d-%d false", px1, runs[0], runs[1]),
		fmt.Sprintf("%d nhs-number %d-0 true", py2, runs[1]),
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("history.person_link of the unlinked number:\n got %v\nwant %v", got, want)
	}
	for i, wantPerson := range []int64{px1, py2} {
		var p int64
		if err := db.QueryRow("SELECT person_id FROM history.person_link_as_of(?) WHERE provider = 'nbt-pas' AND local_id = 'RVJ10000002'", runs[i]).Scan(&p); err != nil || p != wantPerson {
			t.Errorf("as of run %d: person %d (%v), want %d", runs[i], p, err, wantPerson)
		}
	}
	// Unchanged records keep their one version; the bystander's person is the same row.
	if n := count(t, db, "SELECT count(*) FROM history.person WHERE person_id = ?", pz1); n != 1 {
		t.Errorf("the bystander's golden record has %d versions, want 1", n)
	}
	if n := count(t, db, "SELECT count(*) FROM history.person WHERE is_current") - count(t, db, "SELECT count(*) FROM core.person"); n != 0 {
		t.Errorf("history's current versions and core.person differ by %d rows", n)
	}
}
