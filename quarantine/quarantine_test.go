package quarantine_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/quarantine"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

var update = flag.Bool("update", false, "rewrite golden files")

// warehouse builds a small warehouse from testdata/warehouse.sql (see its comment), with
// the real schema and rule catalogue, and opens it read-only as the commands do.
func warehouse(t *testing.T) *sql.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ccare.duckdb")
	db, err := load.Open(ctx, path, load.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "warehouse.sql"))
	if err != nil {
		t.Fatal(err)
	}
	// The rule catalogue, as the rule files declare it (their checks need a transform's staging).
	if err := sqlfiles.ExecDir(ctx, db, "quality", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(fixture)); err != nil {
		t.Fatalf("testdata/warehouse.sql: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	golden = filepath.Join("testdata", golden)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./quarantine -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestListGolden(t *testing.T) {
	db := warehouse(t)
	for _, tt := range []struct {
		name   string
		filter quarantine.Filter
		width  int // table only
	}{
		{name: "all", filter: quarantine.Filter{}},
		{name: "all-terminal", filter: quarantine.Filter{}, width: 100},
		{name: "emis-two-rules-limit-2", filter: quarantine.Filter{Providers: []string{"gp-emis"}, Rules: []string{"EXT-002", "DAT-002"}, Limit: 2}},
		{name: "providers-stage", filter: quarantine.Filter{Providers: []string{"gp-emis", "bcc-social"}, Stage: "staging"}},
		{name: "feed-file", filter: quarantine.Filter{Feed: "packages", File: "BCC_ASC_Extract_20261101.xlsx"}},
		{name: "none", filter: quarantine.Filter{Providers: []string{"nbt-cdw"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, err := quarantine.List(context.Background(), db, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var table, csv, js bytes.Buffer
			if err := l.Table(&table, tt.width); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "list-"+tt.name+".table", table.String())
			if tt.width > 0 {
				for _, line := range strings.Split(table.String(), "\n") {
					if n := len([]rune(line)); n > tt.width {
						t.Errorf("%d characters, wider than %d: %s", n, tt.width, line)
					}
				}
				return
			}
			if err := l.CSV(&csv); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "list-"+tt.name+".csv", csv.String())
			if err := l.JSON(&js); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "list-"+tt.name+".json", js.String())
		})
	}
}

func TestListRefusesUnknownValues(t *testing.T) {
	db := warehouse(t)
	for _, tt := range []struct {
		name   string
		filter quarantine.Filter
		want   string
	}{
		{"provider", quarantine.Filter{Providers: []string{"gp-emis", "gp-emsi"}},
			`--provider "gp-emsi": not a provider in the warehouse; valid: bcc-social, gp-emis, nbt-cdw`},
		{"rule", quarantine.Filter{Rules: []string{"dat-002"}},
			`--rule "dat-002": not a rule in the warehouse; valid: DAT-001, DAT-002, DAT-003, DAT-004, EXT-001, EXT-002, ICD-001, NHS-001, NHS-002, NHS-003, ODS-001, PLA-001, RD2-001, REF-001, REL-001, REQ-001, REQ-002, SCH-001, SCH-002, SNO-001, UNQ-001, WDR-001`},
		{"stage", quarantine.Filter{Stage: "core"}, `--stage "core": not a stage; valid: extract, staging`},
		{"limit", quarantine.Filter{Limit: -1}, `--limit -1: want 0 (all) or more`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := quarantine.List(context.Background(), db, tt.filter)
			var ue *quarantine.UsageError
			if !errors.As(err, &ue) || err.Error() != tt.want {
				t.Errorf("got %v, want the usage error %q", err, tt.want)
			}
		})
	}
}

func TestShowGolden(t *testing.T) {
	db := warehouse(t)
	for _, tt := range []struct{ name, ref string }{
		{"two-rules-staging", "EMIS_Patients_20261101.csv:9"},
		{"extract-odd-characters", "gp-emis/patients/EMIS_Patients_20261101.csv:5"},
		{"resent-file", "EMIS_Problems_20261101.csv:12"},
		{"nothing-read", "bcc-social/clients/BCC_ASC_Extract_20261101.xlsx:4"},
		{"record-not-kept", "bcc-social/packages/BCC_ASC_Extract_20261101.xlsx:4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := quarantine.ParseRef(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			d, err := quarantine.Show(context.Background(), db, ref)
			if err != nil {
				t.Fatal(err)
			}
			var text, js bytes.Buffer
			if err := d.Text(&text); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "show-"+tt.name+".txt", text.String())
			if err := d.JSON(&js); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "show-"+tt.name+".json", js.String())
		})
	}
}

