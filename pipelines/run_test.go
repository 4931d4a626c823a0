package pipelines_test

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// smallCommunity copies testdata/small (a hand-written inbox: a few people, each habit
// once) into a temporary directory, as received at the end of 1 November 2026.
func smallCommunity(t *testing.T) (string, *pipelines.Config) {
	t.Helper()
	dir := t.TempDir()
	received := time.Date(2026, 11, 1, 23, 59, 59, 0, time.UTC)
	err := filepath.WalkDir("testdata/small", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata/small", path)
		out := filepath.Join(dir, rel)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(out, received, received)
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

func TestSmallCommunity(t *testing.T) {
	_, cfg := smallCommunity(t)
	res, err := pipelines.Run(context.Background(), cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesNew != 10 {
		t.Fatalf("run: %+v", res)
	}
	db := (&community{cfg: cfg}).db(t)
	for _, tt := range []struct {
		what string
		q    string
		want int64
	}{
		{"people with an NHS number (two valid; one typed with spaces)", "SELECT count(*) FROM core.person WHERE nhs_number IS NOT NULL", 2},
		{"and one known by name only: a person of its own", "SELECT count(*) FROM core.person WHERE nhs_number IS NULL AND nhs_number_status = 'missing'", 1},
		{"Ann is known to GP and ED", "SELECT provider_count FROM core.person WHERE nhs_number = '9434765919'", 2},
		{"Bob is known to EMIS, TPP and OOH", "SELECT provider_count FROM core.person WHERE nhs_number = '9434765870'", 3},
		{"GP survivorship: TPP's later registration gives Robert", "SELECT count(*) FROM core.person WHERE given_name = 'Robert'", 1},
		{"a local id nothing matches is kept, as its own person", "SELECT count(*) FROM core.person_link WHERE match_method = 'no-match' AND person_id IS NOT NULL", 1},
		{"cut-short record quarantined at extract", "SELECT count(*) FROM quality.quarantine WHERE rule_id = 'EXT-001' AND line = 6", 1},
		{"future onset quarantined", "SELECT count(*) FROM quality.quarantine WHERE rule_id = 'DAT-002' AND provider = 'gp-emis'", 1},
		{"impossible date quarantined", "SELECT count(*) FROM quality.quarantine WHERE rule_id = 'DAT-001' AND reason LIKE '%31/13/1980%'", 1},
		{"duplicate superseded", "SELECT rows_superseded FROM ops.file_ledger WHERE file_name = 'EMIS_Patients_20261101.csv'", 1},
		{"conservation everywhere", "SELECT count(*) FROM ops.file_ledger WHERE rows_read <> rows_loaded + rows_quarantined + rows_superseded", 0},
		{"Read v2 mapped", "SELECT count(*) FROM core.condition WHERE code = 'G20..' AND snomed_code = '38341003'", 1},
		{"ED diagnosis tied to its attendance", "SELECT count(*) FROM core.condition c JOIN core.encounter e USING (encounter_id) WHERE c.provider = 'uhbw-ed'", 1},
		{"OOH outcome kept with its line break", "SELECT count(*) FROM core.encounter WHERE outcome_text LIKE 'Advised; call 999 if worse.\nSaid \"ok\"'", 1},
		{"offset times are instants", "SELECT count(*) FROM core.encounter WHERE start_at = TIMESTAMPTZ '2026-07-14 20:05:00+00'", 1},
	} {
		if got := count(t, db, tt.q); got != tt.want {
			t.Errorf("%s: %s = %d, want %d", tt.what, tt.q, got, tt.want)
		}
	}

	// The reports: the workbook opens and lists every configured system; the page suppresses
	// the small count of people.
	x, err := excelize.OpenFile(filepath.Join(cfg.Reports, "summary.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Systems")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4+10 || rows[4][0] != "gp-emis" || rows[4][5] != "9" {
		t.Errorf("Systems sheet: %q", rows)
	}
	page, err := os.ReadFile(filepath.Join(cfg.Reports, "summary.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<b>&lt;8</b>people in the shared record", "Files and rows per system", "EXT-001"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("summary.html lacks %q", want)
		}
	}
}

func TestRejectedFileIsReportedAndRetried(t *testing.T) {
	dir, cfg := smallCommunity(t)
	bad := filepath.Join(dir, "inbox", "gp-tpp", "patients", "SRPatient_20261101.txt")
	data, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, []byte(strings.Replace(string(data), "|Postcode|", "|PostCode2|", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		res, err := pipelines.Run(context.Background(), cfg, pipelines.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.FilesRejected != 1 || len(res.Rejected) != 1 {
			t.Fatalf("run %d: %+v", run, res)
		}
		msg := res.Rejected[0]
		if !strings.Contains(msg, bad+" line 1") || !strings.Contains(msg, "Postcode") {
			t.Errorf("rejection %q should name the file, line 1 and the missing column", msg)
		}
		if run == 1 && res.FilesNew != 9 {
			t.Errorf("run 1 loaded %d files; the other providers should carry on", res.FilesNew)
		}
	}
	db := (&community{cfg: cfg}).db(t)
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE status = 'rejected'"); n != 1 {
		t.Errorf("%d rejected ledger rows after two runs, want 1", n)
	}
	if n := count(t, db, "SELECT count(*) FROM raw.gp_tpp_patients"); n != 0 {
		t.Errorf("a rejected file landed %d rows", n)
	}
}

// TestLoadedFilesAreKnownWithoutRereading: a file loaded before and untouched since (same
// name, size and time) is skipped without being read; one touched since is read, hashed and
// still recognised by its content; one rewritten with new content is loaded as new.
func TestLoadedFilesAreKnownWithoutRereading(t *testing.T) {
	dir, cfg := smallCommunity(t)
	ctx := context.Background()
	first, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	touched := filepath.Join(dir, "inbox", "gp-emis", "allergies", "EMIS_Allergies_20261101.csv")
	later := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(touched, later, later); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesNew != 0 || res.FilesSkipped != first.FilesNew {
		t.Errorf("after a touch: %+v; want every file skipped", res)
	}
	if n := strings.Count(logs.String(), "same name, size and time"); n != first.FilesNew-1 {
		t.Errorf("%d files known by name, size and time, want all but the touched one (%d)", n, first.FilesNew-1)
	}
	data, err := os.ReadFile(touched)
	if err != nil {
		t.Fatal(err)
	}
	// The same length, other content: a changed allergy severity.
	changed := strings.Replace(string(data), "Allergy to", "ALLERGY TO", 1)
	if changed == string(data) {
		t.Fatal("no allergy to change")
	}
	if err := os.WriteFile(touched, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(touched, later.Add(time.Hour), later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if res, err = pipelines.Run(ctx, cfg, pipelines.RunOptions{}); err != nil || res.FilesNew != 1 {
		t.Errorf("after a rewrite: %+v, %v; want the file loaded as new", res, err)
	}
}

// TestSameBytesUnderTwoNamesLandOnce: a feed's file sent again under another name in the
// same batch (or two empty hourly captures) lands once; the copy is skipped as already
// loaded, as it would be in a later run, and the run goes on.
func TestSameBytesUnderTwoNamesLandOnce(t *testing.T) {
	dir, cfg := smallCommunity(t)
	sent := filepath.Join(dir, "inbox", "gp-emis", "allergies", "EMIS_Allergies_20261101.csv")
	data, err := os.ReadFile(sent)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inbox", "gp-emis", "allergies", "EMIS_Allergies_20261101_resent.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, "inbox", "nbt-pas", "adt_live")
	if err := os.MkdirAll(live, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"NBT_ADT_Live_20261101T0300.mllp", "NBT_ADT_Live_20261101T0400.mllp"} {
		if err := os.WriteFile(filepath.Join(live, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := pipelines.Run(context.Background(), cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesSkipped != 2 || res.FilesRejected != 0 {
		t.Errorf("%+v; want the resent file and the second empty capture skipped", res)
	}
	db := (&community{cfg: cfg}).db(t)
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE provider = 'gp-emis' AND feed = 'allergies'"); n != 1 {
		t.Errorf("%d ledger rows for the allergies sent twice, want 1", n)
	}
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE file_name = 'NBT_ADT_Live_20261101T0300.mllp' AND status = 'loaded' AND rows_read = 0"); n != 1 {
		t.Errorf("the first empty capture: %d loaded ledger rows of no record, want 1", n)
	}
}

// TestFilesLandInTheOrderFound: files land several at a time, but each has the ledger id of
// its place in the order the run found them (provider, feed, file name), and two days' files
// of one feed land in order: the second day's rows are the later versions.
func TestFilesLandInTheOrderFound(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	dir, day2 := t.TempDir(), t.TempDir()
	for i, d := range []string{dir, day2} {
		if _, err := synth.Generate(ctx, synth.Options{Dir: d, Patients: 150, Seed: 5, Day: day1.AddDate(0, 0, i)}); err != nil {
			t.Fatal(err)
		}
	}
	moveInto(t, filepath.Join(day2, "inbox"), filepath.Join(dir, "inbox"))
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			matches, err := filepath.Glob(filepath.Join(cfg.Inbox, p.ID, f.Name, f.Pattern))
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(matches)
			for _, m := range matches {
				found = append(found, p.ID+"/"+f.Name+"/"+filepath.Base(m))
			}
		}
	}
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesNew != len(found) || len(found) < 50 {
		t.Fatalf("landed %d files of the %d found", res.FilesNew, len(found))
	}
	db, err := load.OpenReadOnly(ctx, cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT file_id, provider || '/' || feed || '/' || file_name FROM ops.file_ledger ORDER BY file_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var landed []string
	for i := int64(1); rows.Next(); i++ {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		if id != i {
			t.Errorf("ledger ids are not 1, 2, 3…: %d at place %d", id, i)
		}
		landed = append(landed, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(landed, found) {
		t.Errorf("ledger in id order:\n%s\nwant the order found:\n%s", strings.Join(landed, "\n"), strings.Join(found, "\n"))
	}
	// The landing phase is timed once, by the wall clock, beside each file's own time: the
	// files' times overlap, and ccare runs sums a phase's rows.
	var phases, files int
	var rowsRead int64
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE step = 'extract'), count(*) FILTER (WHERE step = 'extract file'),
		sum(rows) FILTER (WHERE step = 'extract') FROM ops.step_timings`).Scan(&phases, &files, &rowsRead); err != nil {
		t.Fatal(err)
	}
	var read int64
	if err := db.QueryRow("SELECT sum(rows_read) FROM ops.file_ledger").Scan(&read); err != nil {
		t.Fatal(err)
	}
	if phases != 1 || files != len(found) || rowsRead != read {
		t.Errorf("step_timings: %d landing rows (want 1) reading %d rows (want %d), %d file rows (want %d)", phases, rowsRead, read, files, len(found))
	}
	// The transform's commits are timed as steps of their own: a commit may run DuckDB's
	// checkpoint, seconds that no SQL file's time shows. A first build commits history
	// apart from core.
	var commits []string
	rows, err = db.Query("SELECT detail FROM ops.step_timings WHERE step = 'transform' AND detail LIKE 'commit:%' AND seconds >= 0 ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		commits = append(commits, d)
	}
	if want := []string{"commit: staging", "commit: quality", "commit: identity", "commit: core", "commit: history"}; !slices.Equal(commits, want) {
		t.Errorf("transform's timed commits: %q, want %q", commits, want)
	}
}
