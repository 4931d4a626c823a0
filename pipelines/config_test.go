package pipelines

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/reports"
)

func TestDemoConfigIsValid(t *testing.T) {
	cfg, err := DemoConfig("demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Providers) != 10 {
		t.Errorf("demo configuration describes %d systems, want the community's 10", len(cfg.Providers))
	}
	if cfg.Warehouse != filepath.Join("demo", "warehouse", "ccare.duckdb") {
		t.Errorf("warehouse = %q, want it under the demo directory", cfg.Warehouse)
	}
}

const goodConfig = `warehouse: w.duckdb
lake: lake
inbox: inbox
reports: reports
providers:
  - id: gp-emis
    organisation: GP practices
    system: GP clinical system
    kind: gp
    trust_rank: 1
    feeds:
      - name: patients
        format: csv
        pattern: "EMIS_Patients_*.csv"
        cadence: nightly
        entity: person
        columns:
          patient_guid: PatientGuid
          nhs_number: NHSNumber
`

func TestConfigErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		wantLine string
		wantText string
	}{
		{"unknown format", "format: csv", "format: xslx", "line 13:", `providers[0].feeds[0].format: unknown format "xslx"`},
		{"misspelt key", "cadence: nightly", "cadance: nightly", "line 15:", "unknown field \"cadance\""},
		{"bad kind", "kind: gp", "kind: surgery", "line 9:", `providers[0].kind: "surgery" is not one of`},
		{"unknown option", "format: csv", "format: csv\n        options: {delimter: \"|\"}", "line 14:", "providers[0].feeds[0].options: unknown field \"delimter\""},
		{"bad delimiter type", "format: csv", "format: csv\n        options: {quoting: maybe}", "line 14:", "options: cannot unmarshal"},
		{"empty header", "nhs_number: NHSNumber", "nhs_number: \"\"", "line 19:", "columns.nhs_number: needs the header"},
		{"duplicate provider", "providers:\n", "providers:\n  - {id: gp-emis, organisation: o, system: s, kind: gp, trust_rank: 1, feeds: [{name: p, format: xlsx, pattern: '*.xlsx', cadence: nightly, entity: person}]}\n", "line 7:", `providers[1].id: "gp-emis" is declared twice`},
		{"syntax", "trust_rank: 1", "trust_rank: [1", "line 1", "must be specified"},
		{"bad rank", "trust_rank: 1", "trust_rank: 0", "line 10:", "trust_rank: must be 1"},
		{"bad entity", "entity: person", "entity: people", "line 16:", `entity: "people" is not one of`},
		{"bad delivery", "entity: person", "entity: person\n        delivery: full", "line 17:", `delivery: "full" is not one of changes, whole`},
		{"whole hourly", "cadence: nightly\n        entity: person", "cadence: hourly\n        entity: person\n        delivery: whole", "line 17:", "cadence must be nightly"},
		{"guard without whole", "entity: person", "entity: person\n        shrink_guard: 0.5", "line 17:", "applies only to a feed with delivery: whole"},
		// go-yaml v1.19.2 panics on a tagged scalar where a list goes (goccy/go-yaml#735).
		{"tagged list", "entity: person", "entity: person\n        row_key: !!str patient_guid", "line 17:", "row_key: YAML tags such as !!str are not read in this file"},
		{"guard out of range", "entity: person", "entity: person\n        delivery: whole\n        shrink_guard: 50", "line 18:", "shrink_guard: 50 must be between 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(goodConfig, tt.old, tt.new, 1)
			if text == goodConfig {
				t.Fatalf("test case did not change the configuration")
			}
			_, err := ParseConfig("ccare.yaml", []byte(text), ".")
			if err == nil {
				t.Fatalf("no error for\n%s", text)
			}
			msg := err.Error()
			if !strings.Contains(msg, "ccare.yaml "+tt.wantLine) || !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q\nwant it to name %q and say %q", msg, tt.wantLine, tt.wantText)
			}
		})
	}
}

func TestGoodConfigParses(t *testing.T) {
	cfg, err := ParseConfig("ccare.yaml", []byte(goodConfig), "/srv/ccare")
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Providers[0].Feeds[0]
	if f.Line != 12 || len(f.Columns) != 2 || f.Columns[1].Header != "NHSNumber" || cfg.Lake != "/srv/ccare/lake" {
		t.Errorf("parsed %+v / %+v", f, cfg)
	}
}

