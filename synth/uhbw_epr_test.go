package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func init() {
	for feed, event := range map[string]func(map[string]any) string{
		"patients":    nil,
		"conditions":  func(r map[string]any) string { return eprStr(r["onsetDateTime"]) },
		"allergies":   func(r map[string]any) string { return eprStr(r["recordedDate"]) },
		"medications": func(r map[string]any) string { return eprStr(eprObj(r["effectivePeriod"])["start"]) },
		"encounters":  func(r map[string]any) string { return eprStr(eprObj(r["period"])["start"]) },
	} {
		fileCheckers["uhbw-epr/"+feed] = checkEPR(event, eprObserve[feed])
	}
}

// eprObserve reads what the new habits' checks need from a resource of each feed.
var eprObserve = map[string]func(t *testing.T, r map[string]any) observation{
	"patients": func(t *testing.T, r map[string]any) observation {
		return observation{birth: parseDate(t, time.DateOnly, eprStr(r["birthDate"]))}
	},
	"conditions": func(t *testing.T, r map[string]any) observation {
		return observation{event: parseDate(t, time.DateOnly, eprStr(r["onsetDateTime"])), codes: eprCodes(csSNOMED, r["code"])}
	},
	"allergies": func(t *testing.T, r map[string]any) observation {
		return observation{event: parseDate(t, time.DateOnly, eprStr(r["recordedDate"])), codes: eprCodes(csSNOMED, r["code"])}
	},
	"medications": func(t *testing.T, r map[string]any) observation {
		return observation{event: parseDate(t, time.DateOnly, eprStr(eprObj(r["effectivePeriod"])["start"])),
			codes: eprCodes(csDmd, r["medicationCodeableConcept"])}
	},
	"encounters": func(t *testing.T, r map[string]any) observation {
		period := eprObj(r["period"])
		start, end := parseDate(t, time.RFC3339, eprStr(period["start"])), parseDate(t, time.RFC3339, eprStr(period["end"]))
		return observation{event: dateOf(start), start: start, end: end, codes: eprCodes(csSNOMED, eprFirst(r["reasonCode"]))}
	},
}

// eprCodes are the codes of a CodeableConcept.
func eprCodes(system string, concept any) []observedCode {
	var out []observedCode
	codings, _ := eprObj(concept)["coding"].([]any)
	for _, c := range codings {
		out = append(out, observedCode{system, eprStr(eprObj(c)["code"])})
	}
	return out
}

func eprStr(v any) string         { s, _ := v.(string); return s }
func eprObj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func eprFirst(v any) map[string]any {
	a, _ := v.([]any)
	if len(a) == 0 {
		return nil
	}
	return eprObj(a[0])
}
func eprStatus(v any) string { return eprStr(eprFirst(eprObj(v)["coding"])["code"]) }

// checkEPR reads an NDJSON file line by line and holds each resource to its truth row: line,
// id, patient reference, JSON validity (bad_json), entered-in-error, versions, NHS number,
// event date.
func checkEPR(event func(map[string]any) string, observe func(*testing.T, map[string]any) observation) func(*testing.T, string, map[string]string, []map[string]string, map[string]string, *observed) {
	return func(t *testing.T, dir string, f map[string]string, rows []map[string]string, links map[string]string, obs *observed) {
		data, err := os.ReadFile(filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"]))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(lines) != len(rows) {
			t.Fatalf("%s: %d lines for %d records", f["file"], len(lines), len(rows))
		}
		versionOf := map[string]string{}
		for k, row := range rows {
			where := f["file"] + " record " + row["record"]
			obs.count(f["provider"], f["feed"], row)
			if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.Itoa(k+1) {
				t.Errorf("%s: truth says record %s line %s", where, row["record"], row["line"])
			}
			if links["uhbw-epr/"+row["local_id"]] != row["person_key"] {
				t.Errorf("%s: %s is not linked to %s", where, row["local_id"], row["person_key"])
			}
			var r map[string]any
			bad := json.Unmarshal([]byte(lines[k]), &r) != nil
			if bad != (row["reason"] == "bad_json") {
				t.Errorf("%s: JSON invalid %v, truth reason %q", where, bad, row["reason"])
			}
			if bad {
				continue
			}
			obs.add(f["provider"], f["feed"], where, row, observe(t, r))
			ref := eprStr(eprObj(r["subject"])["reference"]) + eprStr(eprObj(r["patient"])["reference"])
			if r["id"] != row["record_id"] || (f["feed"] != "patients" && ref != "Patient/"+row["local_id"]) {
				t.Errorf("%s: id %v ref %s, truth %s/%s", where, r["id"], ref, row["record_id"], row["local_id"])
			}
			withdrawn := eprStatus(r["verificationStatus"]) == "entered-in-error" || r["status"] == "entered-in-error"
			if withdrawn != (row["reason"] == "entered_in_error") {
				t.Errorf("%s: entered-in-error %v, truth reason %q", where, withdrawn, row["reason"])
			}
			v := eprStr(eprObj(r["meta"])["versionId"])
			if prev, seen := versionOf[row["record_id"]]; seen && prev >= v && rows[k-1]["record_id"] != row["record_id"] {
				t.Errorf("%s: version %s after version %s", where, v, prev)
			}
			versionOf[row["record_id"]] = v
			if row["reason"] == "amended" && v != "1" {
				t.Errorf("%s: superseded as amended, but it is version %s", where, v)
			}
			if f["feed"] == "patients" {
				n := ""
				for _, id := range r["identifier"].([]any) {
					if eprStr(eprObj(id)["system"]) == "https://fhir.nhs.uk/Id/nhs-number" {
						n = eprStr(eprObj(id)["value"])
					}
				}
				good := map[string]bool{"ok": ValidNHSNumber(n), "spaced": spacedNHS.MatchString(n),
					"missing": n == "", "mistyped": len(n) == 10 && !ValidNHSNumber(n)}[row["nhs"]]
				if !good {
					t.Errorf("%s: NHS number %q, truth %q", where, n, row["nhs"])
				}
				continue
			}
			if row["nhs"] != "" {
				t.Errorf("%s: nhs %q for a resource without NHS numbers", where, row["nhs"])
			}
			d, err := time.Parse("2006-01-02", event(r)[:10])
			if err != nil {
				t.Fatalf("%s: event date: %v", where, err)
			}
			if future := row["reason"] == "future_date"; future != d.After(testDay) {
				t.Errorf("%s: event date %s, truth reason %q", where, event(r), row["reason"])
			}
		}
		for _, row := range rows {
			if row["reason"] == "amended" && versionOf[row["record_id"]] != "2" {
				t.Errorf("%s: %s amended, but no version 2 follows", f["file"], row["record_id"])
			}
		}
	}
}
