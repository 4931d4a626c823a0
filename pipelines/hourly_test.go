package pipelines_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// hourlyFeeds are the demo configuration's feeds whose cadence is hourly.
func hourlyFeeds(t *testing.T, cfg *pipelines.Config) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			if f.Cadence == "hourly" {
				out[filepath.Join(p.ID, f.Name)] = true
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the demo configuration has no hourly feed")
	}
	return out
}

// dropHourly copies the hourly feeds' files of a generated day into dir's inbox.
func dropHourly(t *testing.T, gen, dir string, feeds map[string]bool) {
	t.Helper()
	for feed := range feeds {
		copyTree(t, filepath.Join(gen, "inbox", feed), filepath.Join(dir, "inbox-next", feed))
	}
	moveInto(t, filepath.Join(dir, "inbox-next"), filepath.Join(dir, "inbox"))
}

// personGroups says, for every local id, which local ids share its person (by the first of
// them), so that two warehouses can be compared on who is who whatever their person_ids.
func personGroups(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT provider || '/' || local_id, min(provider || '/' || local_id) OVER (PARTITION BY person_id)
		FROM core.person_link`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, group string
		rows.Scan(&id, &group)
		out[id] = group
	}
	return out
}

// TestHourlyMergesItsBatch: on a warehouse holding a first day, the hourly job merges the
// next day's hourly files into core (it does not rebuild) and comes out where a full
// rebuild of the same inbox comes out: the same clinical rows, quarantine and ledger counts
// (every file's read = loaded + quarantined + superseded, checked by the run). A local id
// the hourly job could not match by NHS number waits, 'pending', for the nightly run;
// after it, the two warehouses agree on who is who as well.
func TestHourlyMergesItsBatch(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	gen1, gen2 := t.TempDir(), t.TempDir()
	for i, gen := range []string{gen1, gen2} {
		// Two weeks on: the hourly feeds bring people they had not sent before.
		if _, err := synth.Generate(ctx, synth.Options{Dir: gen, Patients: 400, Seed: 21, Day: day1.AddDate(0, 0, 14*i)}); err != nil {
			t.Fatal(err)
		}
	}
	hourly, full := t.TempDir(), t.TempDir()
	var cfgs [2]*pipelines.Config
	for i, dir := range []string{hourly, full} {
		cfg := afterFirstNight(ctx, t, filepath.Join(gen1, "inbox"), dir)
		cfgs[i] = cfg
		dropHourly(t, gen2, dir, hourlyFeeds(t, cfg))
		addNewPatients(t, dir)
	}
	res, err := pipelines.Run(ctx, cfgs[0], pipelines.RunOptions{Job: "hourly"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Incremental || res.FilesNew == 0 {
		t.Fatalf("hourly: %+v; want the batch merged, not a rebuild", res)
	}
	// Its two commits are timed as steps, as the nightly job's are (TestFilesLandInTheOrderFound).
	func() {
		db, err := load.OpenReadOnly(ctx, cfgs[0].Warehouse)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var commits string
		if err := db.QueryRow(`SELECT coalesce(string_agg(detail, ', ' ORDER BY rowid), '') FROM ops.step_timings
			WHERE run_id = ? AND step = 'transform' AND detail LIKE 'commit:%'`, res.RunID).Scan(&commits); err != nil {
			t.Fatal(err)
		}
		if want := "commit: staging, commit: core and history"; commits != want {
			t.Errorf("hourly run's timed commits: %q, want %q", commits, want)
		}
	}()
	if _, err := pipelines.Run(ctx, cfgs[1], pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	open := func(cfg *pipelines.Config) *sql.DB {
		db, err := load.OpenReadOnly(ctx, cfg.Warehouse)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	// Who is who differs until the nightly run; the rest must not.
	compare := func(when string, tables []string, ignorePerson bool) {
		t.Helper()
		for _, name := range []string{"person_id", "match_method", "match_score", "link_note"} {
			digestIgnored[name] = ignorePerson
		}
		defer func() {
			for _, name := range []string{"person_id", "match_method", "match_score", "link_note"} {
				delete(digestIgnored, name)
			}
		}()
		a, b := open(cfgs[0]), open(cfgs[1])
		defer a.Close()
		defer b.Close()
		saved := digestTables
		digestTables = tables
		got, want := digest(t, a), digest(t, b)
		digestTables = saved
		for _, table := range tables {
			if got[table] != want[table] {
				t.Errorf("%s: %s differs from a full rebuild's:\n%s", when, table, firstDifference(got[table], want[table]))
			}
		}
	}
	clinical := []string{"core.allergy", "core.condition", "core.medication", "core.encounter", "core.care_episode",
		"quality.quarantine", "ops.file_ledger"}
	// The batch's own files; earlier files' rows that a rule judges by another record (an
	// event before a birth date the batch corrects) are judged again by the nightly run.
	db := open(cfgs[0])
	db.Close()
	compare("after the hourly run", []string{"core.allergy", "core.condition", "core.medication", "core.encounter",
		"core.care_episode", "batch.quarantine", "batch.file_ledger", "history.allergy", "history.condition",
		"history.medication", "history.encounter", "history.care_episode"}, true)
	db = open(cfgs[0])
	pending := count(t, db, "SELECT count(*) FROM core.person_link WHERE match_method = 'pending'")
	linked := count(t, db, "SELECT count(*) FROM core.person_link WHERE link_note = 'linked on NHS number (hourly)'")
	var together int64
	if err := db.QueryRow(`SELECT count(DISTINCT person_id) FILTER (WHERE match_method = 'nhs-number') FROM core.person_link
		WHERE provider = 'uhbw-ed' AND local_id IN ('RA99000003', 'RA99000004')`).Scan(&together); err != nil || together != 1 {
		t.Errorf("two new local ids with one new NHS number are in %d people (%v), want one", together, err)
	}
	db.Close()
	t.Logf("hourly: %d files merged; new local ids: %d linked on NHS number, %d pending", res.FilesNew, linked, pending)
	if linked != 1 || pending != 1 {
		t.Errorf("new local ids: %d linked on NHS number to a known person, %d pending; want one of each", linked, pending)
	}

	// The next nightly run, with the rest of the second day's files, resolves the pending
	// ids: the same people as the full rebuild given the same files.
	for i, dir := range []string{hourly, full} {
		copyTree(t, filepath.Join(gen2, "inbox"), filepath.Join(dir, "inbox-day2"))
		for feed := range hourlyFeeds(t, cfgs[i]) {
			if err := os.RemoveAll(filepath.Join(dir, "inbox-day2", feed)); err != nil {
				t.Fatal(err)
			}
		}
		moveInto(t, filepath.Join(dir, "inbox-day2"), filepath.Join(dir, "inbox"))
		if _, err := pipelines.Run(ctx, cfgs[i], pipelines.RunOptions{Job: "nightly"}); err != nil {
			t.Fatal(err)
		}
	}
	compare("after the next nightly run", append(clinical, "core.person_link"), true)
	a, b := open(cfgs[0]), open(cfgs[1])
	defer a.Close()
	defer b.Close()
	ga, gb := personGroups(t, a), personGroups(t, b)
	differ := 0
	for id, g := range gb {
		if ga[id] != g {
			differ++
			if differ <= 5 {
				t.Errorf("after the nightly run %s is with %s, in a full rebuild with %s", id, ga[id], g)
			}
		}
	}
	if differ > 0 || len(ga) != len(gb) {
		t.Errorf("%d of %d local ids grouped differently (%d and %d local ids)", differ, len(gb), len(ga), len(gb))
	}
	if n := count(t, a, "SELECT count(*) FROM core.person_link WHERE match_method = 'pending'"); n != 0 {
		t.Errorf("%d local ids still pending after the nightly run", n)
	}
}

// addNewPatients appends to the ED file of the hourly batch in dir four attendances of local
// ids the warehouse has never seen: one with a known person's NHS number and birth date, one
// with no NHS number, and two sharing an NHS number no one has yet.
func addNewPatients(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "inbox", "uhbw-ed", "attendances", "ED_Attendances_20261115.csv"))
	if len(files) != 1 {
		t.Fatalf("the batch's ED file: %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	// A known person's attendance, with a valid NHS number, as the first day sent it.
	first, err := os.ReadFile(filepath.Join(dir, "inbox", "uhbw-ed", "attendances", "ED_Attendances_20261101.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	for _, l := range strings.Split(string(first), "\n")[1:] {
		if f := strings.Split(strings.TrimRight(l, "\r"), ","); len(f) > 7 && synth.ValidNHSNumber(f[2]) {
			known = f
			break
		}
	}
	fresh := testNHSNumbers(40)[39]
	add := []string{
		fmt.Sprintf("E900000001,RA99000001,%s,%s,%s,%s,%s,%s,2026-11-14,10:00,2026-11-14,12:00,417163006,125667009,Contusion,306706006,RA701",
			known[2], known[3], known[4], known[5], known[6], known[7]),
		"E900000002,RA99000002,,Quennell,Arabella,1931-02-17,2,BS1 4DJ,2026-11-14,11:00,2026-11-14,13:00,417163006,125667009,Contusion,306706006,RA701",
		"E900000003,RA99000003," + fresh + ",Okonjo,Tobias,1999-09-09,1,BS5 0TR,2026-11-14,12:00,2026-11-14,14:00,417163006,125667009,Contusion,306706006,RA701",
		"E900000004,RA99000004," + fresh + ",Okonjo,Tobias,1999-09-09,1,BS5 0TR,2026-11-14,13:00,2026-11-14,15:00,417163006,125667009,Contusion,306706006,RA701",
	}
	st, _ := os.Stat(files[0])
	if err := os.WriteFile(files[0], []byte(strings.Join(append(lines, add...), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(files[0], st.ModTime(), st.ModTime())
}

// TestHourlyHistoryOfResentRecords: an hourly file that sends again attendances already in
// core, two as they were and one with a new discharge destination, adds one version to
// history: the changed record's, which closes its first. A record sent again unchanged keeps
// its one version, and a record the batch did not touch is left alone.
func TestHourlyHistoryOfResentRecords(t *testing.T) {
	ctx := context.Background()
	gen, dir := t.TempDir(), t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{Dir: gen, Patients: 200, Seed: 5, Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(gen, "inbox"), filepath.Join(dir, "inbox"))
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "inbox", "uhbw-ed", "attendances", "*.csv"))
	if len(files) == 0 {
		t.Fatal("the generated day has no ED attendances")
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	column := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %s", name, lines[0])
		return -1
	}
	id, dest := column("AttendanceId"), column("DischargeDestinationCode")
	db := (&community{cfg: cfg}).db(t)
	// Three plain attendances (one comma-free line each, and each in core once), and a
	// discharge destination that another attendance has, for the one to change.
	var picked [][]string
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != len(header) || strings.Contains(l, `"`) {
			continue
		}
		if count(t, db, "SELECT count(*) FROM core.encounter WHERE source_record_id = ?", f[id]) == 1 &&
			count(t, db, "SELECT count(*) FROM history.encounter WHERE source_record_id = ?", f[id]) == 1 {
			picked = append(picked, f)
		}
		if len(picked) == 3 {
			break
		}
	}
	if len(picked) < 3 {
		t.Fatalf("found %d attendances to send again, want 3", len(picked))
	}
	other := ""
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); len(f) == len(header) && f[dest] != "" && f[dest] != picked[2][dest] {
			other = f[dest]
			break
		}
	}
	if other == "" {
		t.Fatal("no second discharge destination in the file")
	}
	untouched := picked[2][id]
	changed := append([]string(nil), picked[1]...)
	changed[dest] = other
	resent := strings.Join([]string{lines[0], strings.Join(picked[0], ","), strings.Join(changed, ",")}, "\n") + "\n"
	name := filepath.Join(dir, "inbox", "uhbw-ed", "attendances", "ED_Attendances_20261102T0900.csv")
	if err := os.WriteFile(name, []byte(resent), 0o644); err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 11, 2, 9, 5, 0, 0, time.UTC)
	if err := os.Chtimes(name, received, received); err != nil {
		t.Fatal(err)
	}
	db.Close()

	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "hourly"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Incremental {
		t.Fatalf("hourly: %+v; want the batch merged, not a rebuild", res)
	}
	db = (&community{cfg: cfg}).db(t)
	defer db.Close()
	for _, tc := range []struct {
		what, id          string
		versions, current int64
	}{
		{"sent again unchanged", picked[0][id], 1, 1},
		{"sent again with a new discharge destination", picked[1][id], 2, 1},
		{"not sent again", untouched, 1, 1},
	} {
		versions := count(t, db, "SELECT count(*) FROM history.encounter WHERE source_record_id = ?", tc.id)
		current := count(t, db, "SELECT count(*) FROM history.encounter WHERE source_record_id = ? AND is_current", tc.id)
		if versions != tc.versions || current != tc.current {
			t.Errorf("attendance %s, %s: %d versions in history, %d current; want %d and %d",
				tc.id, tc.what, versions, current, tc.versions, tc.current)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM history.encounter WHERE source_record_id = ? AND valid_from_run = ?", picked[1][id], res.RunID); n != 1 {
		t.Errorf("the changed attendance has %d versions from the hourly run %d, want 1", n, res.RunID)
	}
}