func TestDeliveryConfig(t *testing.T) {
	for _, tt := range []struct {
		lines     string
		whole     bool
		wantGuard float64
	}{
		{"", false, defaultShrinkGuard},
		{"\n        delivery: changes", false, defaultShrinkGuard},
		{"\n        delivery: whole", true, defaultShrinkGuard},
		{"\n        delivery: whole\n        shrink_guard: 0", true, 0},
		{"\n        delivery: whole\n        shrink_guard: 0.9", true, 0.9},
	} {
		text := strings.Replace(goodConfig, "entity: person", "entity: person"+tt.lines, 1)
		cfg, err := ParseConfig("ccare.yaml", []byte(text), ".")
		if err != nil {
			t.Fatalf("%q: %v", tt.lines, err)
		}
		if f := cfg.Providers[0].Feeds[0]; f.Whole != tt.whole || f.ShrinkGuard != tt.wantGuard {
			t.Errorf("%q: whole %v, guard %v; want %v, %v", tt.lines, f.Whole, f.ShrinkGuard, tt.whole, tt.wantGuard)
		}
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("err = %v, want not-exist", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// FuzzParseConfig: any text either parses into a valid configuration or fails with an
// error naming the configuration; it never panics.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add(demoConfig)
	f.Add([]byte("providers: [{id: x, feeds: [{name: a, format: csv, columns: {a: A}}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("fuzz.yaml", data, ".")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(cfg.Providers) == 0 {
			t.Fatal("a configuration with no providers was accepted")
		}
	})
}

func TestLinkageConfig(t *testing.T) {
	cfg, err := ParseConfig("ccare.yaml", []byte(goodConfig), ".")
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Linkage; l.LinkThreshold != 0.99 || l.ReviewThreshold != 0.5 || l.MaxBlock != 200 || l.EM == nil || !*l.EM {
		t.Errorf("defaults: %+v", l)
	}
	set := "linkage:\n  link_threshold: 0.995\n  review_threshold: 0.8\n  em: false\n  max_block: 50\n  m: {birth: {2: 0.01}}\n  u: {family: {3: 0.002}}\nproviders:\n"
	cfg, err = ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", set, 1)), ".")
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Linkage; l.LinkThreshold != 0.995 || l.ReviewThreshold != 0.8 || *l.EM || l.MaxBlock != 50 ||
		l.M["birth"][2] != 0.01 || l.U["family"][3] != 0.002 {
		t.Errorf("set: %+v", l)
	}
	for _, tt := range []struct{ linkage, want string }{
		{"linkage:\n  link_threshold: 1.5\n", "linkage.link_threshold: must be a probability"},
		{"linkage:\n  review_threshold: 0.999\n", "linkage.review_threshold: must be above 0 and not above"},
		{"linkage:\n  m: {surname: {3: 0.9}}\n", `linkage.m: "surname" is not a comparison`},
		{"linkage:\n  m: {birth: {7: 0.9}}\n", "linkage.m.birth: level 7 is not one of [3 2 1 0]"},
		{"linkage:\n  u: {sex: {1: 0}}\n", "linkage.u.sex: level 1: 0 is not a probability"},
		{"linkage:\n  max_blok: 9\n", `unknown field "max_blok"`},
	} {
		_, err := ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", tt.linkage+"providers:\n", 1)), ".")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.linkage, err, tt.want)
		}
	}
}

func TestScheduleConfig(t *testing.T) {
	cfg, err := ParseConfig("ccare.yaml", []byte(goodConfig), ".")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Schedule
	if s.Listen != "127.0.0.1:8787" || s.Retries != 3 || s.RetryBackoff != time.Minute || len(s.Jobs) != 3 ||
		s.Jobs[0].Name != "hourly" || s.Jobs[1].Spec.What != "every day at 02:30" || s.Jobs[2].Spec.What != "every Monday at 06:00" {
		t.Errorf("defaults: %+v", s)
	}
	set := "schedule:\n  listen: :9000\n  retries: 5\n  retry_backoff: 30s\n  jobs:\n    hourly: \"off\"\n    board_pack: \"off\"\n    nightly: \"0 1 * * 1-5\"\nproviders:\n"
	cfg, err = ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", set, 1)), ".")
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Schedule; s.Listen != ":9000" || s.Retries != 5 || s.RetryBackoff != 30*time.Second || len(s.Jobs) != 1 ||
		s.Jobs[0].Spec.What != "every Monday, Tuesday, Wednesday, Thursday, Friday at 01:00" {
		t.Errorf("set: %+v", s)
	}
	if s := cfg.Schedule; s.Settle != 2*time.Minute || s.Webhook != "" {
		t.Errorf("settle and webhook defaults: %+v", s)
	}
	f := cfg.Providers[0].Feeds[0]
	if f.Due.What != "every day at 02:00" || f.Grace != time.Hour {
		t.Errorf("a nightly feed's due time by default: %q grace %s", f.Due.What, f.Grace)
	}
	for _, tt := range []struct{ old, new, want string }{
		{"cadence: nightly", "cadence: nightly\n        due: \"0 1 * * *\"\n        grace: 15m", ""},
		{"cadence: nightly", "cadence: nightly\n        due: \"0 25 * * *\"", "line 16: providers[0].feeds[0].due: schedule \"0 25 * * *\""},
		{"cadence: nightly", "cadence: nightly\n        grace: -5m", "line 16: providers[0].feeds[0].grace: \"-5m\" must be a duration"},
	} {
		cfg, err := ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, tt.old, tt.new, 1)), ".")
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.new, err)
		case tt.want == "" && (cfg.Providers[0].Feeds[0].Due.What != "every day at 01:00" || cfg.Providers[0].Feeds[0].Grace != 15*time.Minute):
			t.Errorf("%q: due %q grace %s", tt.new, cfg.Providers[0].Feeds[0].Due.What, cfg.Providers[0].Feeds[0].Grace)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want %q", tt.new, err, tt.want)
		}
	}
	for _, tt := range []struct{ schedule, want string }{
		{"schedule:\n  jobs:\n    weekly: \"0 6 * * 1\"\n", `line 7: schedule.jobs: "weekly" is not a job`},
		{"schedule:\n  jobs:\n    nightly: \"30 25 * * *\"\n", "schedule.jobs.nightly: schedule \"30 25 * * *\": minute 0–59 and hour 0–23"},
		{"schedule:\n  retries: 50\n", "schedule.retries: must be 0 to 10"},
		{"schedule:\n  retry_backoff: soon\n", "schedule.retry_backoff: must be a duration"},
		{"schedule:\n  settle: a while\n", "schedule.settle: must be a duration"},
		{"schedule:\n  webhook: hooks.example/late\n", "schedule.webhook: must be an http(s) URL"},
	} {
		_, err := ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", tt.schedule+"providers:\n", 1)), ".")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.schedule, err, tt.want)
		}
	}
}

