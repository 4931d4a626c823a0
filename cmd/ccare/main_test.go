package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bnssg-connecting-care/ccare/pipelines"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot(&out, &errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestDemoPrintsWhereEverythingIs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	for i, want := range []string{"run 1 succeeded: 10 new file(s)", "run 2 succeeded: 0 new file(s), 10 already loaded"} {
		out, err := run(t, "demo", "--dir", dir, "--patients", "150", "--quiet")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{want, "warehouse: " + filepath.Join(dir, "warehouse", "ccare.duckdb"),
			"lake:      " + filepath.Join(dir, "lake", "current"), filepath.Join(dir, "reports", "summary.xlsx")} {
			if !strings.Contains(out, w) {
				t.Errorf("demo run %d output lacks %q:\n%s", i+1, w, out)
			}
		}
	}
	cfg := filepath.Join(dir, "ccare.yaml")
	if err := os.WriteFile(cfg, []byte("warehouse: warehouse/ccare.duckdb\nlake: lake\ninbox: inbox\nreports: reports\nproviders:\n  - {id: gp-emis, organisation: o, system: s, kind: gp, trust_rank: 1, feeds: [{name: patients, format: csv, pattern: 'x', cadence: nightly, entity: person, columns: {a: A}}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "sql", "--config", cfg, "--format", "csv", "SELECT count(*) AS people FROM core.person")
	if err != nil || !strings.HasPrefix(out, "people\n") {
		t.Errorf("sql: %q, %v", out, err)
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	var ue usageError
	if _, err := run(t, "run", "weekly"); !errors.As(err, &ue) {
		t.Errorf("run weekly: %v, want a usage error (exit 2)", err)
	}
	if _, err := run(t, "generate", "--dir", t.TempDir(), "--day", "01/11/2026"); !errors.As(err, &ue) {
		t.Errorf("bad --day: %v, want a usage error", err)
	}
	bad := filepath.Join(t.TempDir(), "ccare.yaml")
	_ = os.WriteFile(bad, []byte("warehouse: w\nlake: l\ninbox: i\nreports: r\nproviders:\n  - id: Bad_ID\n"), 0o644)
	var ce *pipelines.ConfigError
	if _, err := run(t, "run", "nightly", "--config", bad); !errors.As(err, &ce) || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("bad config: %v, want a configuration error naming line 6", err)
	}
}
