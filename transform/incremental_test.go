package transform

import (
	"regexp"
	"strings"
	"testing"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

func TestNarrowRaw(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SELECT * FROM raw.gp_emis_patients;", "SELECT * FROM (SELECT * FROM raw.gp_emis_patients WHERE _batch_id = 7);"},
		{`FROM raw."nbt_pas_adt" AS r`, `FROM (SELECT * FROM raw."nbt_pas_adt" WHERE _batch_id = 7) AS r`},
		{"SELECT * FROM raw.a\nUNION ALL BY NAME\nSELECT * FROM raw.a_live", "SELECT * FROM (SELECT * FROM raw.a WHERE _batch_id = 7)\nUNION ALL BY NAME\nSELECT * FROM (SELECT * FROM raw.a_live WHERE _batch_id = 7)"},
		{"FROM staging.raw_values", "FROM staging.raw_values"},
		{"SELECT draw.x FROM t", "SELECT draw.x FROM t"},
	} {
		if got := (scope{batch: 7}).narrow(tt.in); got != tt.want {
			t.Errorf("narrow(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := (scope{}).narrow("FROM raw.x"); got != "FROM raw.x" {
		t.Errorf("an empty scope changed the text: %q", got)
	}
	// A full transform: whole feeds' tables read from their current extract on.
	current := scope{from: map[string]int64{"gp_emis_patients": 12, "bcc_social_clients": 30}}
	for _, tt := range []struct{ in, want string }{
		{"SELECT * FROM raw.gp_emis_patients;", "SELECT * FROM (SELECT * FROM raw.gp_emis_patients WHERE _file_id >= 12);"},
		{`FROM raw."bcc_social_clients" AS r`, `FROM (SELECT * FROM raw."bcc_social_clients" WHERE _file_id >= 30) AS r`},
		{"FROM raw.nbt_pas_adt", "FROM raw.nbt_pas_adt"},
		{"FROM raw.gp_emis_patients_extra", "FROM raw.gp_emis_patients_extra"},
	} {
		if got := current.narrow(tt.in); got != tt.want {
			t.Errorf("narrow(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestStagingReadsRawPlainly: the hourly job narrows staging SQL and the rule templates to its
// batch by swapping each raw table for a subquery (scope.narrow), which is only sound where a
// raw table is read as FROM raw.<table>: not aliased without AS, not joined, and never
// qualifying a column.
func TestStagingReadsRawPlainly(t *testing.T) {
	plain := regexp.MustCompile(`^(SELECT \* )?FROM raw\.("[a-z0-9_]+"|[a-z0-9_]+)( AS [a-z]+)?\s*;?$`)
	var files []string
	for _, p := range []string{"bcc-social", "gp-emis", "gp-tpp", "nbt-cdw", "nbt-pas", "ooh-adastra",
		"ooh-dental", "sglos-social", "uhbw-ed", "uhbw-epr"} {
		more, err := sqlfiles.Dir("staging/" + p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	files = append(files, "templates/quality_duplicates.sql", "templates/quarantine_record.sql")
	checked := 0
	for _, name := range files {
		text, err := sqlfiles.File(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(text, "\n") {
			code, _, _ := strings.Cut(line, "--")
			code = strings.ReplaceAll(code, "{{ident .Table}}", "x")
			if !rawReference.MatchString(code) {
				continue
			}
			checked++
			if !plain.MatchString(strings.TrimSpace(code)) {
				t.Errorf("%s line %d reads a raw table other than as FROM raw.<table>: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d raw references found: the check looks at the wrong files", checked)
	}
}

// TestBatchTextDropsTheFullBuildTuning: a batch's core SQL goes to a temporary table and runs
// without the statements marked for a full build only (the join order and one thread that fit
// a full build into a small memory limit), and keeps the rest.
func TestBatchTextDropsTheFullBuildTuning(t *testing.T) {
	full, err := sqlfiles.File("core/30_person.sql")
	if err != nil {
		t.Fatal(err)
	}
	text, err := batchText("core/30_person.sql", "core.person", "incremental_person")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"SET disabled_optimizers = 'join_order,build_side_probe_side';", "SET threads = 1;"} {
		if !strings.Contains(full, stmt+" "+fullBuildOnly) {
			t.Errorf("core/30_person.sql no longer marks %q %q", stmt, fullBuildOnly)
		}
		if strings.Contains(text, stmt) {
			t.Errorf("the batch's text still has %q", stmt)
		}
	}
	for _, stmt := range []string{"RESET disabled_optimizers;", "SET threads = getvariable('ccare_threads');"} {
		if !strings.Contains(text, stmt) {
			t.Errorf("the batch's text lost %q", stmt)
		}
	}
	if !strings.Contains(text, "CREATE OR REPLACE TEMP TABLE incremental_person AS") || strings.Contains(text, "TABLE core.person AS") {
		t.Errorf("the batch's text does not build incremental_person instead of core.person")
	}
	if _, err := batchText("core/30_person.sql", "core.condition", "x"); err == nil {
		t.Errorf("a file that does not build the target was redirected")
	}
}