func TestDisclosureConfig(t *testing.T) {
	cfg, err := ParseConfig("ccare.yaml", []byte(goodConfig), ".")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Disclosure != reports.DefaultDisclosure {
		t.Errorf("default disclosure %+v, want %+v", cfg.Disclosure, reports.DefaultDisclosure)
	}
	set := "disclosure:\n  suppress_below: 11\n  round_to: 10\nproviders:\n"
	cfg, err = ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", set, 1)), ".")
	if err != nil {
		t.Fatal(err)
	}
	if d := cfg.Disclosure; d.SuppressBelow != 11 || d.RoundTo != 10 || d.Count(10).Shown != "<11" || d.Count(14).Shown != "10" || d.Count(15).Shown != "20" {
		t.Errorf("set: %+v", d)
	}
	for _, tt := range []struct{ section, want string }{
		{"disclosure:\n  round_to: 0\n", "line 6: disclosure.round_to: must be 1 (no rounding) or more"},
		{"disclosure:\n  suppress_below: -1\n", "disclosure.suppress_below: must be 0 (suppress nothing) or more"},
		{"disclosure:\n  round: 5\n", `unknown field "round"`},
	} {
		_, err := ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", tt.section+"providers:\n", 1)), ".")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.section, err, tt.want)
		}
	}
}

func TestBenefitsConfig(t *testing.T) {
	cfg, err := ParseConfig("ccare.yaml", []byte(goodConfig), "/srv/ccare")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Benefits != "" {
		t.Errorf("default benefits %q, want the embedded file (\"\")", cfg.Benefits)
	}
	cfg, err = ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", "benefits: board/benefits.yaml\nproviders:\n", 1)), "/srv/ccare")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("/srv/ccare", "board", "benefits.yaml"); cfg.Benefits != want {
		t.Errorf("benefits %q, want %q (relative to the configuration)", cfg.Benefits, want)
	}
}

func TestDuckDBConfig(t *testing.T) {
	for _, tt := range []struct {
		section string
		want    load.Settings
		err     string
	}{
		{"", load.Settings{}, ""},
		{"duckdb:\n  threads: 2\n  memory_limit: 3GB\n", load.Settings{Threads: 2, MemoryLimit: "3GB"}, ""},
		{"duckdb:\n  block_allocator_memory: 1GB\n", load.Settings{BlockAllocatorMemory: "1GB"}, ""},
		{"duckdb:\n  block_allocator_memory: \"0\"\n", load.Settings{BlockAllocatorMemory: "0"}, ""},
		{"duckdb:\n  block_allocator_memory: most\n", load.Settings{}, `line 6: duckdb.block_allocator_memory: "most" is not a size`},
		{"duckdb:\n  threads: -1\n", load.Settings{}, "duckdb.threads: must be 0 (one per core) or more"},
	} {
		cfg, err := ParseConfig("ccare.yaml", []byte(strings.Replace(goodConfig, "providers:\n", tt.section+"providers:\n", 1)), ".")
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.section, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.section, err)
		case tt.err == "" && cfg.DuckDB.Settings() != tt.want:
			t.Errorf("%q: settings %+v, want %+v", tt.section, cfg.DuckDB.Settings(), tt.want)
		}
	}
}
