package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// TestQuarantineCommandsAgainstTheWarehouse generates a small community, runs the nightly
// job on it, and checks what `ccare quarantine list` and `show` print against
// quality.quarantine, the raw tables and the files as sent.
func TestQuarantineCommandsAgainstTheWarehouse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	if _, err := synth.Generate(ctx, synth.Options{Dir: demo, Patients: 200, Seed: 1,
		Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(demo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // with no --config, the commands read ./demo's warehouse, as a user's would
	db, err := load.OpenReadOnly(ctx, cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// What the warehouse holds, in the order the commands sort by.
	var all [][]string
	rows, err := db.Query(`SELECT stage, rule_id, reason, provider, feed, file_sha256, file_name,
		row_number::VARCHAR, line::VARCHAR, batch_id::VARCHAR, record::VARCHAR
		FROM quality.quarantine ORDER BY provider, feed, file_name, line, rule_id, reason, file_sha256`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		r := make([]string, 11)
		var record sql.NullString
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9], &record); err != nil {
			t.Fatal(err)
		}
		r[10] = record.String
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(all) < 10 {
		t.Fatalf("only %d quarantined rows: the test would prove little (pick another seed)", len(all))
	}

	t.Run("csv lists every column of every row", func(t *testing.T) {
		out, err := run(t, "quarantine", "list", "--limit", "0", "--format", "csv")
		if err != nil {
			t.Fatal(err)
		}
		got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := "stage,rule_id,reason,provider,feed,file_sha256,file_name,row_number,line,batch_id,record"; strings.Join(got[0], ",") != want {
			t.Errorf("csv header %q, want %q", got[0], want)
		}
		if len(got)-1 != len(all) {
			t.Fatalf("csv has %d rows, quality.quarantine %d", len(got)-1, len(all))
		}
		for i, w := range all {
			if strings.Join(got[i+1], "\x00") != strings.Join(w, "\x00") {
				t.Errorf("csv row %d:\n got %q\nwant %q", i+1, got[i+1], w)
			}
		}
	})

	t.Run("json lists the same rows, records as objects", func(t *testing.T) {
		out, err := run(t, "quarantine", "list", "--limit", "0", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var got []struct {
			RuleID   string          `json:"rule_id"`
			FileName string          `json:"file_name"`
			Line     int64           `json:"line"`
			Record   json.RawMessage `json:"record"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if len(got) != len(all) {
			t.Fatalf("json has %d rows, quality.quarantine %d", len(got), len(all))
		}
		for i, w := range all {
			if g := got[i]; g.RuleID != w[1] || g.FileName != w[6] || strconv.FormatInt(g.Line, 10) != w[8] ||
				(w[10] != "" && !strings.HasPrefix(string(g.Record), "{")) {
				t.Errorf("json row %d: %+v, want %q", i, g, w)
			}
		}
	})

	t.Run("table: the first rows, the count shown and the tally by rule", func(t *testing.T) {
		out, err := run(t, "quarantine", "list", "--limit", "5")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 1+5+1+2 {
			t.Fatalf("want a header, 5 rows, a blank line and a 2-line footer:\n%s", out)
		}
		if !regexp.MustCompile(`^provider +feed +file +line +rule +reason$`).MatchString(lines[0]) {
			t.Errorf("header %q", lines[0])
		}
		for i, w := range all[:5] {
			if f := strings.Fields(lines[1+i]); len(f) < 6 || f[0] != w[3] || f[1] != w[4] || f[2] != w[6] || f[3] != w[8] || f[4] != w[1] ||
				!strings.HasSuffix(lines[1+i], "  "+w[2]) {
				t.Errorf("row %d: %q, want %q", i+1, lines[1+i], w)
			}
		}
		if want := fmt.Sprintf("5 of %d quarantined rows shown (--limit 0 shows all)", len(all)); lines[7] != want {
			t.Errorf("footer %q, want %q", lines[7], want)
		}
		var tally []string
		trows, err := db.Query("SELECT rule_id || ' ' || count(*) FROM quality.quarantine GROUP BY rule_id ORDER BY rule_id")
		if err != nil {
			t.Fatal(err)
		}
		for trows.Next() {
			var s string
			_ = trows.Scan(&s)
			tally = append(tally, s)
		}
		if want := strings.Join(tally, " · "); lines[8] != want {
			t.Errorf("tally %q, want %q", lines[8], want)
		}
	})

	t.Run("filters", func(t *testing.T) {
		provider, rule := all[0][3], all[0][1]
		out, err := run(t, "quarantine", "list", "--provider", provider, "--rule", rule, "--stage", all[0][0], "--format", "csv", "-n", "0")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		want := 0
		for _, w := range all {
			if w[3] == provider && w[1] == rule && w[0] == all[0][0] {
				want++
			}
		}
		if len(got)-1 != want || want == 0 {
			t.Errorf("--provider %s --rule %s: %d rows, want %d", provider, rule, len(got)-1, want)
		}
		for _, g := range got[1:] {
			if g[3] != provider || g[1] != rule {
				t.Errorf("--provider %s --rule %s lists %q", provider, rule, g)
			}
		}
	})

	t.Run("unknown values are usage errors listing the valid ones", func(t *testing.T) {
		for _, tt := range []struct{ args, want []string }{
			{[]string{"--provider", "gp-emsi"}, []string{`--provider "gp-emsi"`, "gp-emis, gp-tpp, nbt-cdw"}},
			{[]string{"--rule", "DAT-099"}, []string{`--rule "DAT-099"`, "DAT-001, DAT-002, DAT-003"}},
			{[]string{"--stage", "core"}, []string{`--stage "core"`, "extract, staging"}},
			{[]string{"--format", "xml"}, []string{`--format "xml"`}},
		} {
			_, err := run(t, append([]string{"quarantine", "list"}, tt.args...)...)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Errorf("%q: %v, want a usage error (exit 2)", tt.args, err)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q: %q lacks %q", tt.args, err, w)
				}
			}
		}
	})

	t.Run("show prints an unreadable row field by field in the file's order", func(t *testing.T) {
		// A gp-emis row cut short: what was read of it is kept by header name.
		var w []string
		for _, r := range all {
			if r[3] == "gp-emis" && r[1] == "EXT-001" {
				w = r
				break
			}
		}
		if w == nil {
			t.Fatal("no gp-emis EXT-001 row in this community (pick another seed)")
		}
		out, err := run(t, "quarantine", "show", w[6]+":"+w[8])
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{w[6] + " line " + w[8], "provider  gp-emis", "feed      " + w[4],
			"sha256    " + w[5][:12] + "…", "EXT-001  error · conformance · extract stage", "reason: " + w[2]} {
			if !strings.Contains(out, want) {
				t.Errorf("show lacks %q:\n%s", want, out)
			}
		}
		f, err := os.Open(filepath.Join(demo, "inbox", "gp-emis", w[4], w[6]))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		header, err := csv.NewReader(f).Read()
		if err != nil {
			t.Fatal(err)
		}
		_, fields, _ := strings.Cut(out, "\nrecord (")
		var names []string
		for _, l := range strings.Split(fields, "\n")[1:] {
			if name, _, ok := strings.Cut(strings.TrimPrefix(l, "  "), ":"); ok {
				names = append(names, name)
			}
		}
		if len(names) == 0 || len(names) >= len(header) || strings.Join(names, ",") != strings.Join(header[:len(names)], ",") {
			t.Errorf("record fields %q, want the first fields of the header %q:\n%s", names, header, out)
		}
	})

	t.Run("show --format json: every rule failed and the raw row's values", func(t *testing.T) {
		// A staging-stage row, one that failed several rules if there is one.
		var w []string
		failed := map[string]int{}
		for _, r := range all {
			failed[r[5]+" "+r[7]]++
		}
		for _, r := range all {
			if r[0] == "staging" && r[10] != "" && (w == nil || failed[r[5]+" "+r[7]] > failed[w[5]+" "+w[7]]) {
				w = r
			}
		}
		if w == nil {
			t.Fatal("no staging-stage row with a record")
		}
		t.Logf("showing %s/%s/%s:%s, which failed %d rule(s)", w[3], w[4], w[6], w[8], failed[w[5]+" "+w[7]])
		out, err := run(t, "quarantine", "show", w[3]+"/"+w[4]+"/"+w[6]+":"+w[8], "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			ReceivedAt time.Time `json:"received_at"`
			Line       int64     `json:"line"`
			Failures   []struct {
				RuleID   string `json:"rule_id"`
				Reason   string `json:"reason"`
				Severity string `json:"severity"`
			} `json:"failures"`
			Record map[string]*string `json:"record"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		var reasons []string
		for _, r := range all {
			if r[5] == w[5] && r[8] == w[8] && r[4] == w[4] {
				reasons = append(reasons, r[1]+" "+r[2])
			}
		}
		var gotReasons []string
		for _, f := range got.Failures {
			gotReasons = append(gotReasons, f.RuleID+" "+f.Reason)
			if f.Severity != "error" {
				t.Errorf("%s severity %q, want error", f.RuleID, f.Severity)
			}
		}
		if strings.Join(gotReasons, "\n") != strings.Join(reasons, "\n") {
			t.Errorf("failures:\n%s\nwant:\n%s", strings.Join(gotReasons, "\n"), strings.Join(reasons, "\n"))
		}
		var received time.Time
		if err := db.QueryRow("SELECT received_at FROM ops.file_ledger WHERE provider = ? AND feed = ? AND sha256 = ?", w[3], w[4], w[5]).Scan(&received); err != nil {
			t.Fatal(err)
		}
		if !got.ReceivedAt.Equal(received) || got.Line != mustInt(t, w[8]) {
			t.Errorf("received_at %v line %d, want %v and %s", got.ReceivedAt, got.Line, received, w[8])
		}
		// The record is the raw row as landed, lineage left out.
		table := strings.ReplaceAll(w[3]+"_"+w[4], "-", "_")
		var raw string
		if err := db.QueryRow(fmt.Sprintf("SELECT to_json(r)::VARCHAR FROM raw.%s r WHERE _file_sha256 = ? AND _row_number = ?", table), w[5], mustInt(t, w[7])).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		_ = json.Unmarshal([]byte(raw), &want)
		for k, v := range want {
			if strings.HasPrefix(k, "_") {
				if _, ok := got.Record[k]; ok {
					t.Errorf("record keeps the lineage column %s", k)
				}
				continue
			}
			g, ok := got.Record[k]
			if !ok || (v == nil) != (g == nil) || (g != nil && *g != v) {
				t.Errorf("record %s = %v, raw.%s has %v", k, g, table, v)
			}
		}
	})

	t.Run("show misses", func(t *testing.T) {
		w := all[0]
		line := mustInt(t, w[8])
		free := line + 1
		for _, r := range all {
			if r[6] == w[6] && r[8] == strconv.FormatInt(free, 10) {
				free++
			}
		}
		_, err := run(t, "quarantine", "show", fmt.Sprintf("%s/%s/%s:%d", w[3], w[4], w[6], free))
		var ue usageError
		if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), fmt.Sprintf("no quarantined row at %s/%s/%s:%d", w[3], w[4], w[6], free)) ||
			!strings.Contains(err.Error(), "nearest quarantined lines in "+w[3]+"/"+w[4]+"/"+w[6]+": ") {
			t.Errorf("show of an unquarantined line: %v, want not found (exit 1) naming the nearest lines", err)
		}
		for _, args := range [][]string{{"show", w[6]}, {"show", w[6] + ":x"}, {"show", "a/" + w[6] + ":1"}, {"show"},
			{"show", "a.csv:1", "b.csv:2"}, {"list", "gp-emis"}, {}, {"purge"}} {
			if _, err := run(t, append([]string{"quarantine"}, args...)...); !errors.As(err, &ue) {
				t.Errorf("quarantine %q: %v, want a usage error", args, err)
			}
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
