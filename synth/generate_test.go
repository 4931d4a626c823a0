package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testDay = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func generate(t testing.TB, dir string, people int, seed int64) Summary {
	t.Helper()
	sum, err := Generate(context.Background(), Options{Dir: dir, Patients: people, Seed: seed, Day: testDay})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// readTree maps every file's path below dir to its bytes.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	generate(t, a, 300, 42)
	generate(t, b, 300, 42)
	generate(t, c, 300, 43)
	fa, fb, fc := readTree(t, a), readTree(t, b), readTree(t, c)
	drops := 0
	for _, s := range systems {
		drops += len(s.feeds)
	}
	if len(fa) != drops+5 {
		t.Errorf("%d files, want %d drop files and 5 truth files", len(fa), drops)
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if len(fb) != len(fa) {
		t.Errorf("second run wrote %d files, first %d", len(fb), len(fa))
	}
	if bytes.Equal(fa["truth/people.csv"], fc["truth/people.csv"]) {
		t.Error("seeds 42 and 43 gave the same people")
	}
}

// Regenerating replaces the day's files and leaves everything else alone, with no
// temporary files left behind.
func TestRegenerate(t *testing.T) {
	dir, fresh := t.TempDir(), t.TempDir()
	generate(t, dir, 200, 1)
	other := filepath.Join(dir, "inbox", "gp-emis", "patients", "EMIS_Patients_20261031.csv")
	if err := os.WriteFile(other, []byte("yesterday\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	generate(t, dir, 200, 2)
	generate(t, fresh, 200, 2)
	got, want := readTree(t, dir), readTree(t, fresh)
	if string(got["inbox/gp-emis/patients/EMIS_Patients_20261031.csv"]) != "yesterday\r\n" {
		t.Error("another day's file was changed")
	}
	delete(got, "inbox/gp-emis/patients/EMIS_Patients_20261031.csv")
	if len(got) != len(want) {
		t.Errorf("%d files after regenerating, want %d: %v", len(got), len(want), slices.Sorted(mapKeys(got)))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s was not replaced by the new run", name)
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Generate(ctx, Options{Dir: t.TempDir(), Patients: 100})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate with a cancelled context: %v, want context.Canceled", err)
	}
}

// feedLayout is what the test knows about each feed, independently of the generator.
type feedLayout struct {
	delim     rune
	local     int    // column of the patient's local id
	nhs       int    // column of the NHS number, or -1
	event     int    // column of the event date, or -1
	dateStyle string // layout of the event date
	// observe reads what the new habits' checks need from a readable record.
	observe func(t *testing.T, rec []string) observation
}

var layouts = map[string]feedLayout{
	"gp-emis/patients": {',', 0, 1, -1, "", func(t *testing.T, r []string) observation {
		return observation{birth: parseDate(t, time.DateOnly, r[4])}
	}},
	"gp-emis/problems": {',', 1, -1, 5, "2006-01-02", func(t *testing.T, r []string) observation {
		system := csSNOMED
		if r[2] == "READ2" {
			system = csRead
		}
		return observation{event: parseDate(t, time.DateOnly, r[5]), codes: []observedCode{{system, r[3]}}}
	}},
	"gp-emis/allergies": {',', 1, -1, 7, "2006-01-02", func(t *testing.T, r []string) observation {
		return observation{event: parseDate(t, time.DateOnly, r[7]), codes: []observedCode{{csSNOMED, r[3]}}}
	}},
	"gp-emis/medications": {',', 1, -1, 5, "2006-01-02", func(t *testing.T, r []string) observation {
		return observation{event: parseDate(t, time.DateOnly, r[5]), codes: []observedCode{{csDmd, r[2]}}}
	}},
	"gp-tpp/patients": {'|', 0, 1, -1, "", func(t *testing.T, r []string) observation {
		return observation{birth: parseDate(t, "02/01/2006", r[4])}
	}},
	"gp-tpp/problems": {'|', 1, -1, 4, "02/01/2006", func(t *testing.T, r []string) observation {
		return observation{event: parseDate(t, "02/01/2006", r[4]), codes: []observedCode{{csSNOMED, r[2]}}}
	}},
	"gp-tpp/allergies": {'|', 1, -1, 6, "02/01/2006", func(t *testing.T, r []string) observation {
		return observation{event: parseDate(t, "02/01/2006", r[6]), codes: []observedCode{{csSNOMED, r[2]}}}
	}},
	"gp-tpp/medications": {'|', 1, -1, 5, "02/01/2006", func(t *testing.T, r []string) observation {
		return observation{event: parseDate(t, "02/01/2006", r[5]), codes: []observedCode{{csDmd, r[2]}}}
	}},
	"ooh-adastra/cases": {';', 1, 2, 8, time.RFC3339, func(t *testing.T, r []string) observation {
		start, end := parseDate(t, time.RFC3339, r[8]), parseDate(t, time.RFC3339, r[9])
		return observation{birth: parseDate(t, "02/01/2006", r[5]), event: dateOf(start), start: start, end: end}
	}},
	"uhbw-ed/attendances": {',', 1, 2, 8, "2006-01-02", func(t *testing.T, r []string) observation {
		start, end := parseLocal(t, "2006-01-02 15:04", r[8]+" "+r[9]), parseLocal(t, "2006-01-02 15:04", r[10]+" "+r[11])
		return observation{birth: parseDate(t, time.DateOnly, r[5]), event: dateOf(start), start: start, end: end,
			codes: []observedCode{{csSNOMED, r[12]}, {csSNOMED, r[13]}, {csSNOMED, r[15]}}}
	}},
}

// parseDate parses a date (as midnight UTC) or an instant with its offset.
func parseDate(t *testing.T, layout, v string) time.Time {
	t.Helper()
	d, err := time.Parse(layout, v)
	if err != nil {
		t.Fatalf("date %q: %v", v, err)
	}
	return d
}

// parseLocal parses a London local time.
func parseLocal(t *testing.T, layout, v string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(layout, v, london)
	if err != nil {
		t.Fatalf("time %q: %v", v, err)
	}
	return d
}

// fileCheckers check the files of feeds that are not delimited text against their truth
// rows (f is the files.csv row), counting habits and observing records as TestTruth does.
var fileCheckers = map[string]func(t *testing.T, dir string, f map[string]string, rows []map[string]string,
	links map[string]string, obs *observed){}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

var spacedNHS = regexp.MustCompile(`^[0-9]{3} [0-9]{3} [0-9]{4}$`)

// TestTruth checks the ground truth against the files as a pipeline would read them.
func TestTruth(t *testing.T) {
	dir := t.TempDir()
	sum := generate(t, dir, 1500, 5)
	obs := checkCommunity(t, dir, 1500)
	if sum.People != 1500 || sum.Files != obs.files || sum.Records != obs.total {
		t.Errorf("summary %+v; the truth has %d files, %d records", sum, obs.files, obs.total)
	}
	// With ~10,000 records every common habit should have happened.
	for _, h := range []string{"duplicate", "malformed", "future_date", "nhs spaced", "nhs missing", "nhs mistyped", "nhs ok"} {
		if obs.habits[h] == 0 {
			t.Errorf("no record with habit %q", h)
		}
	}
}

// checkCommunity checks the files and the truth of a community of n people generated in
// dir, and returns what it saw.
func checkCommunity(t *testing.T, dir string, n int) *observed {
	t.Helper()
	truth := filepath.Join(dir, "truth")
	people := readCSV(t, filepath.Join(truth, "people.csv"))
	if len(people) != n {
		t.Fatalf("%d people in people.csv; want %d", len(people), n)
	}
	seenNHS := map[string]bool{}
	for _, p := range people {
		if n := p["nhs_number"]; n != "" {
			if !ValidNHSNumber(n) || !strings.HasPrefix(n, "999") || seenNHS[n] {
				t.Errorf("%s: NHS number %s invalid, outside the test range, or shared", p["person_key"], n)
			}
			seenNHS[n] = true
		}
	}

	links := map[string]string{} // provider/local_id -> person_key
	for _, l := range readCSV(t, filepath.Join(truth, "person_links.csv")) {
		links[l["provider"]+"/"+l["local_id"]] = l["person_key"]
	}

	readMap := map[string]string{}
	for _, c := range readCSV(t, filepath.Join(truth, "code_map.csv")) {
		readMap[c["source_code"]] = c["snomed_code"]
	}

	byFile := map[string][]map[string]string{}
	for _, r := range readCSV(t, filepath.Join(truth, "records.csv")) {
		byFile[r["provider"]+"/"+r["feed"]] = append(byFile[r["provider"]+"/"+r["feed"]], r)
	}

	files := readCSV(t, filepath.Join(truth, "files.csv"))
	wantFiles := 0
	for _, s := range systems {
		wantFiles += len(s.feeds)
	}
	if len(files) != wantFiles {
		t.Fatalf("%d files in files.csv; want %d", len(files), wantFiles)
	}
	received := time.Date(2026, 11, 1, 23, 59, 59, 0, london)
	patients := map[string]bool{} // provider/local_id of every patients-file record
	total, obs := 0, newObserved()
	for _, f := range files {
		key := f["provider"] + "/" + f["feed"]
		lay, ok := layouts[key]
		check, custom := fileCheckers[key]
		if !ok && !custom {
			t.Fatalf("files.csv names an unknown feed %s", key)
		}
		path := filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"])
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sha := sha256.Sum256(data)
		if f["sha256"] != hex.EncodeToString(sha[:]) || f["bytes"] != strconv.Itoa(len(data)) {
			t.Errorf("%s: files.csv bytes/sha256 do not match the file", key)
		}
		if fi, _ := os.Stat(path); !fi.ModTime().Equal(received) {
			t.Errorf("%s: modified %s, want %s", key, fi.ModTime(), received)
		}
		rows := byFile[key]
		if f["records"] != strconv.Itoa(len(rows)) {
			t.Errorf("%s: files.csv says %s records, records.csv has %d", key, f["records"], len(rows))
		}
		total += len(rows)
		if custom { // a format that is not delimited text
			check(t, dir, f, rows, links, obs)
			continue
		}

		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma = lay.delim
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = false
		header, err := cr.Read()
		if err != nil {
			t.Fatalf("%s: header: %v", key, err)
		}
		var prev []string
		for k, row := range rows {
			rec, err := cr.Read()
			if err != nil {
				t.Fatalf("%s record %d: %v", key, k+1, err)
			}
			line, _ := cr.FieldPos(0)
			where := key + " record " + row["record"]
			if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.Itoa(line) {
				t.Errorf("%s: truth says record %s line %s, file has record %d at line %d", where, row["record"], row["line"], k+1, line)
			}
			if row["record_id"] != rec[0] || row["local_id"] != rec[lay.local] {
				t.Errorf("%s: truth ids %s/%s, file %s/%s", where, row["record_id"], row["local_id"], rec[0], rec[lay.local])
			}
			if links[f["provider"]+"/"+row["local_id"]] != row["person_key"] {
				t.Errorf("%s: %s/%s is not linked to %s in person_links.csv", where, f["provider"], row["local_id"], row["person_key"])
			}
			if f["feed"] == "patients" {
				patients[f["provider"]+"/"+row["local_id"]] = true
			} else if fresh := row["reason"] == reasonOrphan && row["person_key"] == ""; strings.HasPrefix(f["provider"], "gp-") &&
				fresh == patients[f["provider"]+"/"+row["local_id"]] {
				t.Errorf("%s: patient %s in %s's patients file: %v; truth reason %q", where, row["local_id"], f["provider"], !fresh, row["reason"])
			}
			obs.count(f["provider"], f["feed"], row)

			malformed := row["reason"] == "malformed"
			if malformed != (len(rec) != len(header)) || len(rec) < len(header)-3 {
				t.Errorf("%s: %d fields of %d, truth reason %q", where, len(rec), len(header), row["reason"])
			}
			if row["fate"] == "superseded" && (k+1 == len(rows) || rows[k+1]["record_id"] != row["record_id"] || rows[k+1]["fate"] != "load") {
				t.Errorf("%s: superseded, but the next record is not its loaded copy", where)
			}
			if k > 0 && rows[k-1]["fate"] == "superseded" && !slices.Equal(prev, rec) {
				t.Errorf("%s: a duplicate that differs from the record before it", where)
			}
			prev = rec

			if lay.nhs >= 0 && !malformed {
				n := rec[lay.nhs]
				var good bool
				switch row["nhs"] {
				case "ok":
					good = ValidNHSNumber(n)
				case "spaced":
					good = spacedNHS.MatchString(n) && ValidNHSNumber(strings.ReplaceAll(n, " ", ""))
				case "missing":
					good = n == ""
				case "mistyped":
					good = len(n) == 10 && !ValidNHSNumber(n)
				}
				if !good {
					t.Errorf("%s: NHS number %q, truth says %q", where, n, row["nhs"])
				}
			} else if lay.nhs < 0 && row["nhs"] != "" {
				t.Errorf("%s: nhs %q for a feed without NHS numbers", where, row["nhs"])
			}

			if lay.event >= 0 && !malformed {
				ts, err := time.ParseInLocation(lay.dateStyle, rec[lay.event], london)
				if err != nil {
					t.Fatalf("%s: event date: %v", where, err)
				}
				y, m, d := ts.In(london).Date()
				ed := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
				future := row["reason"] == "future_date"
				if future != ed.After(testDay) || (!future && !ed.Before(testDay)) || ed.After(testDay.AddDate(0, 0, 30)) {
					t.Errorf("%s: event date %s, truth reason %q", where, rec[lay.event], row["reason"])
				}
			}
			if key == "gp-emis/problems" && !malformed && rec[2] == "READ2" {
				if _, ok := readMap[rec[3]]; ok == (row["reason"] == reasonUnknownCode) || rec[5] >= "2015-01-01" {
					t.Errorf("%s: Read code %s (onset %s) in code_map.csv: %v, or onset after 2014; truth reason %q", where, rec[3], rec[5], ok, row["reason"])
				}
			}
			if !malformed {
				obs.add(f["provider"], f["feed"], where, row, lay.observe(t, rec))
			}
		}
		if _, err := cr.Read(); err != io.EOF {
			t.Errorf("%s: more records in the file than in records.csv", key)
		}
	}
	var fromFiles int
	for _, f := range files {
		k, _ := strconv.Atoi(f["records"])
		fromFiles += k
	}
	if total != fromFiles {
		t.Errorf("records.csv has %d rows, files.csv counts %d", total, fromFiles)
	}
	obs.check(t, links)
	obs.total, obs.files = total, len(files)
	return obs
}

// BenchmarkGenerate100k: the whole community of 100,000 people (override the size with
// SYNTH_BENCH_PEOPLE).
func BenchmarkGenerate100k(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SYNTH_BENCH_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	for b.Loop() {
		sum := generate(b, dir, n, 1)
		b.ReportMetric(float64(sum.Records), "records")
	}
}
