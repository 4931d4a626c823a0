package pipelines

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
