package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
	// The second run finds every file the first one loaded (as many as the systems built).
	files := regexp.MustCompile(`run 1 succeeded: ([1-9][0-9]*) new file\(s\), 0 already loaded, 0 rejected`)
	var second string
	for i := range 2 {
		out, err := run(t, "demo", "--dir", dir, "--patients", "150", "--quiet")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			m := files.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("demo run 1 output lacks %q:\n%s", files, out)
			}
			second = "run 2 succeeded: 0 new file(s), " + m[1] + " already loaded"
		} else if !strings.Contains(out, second) {
			t.Errorf("demo run 2 output lacks %q:\n%s", second, out)
		}
		for _, w := range []string{"warehouse: " + filepath.Join(dir, "warehouse", "ccare.duckdb"),
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
	// ccare runs lists the first run from the published copy (the second found nothing new
	// and left the copy as it was).
	out, err = run(t, "runs", "--config", cfg, "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "run_id,job,started,status,seconds,extract_s,transform_s,publish_s,files_new,") ||
		!regexp.MustCompile(`(?m)^1,nightly,[^,]+,succeeded,`).MatchString(out) {
		t.Errorf("runs: %q, %v", out, err)
	}

	// ccare status (no --config: ./demo, as a user's would). The demo's files were written
	// for 1 November, so by now every feed is late: it says so and exits 3.
	t.Chdir(filepath.Dir(dir))
	out, err = run(t, "status")
	var ae attentionError
	if !errors.As(err, &ae) || !regexp.MustCompile(`Needs attention \(1\):\n  - [0-9]+ feed\(s\) late: gp-emis/patients `).MatchString(out) ||
		!strings.Contains(out, "last run:   run 2, nightly, succeeded") || !strings.Contains(out, "published:  built by run 1 (nightly)") ||
		!regexp.MustCompile(`(?m)^gp-emis +patients +late [0-9]+ days [0-9]+h +EMIS_Patients_20261101\.csv +Sun 1 Nov 23:59 `).MatchString(out) {
		t.Errorf("status: %v\n%s", err, out)
	}
	out, _ = run(t, "status", "--format", "json")
	var st pipelines.StatusReport
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Feeds) == 0 || len(st.Attention) != 1 || st.Feeds[0].FilesLoaded != 1 || st.Feeds[0].State != "late" {
		t.Errorf("status --format json: %v\n%s", err, out)
	}

	// ccare report summary writes the run summary again from the published copy.
	reports := filepath.Join(t.TempDir(), "again")
	out, err = run(t, "report", "summary", "--dir", reports, "--quiet")
	if err != nil || out != filepath.Join(reports, "summary.html")+"\n"+filepath.Join(reports, "summary.xlsx")+"\n" {
		t.Fatalf("report summary: %q, %v", out, err)
	}
	page, err := os.ReadFile(filepath.Join(reports, "summary.html"))
	if err != nil || !strings.Contains(string(page), "Files and rows per system") {
		t.Errorf("summary.html: %v", err)
	}
	if st, err := os.Stat(filepath.Join(reports, "summary.xlsx")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("summary.xlsx: %v, mode %v (want 0644: a document, not a program)", err, st.Mode())
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
	if _, err := run(t, "run", "nightly", "--from", "2026-11-01"); !errors.As(err, &ue) || !strings.Contains(err.Error(), "--provider") {
		t.Errorf("--from without --provider: %v, want a usage error naming --provider", err)
	}
	if _, err := run(t, "run", "nightly", "--provider", "gp-emis", "--from", "1/11/2026"); !errors.As(err, &ue) {
		t.Errorf("bad --from: %v, want a usage error", err)
	}
	if _, err := run(t, "runs", "--limit", "0"); !errors.As(err, &ue) {
		t.Errorf("runs --limit 0: %v, want a usage error", err)
	}
	// cobra's own argument checks, which alone would exit 1 (a failed run)
	for _, args := range [][]string{{"show"}, {"sq"}, {"demo", "extra"}, {"sql", "a", "b"}, {"runs", "x"}, {"quarantine", "list", "x", "y"}} {
		if _, err := run(t, args...); !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
	if _, err := run(t, "sq"); err == nil || !strings.Contains(err.Error(), "did you mean sql?") {
		t.Errorf("sq: %v, want a suggestion of sql", err)
	}
	if out, err := run(t); err != nil || !strings.Contains(out, "Available Commands") {
		t.Errorf("ccare alone: %v, want the help and no error", err)
	}
	bad := filepath.Join(t.TempDir(), "ccare.yaml")
	_ = os.WriteFile(bad, []byte("warehouse: w\nlake: l\ninbox: i\nreports: r\nproviders:\n  - id: Bad_ID\n"), 0o644)
	var ce *pipelines.ConfigError
	if _, err := run(t, "run", "nightly", "--config", bad); !errors.As(err, &ce) || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("bad config: %v, want a configuration error naming line 6", err)
	}
}

// TestGenerateHourlyForTheHourlyJob: `ccare generate --hourly` drops the next day's hourly
// feeds as one file an hour beside the demo's first day, and `ccare run hourly` (the demo's
// configuration under ./demo) lands them. Hours with nothing to send have the same bytes,
// which the ledger lands once.
func TestGenerateHourlyForTheHourlyJob(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := run(t, "demo", "--patients", "200", "--quiet"); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "generate", "--dir", "demo", "--patients", "200", "--day", "2026-11-02", "--hourly", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, " records in 72 files") {
		t.Errorf("generate --hourly printed %q; want 72 files: 24 for each of the three hourly feeds", out)
	}
	hours, _ := filepath.Glob(filepath.Join("demo", "inbox", "*", "*", "*_20261102T??00.*"))
	days, _ := filepath.Glob(filepath.Join("demo", "inbox", "*", "*", "*_20261102.*"))
	if len(hours) != 72 || len(days) != 0 {
		t.Errorf("%d hourly files and %d day files of 2 November; want 72 and none", len(hours), len(days))
	}
	out, err = run(t, "run", "hourly", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`run 2 succeeded: ([0-9]+) new file\(s\), ([0-9]+) already loaded, 0 rejected`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("run hourly printed %q", out)
	}
	landed, _ := strconv.Atoi(m[1])
	skipped, _ := strconv.Atoi(m[2])
	// Skipped: the first day's three hourly files, and the empty hours after the first.
	if landed < 24 || landed+skipped != 72+3 {
		t.Errorf("run hourly: %d new, %d already loaded; want every one of the 72 files landed or known by its bytes", landed, skipped)
	}
}