// TestHourlyFilesOfADay: the hourly feeds' day sent as one file an hour (`ccare generate
// --hourly`) comes out of the hourly job where the same records sent as one file a feed
// come out: the same clinical rows, quarantine and history, apart from which file and line
// a row came from. Every hourly file is landed, and the ledger counts the records the
// generator wrote in it and holds back those the truth says are quarantined.
func TestHourlyFilesOfADay(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	first, whole, hours := t.TempDir(), t.TempDir(), t.TempDir()
	for _, o := range []synth.Options{
		{Dir: first, Day: day1},
		{Dir: whole, Day: day1.AddDate(0, 0, 1)},
		{Dir: hours, Day: day1.AddDate(0, 0, 1), Hourly: true},
	} {
		o.Patients, o.Seed = 800, 23
		if _, err := synth.Generate(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	var cfgs [2]*pipelines.Config
	for i, gen := range []string{whole, hours} {
		dir := t.TempDir()
		cfg := afterFirstNight(ctx, t, filepath.Join(first, "inbox"), dir)
		cfgs[i] = cfg
		feeds := hourlyFeeds(t, cfg)
		dropHourly(t, gen, dir, feeds)
		res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "hourly"})
		if err != nil {
			t.Fatal(err)
		}
		// Hours with nothing to send give files of the same bytes: the ledger lands one.
		distinct := map[string]bool{}
		for _, f := range readCSV(t, filepath.Join(gen, "truth", "files.csv")) {
			if feeds[filepath.Join(f["provider"], f["feed"])] {
				distinct[f["provider"]+"/"+f["feed"]+"/"+f["sha256"]] = true
			}
		}
		if !res.Incremental || res.FilesNew != len(distinct) || res.FilesRejected != 0 {
			t.Fatalf("hourly run on %s: %+v; want %d files merged", filepath.Base(gen), res, len(distinct))
		}
	}

	db, err := load.OpenReadOnly(ctx, cfgs[1].Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	ledger := map[string][2]int64{} // file name: rows read, rows quarantined
	rows, err := db.Query(`SELECT file_name, rows_read, rows_quarantined FROM ops.file_ledger WHERE status = 'loaded'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var read, quarantined int64
		if err := rows.Scan(&name, &read, &quarantined); err != nil {
			t.Fatal(err)
		}
		ledger[name] = [2]int64{read, quarantined}
	}
	rows.Close()
	db.Close()
	truth := map[string][2]int64{}
	for _, r := range readCSV(t, filepath.Join(hours, "truth", "records.csv")) {
		c := truth[r["file"]]
		c[0]++
		if r["fate"] == "quarantine" {
			c[1]++
		}
		truth[r["file"]] = c
	}
	files := readCSV(t, filepath.Join(hours, "truth", "files.csv"))
	for _, f := range files {
		got, ok := ledger[f["file"]]
		if !ok && f["records"] == "0" {
			continue // an empty hour, landed under the name of the first with the same bytes
		}
		if !ok {
			t.Errorf("%s/%s/%s: not landed", f["provider"], f["feed"], f["file"])
			continue
		}
		if got != truth[f["file"]] {
			t.Errorf("%s: ledger read %d, quarantined %d; the truth: %d records, %d to quarantine",
				f["file"], got[0], got[1], truth[f["file"]][0], truth[f["file"]][1])
		}
	}

	// Where a row came from, and a quarantine reason's words, which quote its line and when
	// its file was received. A quarantined record is compared below without its provenance.
	provenance := []string{"_file_sha256", "_row_number", "_line", "file_sha256", "file_name", "row_number", "line", "reason", "record"}
	for _, name := range provenance {
		digestIgnored[name] = true
	}
	defer func() {
		for _, name := range provenance {
			delete(digestIgnored, name)
		}
	}()
	saved := digestTables
	digestTables = []string{"core.person", "core.person_link", "core.allergy", "core.condition", "core.medication",
		"core.encounter", "core.care_episode", "history.encounter", "history.person", "quality.quarantine"}
	defer func() { digestTables = saved }()
	a, err := load.OpenReadOnly(ctx, cfgs[0].Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := load.OpenReadOnly(ctx, cfgs[1].Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	want, got := digest(t, a), digest(t, b)
	for _, table := range digestTables {
		if got[table] != want[table] {
			t.Errorf("%s: sent hour by hour, differs from sent whole:\n%s", table, firstDifference(got[table], want[table]))
		}
	}
	held := func(db *sql.DB) string {
		var out string
		if err := db.QueryRow(`SELECT string_agg(r, E'\n' ORDER BY r) FROM (
			SELECT rule_id || ' ' || json_merge_patch(record, '{"_file_sha256": null, "_row_number": null, "_line": null, "_file_id": null}')::VARCHAR AS r
			FROM quality.quarantine)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := held(b), held(a); got != want {
		t.Errorf("quarantined records, sent hour by hour, differ from sent whole:\n%s", firstDifference(got, want))
	} else if !strings.Contains(got, "control_id") || strings.Contains(got, "_file_sha256") {
		t.Errorf("quarantined records without their provenance: %.300s", got)
	}
	t.Logf("%d hourly files landed; %d records", len(files), len(readCSV(t, filepath.Join(hours, "truth", "records.csv"))))
}

// afterFirstNight is the demo configuration for a warehouse under dir whose inbox is a copy
// of inbox, after its first nightly run.
func afterFirstNight(ctx context.Context, t *testing.T, inbox, dir string) *pipelines.Config {
	t.Helper()
	copyTree(t, inbox, filepath.Join(dir, "inbox"))
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	return cfg
}
