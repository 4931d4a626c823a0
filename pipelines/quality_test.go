package pipelines_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// writeNextDay writes a copy of one of the small community's files as the next day's drop,
// with edit applied to each line (header first), received a day later.
func writeNextDay(t *testing.T, dir, rel, name string, edit func(i int, line string) string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	for i, l := range lines {
		lines[i] = edit(i, strings.TrimRight(l, "\r"))
	}
	out := filepath.Join(dir, filepath.Dir(rel), name)
	if err := os.WriteFile(out, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := time.Date(2026, 11, 2, 23, 59, 59, 0, time.UTC)
	if err := os.Chtimes(out, next, next); err != nil {
		t.Fatal(err)
	}
	return out
}

const emisPatients = "inbox/gp-emis/patients/EMIS_Patients_20261101.csv"

func TestSchemaDriftAddedColumnIsReportedAndKept(t *testing.T) {
	dir, cfg := smallCommunity(t)
	ctx := context.Background()
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	writeNextDay(t, dir, emisPatients, "EMIS_Patients_20261102.csv", func(i int, l string) string {
		if i == 0 {
			return l + ",Ethnicity"
		}
		return l + `,"White British"`
	})
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesNew != 1 || res.FilesRejected != 0 || len(res.Drift) != 1 || !strings.Contains(res.Drift[0], "Ethnicity") {
		t.Fatalf("second run: %+v; want one new file reported with its new column Ethnicity", res)
	}
	db := (&community{cfg: cfg}).db(t)
	for _, tt := range []struct {
		what, q string
		want    int64
	}{
		{"the ledger names the added column", "SELECT count(*) FROM ops.file_ledger WHERE file_name = 'EMIS_Patients_20261102.csv' AND added_columns = ['Ethnicity']", 1},
		{"the first file had nothing to compare against", "SELECT count(*) FROM ops.file_ledger WHERE file_name = 'EMIS_Patients_20261101.csv' AND added_columns IS NULL", 1},
		{"the values are kept in raw (the cut-short line is quarantined)", "SELECT count(*) FROM raw.gp_emis_patients WHERE _extra->>'Ethnicity' = 'White British'", 4},
		{"SCH-001 fails for gp-emis in this run", "SELECT rows_failed FROM quality.results WHERE run_id = 2 AND provider = 'gp-emis' AND rule_id = 'SCH-001'", 1},
		{"and for nobody else", "SELECT coalesce(sum(rows_failed), 0) FROM quality.results WHERE run_id = 2 AND provider <> 'gp-emis' AND rule_id = 'SCH-001'", 0},
	} {
		if got := count(t, db, tt.q); got != tt.want {
			t.Errorf("%s: %s = %d, want %d", tt.what, tt.q, got, tt.want)
		}
	}
}

func TestSchemaDriftRenamedColumnRejectsTheFile(t *testing.T) {
	dir, cfg := smallCommunity(t)
	ctx := context.Background()
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	bad := writeNextDay(t, dir, emisPatients, "EMIS_Patients_20261102.csv", func(i int, l string) string {
		if i == 0 {
			return strings.Replace(l, "Postcode", "PostCode2", 1)
		}
		return l
	})
	// Another system's next file arrives too, so that the run rebuilds and records results.
	writeNextDay(t, dir, "inbox/ooh-adastra/cases/Adastra_Cases_20261101.csv", "Adastra_Cases_20261102.csv",
		func(i int, l string) string { return l })
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesRejected != 1 || len(res.Rejected) != 1 || res.FilesNew != 1 {
		t.Fatalf("second run: %+v", res)
	}
	msg := res.Rejected[0]
	for _, want := range []string{bad + " line 1", "lacks the column(s) Postcode", "new since the feed's last loaded file: PostCode2 (renamed?)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("rejection %q lacks %q", msg, want)
		}
	}
	db := (&community{cfg: cfg}).db(t)
	if n := count(t, db, "SELECT rows_failed FROM quality.results WHERE run_id = 2 AND provider = 'gp-emis' AND rule_id = 'SCH-002'"); n != 1 {
		t.Errorf("SCH-002 failures for gp-emis = %d, want the rejected file", n)
	}
	// The other systems' rows are all still there: the rejection touched only its own file.
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE status = 'loaded'"); n != 11 {
		t.Errorf("%d loaded files, want the first day's 10 and the new Adastra file", n)
	}
}