func TestShowMisses(t *testing.T) {
	db := warehouse(t)
	for _, tt := range []struct {
		name, ref string
		usage     bool // exit 2 rather than 1
		want      string
	}{
		{"file in two feeds", "BCC_ASC_Extract_20261101.xlsx:4", true,
			"BCC_ASC_Extract_20261101.xlsx:4 is quarantined in 2 feeds (bcc-social/clients, bcc-social/packages): say which, e.g. bcc-social/clients/BCC_ASC_Extract_20261101.xlsx:4"},
		{"nearest lines", "EMIS_Patients_20261101.csv:7", false,
			"no quarantined row at EMIS_Patients_20261101.csv:7\nnearest quarantined lines in gp-emis/patients/EMIS_Patients_20261101.csv: 5, 9"},
		{"nearest lines of each feed", "BCC_ASC_Extract_20261101.xlsx:100", false,
			"no quarantined row at BCC_ASC_Extract_20261101.xlsx:100\nnearest quarantined lines in bcc-social/clients/BCC_ASC_Extract_20261101.xlsx: 4\nnearest quarantined lines in bcc-social/packages/BCC_ASC_Extract_20261101.xlsx: 4, 7"},
		{"wrong feed", "gp-emis/problems/EMIS_Patients_20261101.csv:5", false,
			"no quarantined row at gp-emis/problems/EMIS_Patients_20261101.csv:5\nno file named EMIS_Patients_20261101.csv has been received in gp-emis/problems (see ops.file_ledger)"},
		{"file without quarantine", "CDW_nightly_20261101.sql:3", false,
			"no quarantined row at CDW_nightly_20261101.sql:3\nnbt-cdw/allergies/CDW_nightly_20261101.sql has no quarantined rows"},
		{"unknown file", "EMIS_Patients_20251101.csv:5", false,
			"no quarantined row at EMIS_Patients_20251101.csv:5\nno file named EMIS_Patients_20251101.csv has been received (see ops.file_ledger)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := quarantine.ParseRef(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			_, err = quarantine.Show(context.Background(), db, ref)
			var ue *quarantine.UsageError
			if err == nil || err.Error() != tt.want || errors.As(err, &ue) != tt.usage {
				t.Errorf("got %v (usage error: %v), want %q (usage error: %v)", err, errors.As(err, &ue), tt.want, tt.usage)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want quarantine.Ref
		err  string
	}{
		{in: "EMIS_Patients_20261101.csv:123", want: quarantine.Ref{File: "EMIS_Patients_20261101.csv", Line: 123}},
		{in: "gp-emis/patients/EMIS_Patients_20261101.csv:1", want: quarantine.Ref{Provider: "gp-emis", Feed: "patients", File: "EMIS_Patients_20261101.csv", Line: 1}},
		{in: "odd:name.csv:7", want: quarantine.Ref{File: "odd:name.csv", Line: 7}},
		{in: "name with spaces.csv:7", want: quarantine.Ref{File: "name with spaces.csv", Line: 7}},
		{in: "EMIS_Patients_20261101.csv", err: `"EMIS_Patients_20261101.csv": want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE`},
		{in: "EMIS_Patients_20261101.csv:", err: `"EMIS_Patients_20261101.csv:": "" is not a line number (want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE)`},
		{in: "EMIS_Patients_20261101.csv:0", err: `"EMIS_Patients_20261101.csv:0": "0" is not a line number (want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE)`},
		{in: "EMIS_Patients_20261101.csv:12a", err: `"EMIS_Patients_20261101.csv:12a": "12a" is not a line number (want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE)`},
		{in: ":12", err: `":12": empty name (want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE)`},
		{in: "gp-emis//EMIS.csv:12", err: `"gp-emis//EMIS.csv:12": empty name (want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE)`},
		{in: "gp-emis/EMIS.csv:12", err: `"gp-emis/EMIS.csv:12": want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE (a file's name, not its path)`},
		{in: "demo/inbox/gp-emis/patients/EMIS.csv:12", err: `"demo/inbox/gp-emis/patients/EMIS.csv:12": want FILE_NAME:LINE or PROVIDER/FEED/FILE_NAME:LINE (a file's name, not its path)`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := quarantine.ParseRef(tt.in)
			if tt.err != "" {
				var ue *quarantine.UsageError
				if !errors.As(err, &ue) || err.Error() != tt.err {
					t.Errorf("ParseRef(%q) = %+v, %v; want the usage error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("Ref.String() = %q, want %q back", got.String(), tt.in)
			}
		})
	}
}

func TestVisible(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"plain", "Essential hypertension", "Essential hypertension"},
		{"accents and symbols", "Zoë O'Brien — 5µg", "Zoë O'Brien — 5µg"},
		{"empty", "", ""},
		{"tab", "Zoë\tAnn", `"Zoë\tAnn"`},
		{"newline", "first\nsecond", `"first\nsecond"`},
		{"no-break space", "999 000 0001\u00a0", `"999 000 0001\u00a0"`},
		{"zero-width space", "\u200bG20..", `"\u200bG20.."`},
		{"leading space", " Ann", `" Ann"`},
		{"trailing space", "Ann ", `"Ann "`},
		{"replacement character", "caf\ufffd", `"caf\ufffd"`},
		{"invalid UTF-8", "caf\xe9", `"caf\xe9"`},
		{"byte order mark", "\ufeffPatientGuid", `"\ufeffPatientGuid"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := quarantine.Visible(tt.in); got != tt.want {
				t.Errorf("Visible(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
