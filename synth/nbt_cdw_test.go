package synth

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func init() {
	fileCheckers["nbt-cdw/patients"] = checkCDW("COPY cdw.patients (", 10, 1, 2, -1)
	fileCheckers["nbt-cdw/diagnoses"] = checkCDW("COPY cdw.diagnoses (", 9, 0, -1, 6)
	fileCheckers["nbt-cdw/allergies"] = checkCDW("INSERT INTO legacy.allergy_register (", 8, 0, -1, 7)
}

// checkCDW reads one table of the dump the plain way (COPY rows split on tabs; INSERT values
// split on ", ", which the generated values never hold) and holds each row to its truth row:
// line, ids, link, field count for malformed, NHS number, event date.
func checkCDW(start string, width, idCol, nhsCol, eventCol int) func(*testing.T, string, map[string]string, []map[string]string, map[string]string, *observed) {
	return func(t *testing.T, dir string, f map[string]string, rows []map[string]string, links map[string]string, obs *observed) {
		data, err := os.ReadFile(filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"]))
		if err != nil {
			t.Fatal(err)
		}
		type rec struct {
			line   int
			fields []string
		}
		var recs []rec
		inCopy := false
		for i, line := range strings.Split(string(data), "\n") {
			switch {
			case inCopy && line == `\.`:
				inCopy = false
			case inCopy:
				recs = append(recs, rec{i + 1, strings.Split(line, "\t")})
			case strings.HasPrefix(line, start) && strings.HasPrefix(start, "COPY"):
				inCopy = true
			case strings.HasPrefix(line, start):
				_, values, _ := strings.Cut(line, ") VALUES (")
				fields := strings.Split(strings.TrimSuffix(values, ");"), ", ")
				for k, v := range fields {
					fields[k] = strings.ReplaceAll(strings.Trim(v, "'"), "''", "'")
				}
				recs = append(recs, rec{i + 1, fields})
			}
		}
		if len(recs) != len(rows) {
			t.Fatalf("%s/%s: %d rows in the dump, %d in the truth", f["feed"], f["file"], len(recs), len(rows))
		}
		for k, row := range rows {
			r := recs[k]
			where := f["feed"] + " record " + row["record"]
			obs.count(f["provider"], f["feed"], row)
			if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.Itoa(r.line) {
				t.Errorf("%s: truth line %s, dump line %d", where, row["line"], r.line)
			}
			if r.fields[idCol] != row["record_id"] || r.fields[1] != row["local_id"] {
				t.Errorf("%s: ids %s/%s, truth %s/%s", where, r.fields[idCol], r.fields[1], row["record_id"], row["local_id"])
			}
			if links["nbt-cdw/"+row["local_id"]] != row["person_key"] {
				t.Errorf("%s: %s is not linked to %s", where, row["local_id"], row["person_key"])
			}
			malformed := row["reason"] == "malformed"
			if malformed != (len(r.fields) != width) || len(r.fields) < width-3 {
				t.Errorf("%s: %d fields of %d, truth reason %q", where, len(r.fields), width, row["reason"])
			}
			if row["fate"] == "superseded" && (k+1 == len(rows) || rows[k+1]["record_id"] != row["record_id"]) {
				t.Errorf("%s: superseded, but the next record is not its copy", where)
			}
			if malformed {
				continue
			}
			if nhsCol >= 0 {
				n := strings.ReplaceAll(r.fields[nhsCol], `\N`, "")
				good := map[string]bool{
					"ok":       ValidNHSNumber(n),
					"spaced":   spacedNHS.MatchString(n),
					"missing":  n == "",
					"mistyped": len(n) == 10 && !ValidNHSNumber(n),
				}[row["nhs"]]
				if !good {
					t.Errorf("%s: NHS number %q, truth %q", where, n, row["nhs"])
				}
			} else if row["nhs"] != "" {
				t.Errorf("%s: nhs %q for a table without NHS numbers", where, row["nhs"])
			}
			if eventCol >= 0 {
				d, err := time.Parse("2006-01-02", r.fields[eventCol])
				if err != nil {
					t.Fatalf("%s: event date: %v", where, err)
				}
				if future := row["reason"] == "future_date"; future != d.After(testDay) {
					t.Errorf("%s: event date %s, truth reason %q", where, r.fields[eventCol], row["reason"])
				}
			}
			var o observation
			switch f["feed"] {
			case "patients":
				o.birth = parseDate(t, time.DateOnly, r.fields[5])
			case "diagnoses":
				o = observation{event: parseDate(t, time.DateOnly, r.fields[6]), codes: []observedCode{{csICD10, r.fields[3]}}}
			case "allergies":
				o = observation{event: parseDate(t, time.DateOnly, r.fields[7]), codes: []observedCode{{csSNOMED, r.fields[2]}}}
			}
			obs.add(f["provider"], f["feed"], where, row, o)
		}
	}
}