// TestReplayAfterMappingFix: a broken column mapping sends every TPP birth date to quarantine;
// after the fix, a replay reads the file again and the rows move into core, with the ledger's
// counts conserved (Run checks conservation itself and fails if it breaks).
func TestReplayAfterMappingFix(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{Dir: dir, Patients: 300, Seed: 3,
		Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	header := tppColumn(t, cfg, "date_birth")
	*header = "Surname" // the mistake: birth dates read from the surname column
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	c := &community{cfg: cfg}
	db := c.db(t)
	const tppDOB = "SELECT count(DISTINCT row_number) FROM quality.quarantine WHERE provider = 'gp-tpp' AND feed = 'patients' AND rule_id = 'DAT-001'"
	broken := count(t, db, tppDOB)
	read := count(t, db, "SELECT rows_read FROM ops.file_ledger WHERE provider = 'gp-tpp' AND feed = 'patients'")
	if broken < read*9/10 {
		t.Fatalf("the broken mapping quarantined %d of %d TPP patient rows; the test needs nearly all", broken, read)
	}
	linkedBefore := count(t, db, "SELECT count(*) FROM core.person_link WHERE provider = 'gp-tpp' AND person_id IS NOT NULL")
	const tppHeld = "SELECT count(DISTINCT row_number) FROM quality.quarantine WHERE provider = 'gp-tpp' AND feed = 'patients'"
	heldBefore := count(t, db, tppHeld)
	db.Close()

	*header = "DateBirth" // the fix
	res, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replayed == 0 || !res.Rebuilt || res.FilesNew != res.Replayed {
		t.Fatalf("replay: %+v; want the files with quarantined rows read again", res)
	}
	db = c.db(t)
	// Every row the mistake held back leaves quarantine, unless another rule holds it too.
	// (Overall the count may fall by less: with birth dates back, DAT-003 can again catch
	// TPP events dated before the patient's birth.)
	still := count(t, db, tppHeld+" AND stage = 'staging'")
	if moved := heldBefore - count(t, db, tppHeld); moved < broken-still {
		t.Errorf("replay moved %d TPP patient rows out of quarantine; want at least %d of the %d the mistake held back",
			moved, broken-still, broken)
	}
	if res.QuarantinedAfter >= res.QuarantinedBefore {
		t.Errorf("quarantined rows %d before the replay, %d after", res.QuarantinedBefore, res.QuarantinedAfter)
	}
	if n := count(t, db, tppDOB); n != 0 {
		t.Errorf("%d TPP birth dates still quarantined after the fix and replay", n)
	}
	if n := count(t, db, "SELECT rows_read FROM ops.file_ledger WHERE provider = 'gp-tpp' AND feed = 'patients'"); n != read {
		t.Errorf("after replay the TPP patients file read %d rows, want %d (one ledger entry, read once more)", n, read)
	}
	if n := count(t, db, "SELECT count(*) FROM ops.file_ledger WHERE rows_read <> rows_loaded + rows_quarantined + rows_superseded"); n != 0 {
		t.Errorf("%d files break row conservation after the replay", n)
	}
	if after := count(t, db, "SELECT count(*) FROM core.person_link WHERE provider = 'gp-tpp' AND person_id IS NOT NULL"); after <= linkedBefore {
		t.Errorf("TPP linked local ids %d after replay, %d before: the replayed rows should reach core", after, linkedBefore)
	}
	db.Close()
	// A replay of one system rereads only that system's files, and rebuilds all the same.
	res, err = pipelines.Run(ctx, cfg, pipelines.RunOptions{Replay: true, Providers: []string{"gp-tpp"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rebuilt || res.Replayed == 0 || res.Replayed != res.FilesNew {
		t.Errorf("a replay should reread the system's files with quarantined rows and rebuild: %+v", res)
	}

	// --from: every file of one provider received since the date, quarantined rows or not;
	// the other providers' files are not read again, and the result does not change.
	db = c.db(t)
	before := digest(t, db)
	const files = "SELECT count(*) FROM ops.file_ledger WHERE status = 'loaded'"
	tppFiles, allFiles := count(t, db, files+" AND provider = 'gp-tpp'"), count(t, db, files)
	db.Close()
	res, err = pipelines.Run(ctx, cfg, pipelines.RunOptions{Providers: []string{"gp-tpp"}, From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rebuilt || int64(res.Replayed) != tppFiles || res.ReplayMissing != 0 {
		t.Errorf("--from: %+v; want all %d gp-tpp files read again", res, tppFiles)
	}
	db = c.db(t)
	if n := count(t, db, files+" AND batch_id = ?", res.RunID); n != tppFiles {
		t.Errorf("--from: %d files carry the replay's batch, want the %d gp-tpp files", n, tppFiles)
	}
	if n := count(t, db, files+" AND batch_id < ?", res.RunID); n != allFiles-tppFiles {
		t.Errorf("--from: %d other files kept their batch, want %d", n, allFiles-tppFiles)
	}
	after := digest(t, db)
	for _, table := range digestTables {
		if !strings.HasPrefix(table, "ops.") && after[table] != before[table] {
			t.Errorf("--from replayed unchanged files and %s changed:\n%s", table, firstDifference(after[table], before[table]))
		}
	}
	db.Close()
	// Since a date after every file was received: nothing to read again.
	res, err = pipelines.Run(ctx, cfg, pipelines.RunOptions{Providers: []string{"gp-tpp"}, From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || res.Replayed != 0 {
		t.Errorf("--from a later date: %+v, %v; want nothing read again", res, err)
	}
}

// tppColumn is the header mapped to a gp-tpp patients column, to break and mend.
func tppColumn(t *testing.T, cfg *pipelines.Config, name string) *string {
	t.Helper()
	for i := range cfg.Providers {
		if cfg.Providers[i].ID != "gp-tpp" {
			continue
		}
		for j := range cfg.Providers[i].Feeds {
			f := &cfg.Providers[i].Feeds[j]
			if f.Name != "patients" {
				continue
			}
			for k := range f.Columns {
				if f.Columns[k].Name == name {
					return &f.Columns[k].Header
				}
			}
		}
	}
	t.Fatalf("gp-tpp patients has no column %s", name)
	return nil
}

// TestRuleFilesCountTheRowsTheyCheck: the rule files that count the source rows each rule
// looks at themselves (quality_counts, so that the nightly job need not de-duplicate tens of
// millions of checks) count what the de-duplicated checks count, rule by rule and provider
// by provider, on a generated community with every habit.
func TestRuleFilesCountTheRowsTheyCheck(t *testing.T) {
	c := newCommunity(t, 400, 7)
	ctx := context.Background()
	db, err := load.Open(ctx, c.cfg.Warehouse, load.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tt := range []struct {
		file     string
		rules    int
		minPairs int
	}{
		{"quality/30_dates.sql", 5, 20},
		{"quality/60_codes.sql", 4, 12},
	} {
		t.Run(tt.file, func(t *testing.T) {
			if err := sqlfiles.Exec(ctx, conn, tt.file); err != nil {
				t.Fatal(err)
			}
			rows, err := conn.QueryContext(ctx, `
				SELECT coalesce(c.rule_id, d.rule_id), coalesce(c._provider, d._provider), coalesce(c.checked, 0), coalesce(d.n, 0)
				FROM (FROM quality_counts WHERE checked > 0) c
				FULL JOIN (SELECT rule_id, _provider, count(*) AS n
				           FROM (SELECT DISTINCT rule_id, _provider, _file_id, _row_number FROM quality_check)
				           GROUP BY ALL) d USING (rule_id, _provider)
				ORDER BY 1, 2`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			pairs, rules := 0, map[string]bool{}
			for rows.Next() {
				var rule, provider string
				var counted, checked int64
				if err := rows.Scan(&rule, &provider, &counted, &checked); err != nil {
					t.Fatal(err)
				}
				pairs++
				rules[rule] = true
				if counted != checked {
					t.Errorf("%s %s: quality_counts says %d rows, the checks de-duplicated %d", rule, provider, counted, checked)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(rules) != tt.rules || pairs < tt.minPairs {
				t.Errorf("compared %d rule/provider pairs over rules %v: want all %d rules across the providers", pairs, rules, tt.rules)
			}
		})
	}
}
