package synth

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func init() {
	fileCheckers["ooh-dental/contacts"] = checkDental("contacts", "contact_id", "case_ref", "nhs_number", "arrived_at", "presenting_complaint",
		"date_of_birth || '|' || left_at")
	fileCheckers["ooh-dental/allergies"] = checkDental("allergies", "allergy_id", "allergy_ref", "", "recorded_on", "reaction", "snomed_code")
}

// checkDental reads one table of the dental database in rowid order and holds every row to
// its truth row: rowid as the line, the reference as the record id, the NHS number as the
// truth labels it, bad bytes exactly where the truth says bad_encoding, and event times
// after the drop day exactly where it says future_date. Both feeds' copies must be equal.
// more is an expression for what the new habits' checks read: contacts' birth date and
// left_at, allergies' code.
func checkDental(table, idCol, refCol, nhsCol, eventCol, textCol, more string) func(*testing.T, string, map[string]string, []map[string]string, map[string]string, *observed) {
	return func(t *testing.T, dir string, f map[string]string, rows []map[string]string, links map[string]string, obs *observed) {
		path := filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"])
		mine, _ := os.ReadFile(path)
		for _, other := range []string{"contacts", "allergies"} {
			b, err := os.ReadFile(filepath.Join(dir, "inbox", f["provider"], other, f["file"]))
			if err != nil || !bytes.Equal(b, mine) {
				t.Errorf("%s: the %s folder's copy differs (%v)", path, other, err)
			}
		}
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		nhsExpr := "''"
		if nhsCol != "" {
			nhsExpr = "coalesce(" + nhsCol + ", '')"
		}
		q := "SELECT " + idCol + ", patient_id, " + refCol + ", " + nhsExpr + ", CAST(" + eventCol + " AS TEXT), " + textCol +
			", " + more + " FROM " + table + " ORDER BY " + idCol
		res, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		k := 0
		for ; res.Next(); k++ {
			var rowid int64
			var pid, ref, nhs, event, text, extra string
			if err := res.Scan(&rowid, &pid, &ref, &nhs, &event, &text, &extra); err != nil {
				t.Fatal(err)
			}
			if k >= len(rows) {
				t.Fatalf("%s: more rows than truth records", table)
			}
			row := rows[k]
			where := table + " record " + row["record"]
			obs.count(f["provider"], f["feed"], row)
			if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.FormatInt(rowid, 10) || row["record_id"] != ref || row["local_id"] != pid {
				t.Errorf("%s: truth line/id/patient %s/%s/%s, table %d/%s/%s", where, row["line"], row["record_id"], row["local_id"], rowid, ref, pid)
			}
			if links[f["provider"]+"/"+pid] != row["person_key"] {
				t.Errorf("%s: %s is not linked to %s", where, pid, row["person_key"])
			}
			if bad := row["reason"] == reasonBadEncoding; bad == utf8.ValidString(text) {
				t.Errorf("%s: text %q, truth reason %q", where, text, row["reason"])
			}
			if nhsCol != "" {
				if ok := map[string]bool{"ok": ValidNHSNumber(nhs), "spaced": spacedNHS.MatchString(nhs), "missing": nhs == "",
					"mistyped": len(nhs) == 10 && !ValidNHSNumber(nhs)}[row["nhs"]]; !ok {
					t.Errorf("%s: NHS number %q, truth %q", where, nhs, row["nhs"])
				}
			}
			if len(event) < 10 {
				t.Fatalf("%s: event %q", where, event)
			}
			ed, err := time.Parse("2006-01-02", event[:10])
			if err != nil {
				t.Fatal(err)
			}
			if future := row["reason"] == "future_date"; future != ed.After(testDay) {
				t.Errorf("%s: event %s, truth reason %q", where, event, row["reason"])
			}
			if row["reason"] != reasonBadEncoding { // a row the reader can read
				o := observation{event: ed, codes: []observedCode{{csSNOMED, extra}}}
				if table == "contacts" {
					birth, left, _ := strings.Cut(extra, "|")
					const layout = "2006-01-02 15:04:05"
					o = observation{birth: parseDate(t, time.DateOnly, birth), event: ed,
						start: parseLocal(t, layout, event), end: parseLocal(t, layout, left)}
				}
				obs.add(f["provider"], f["feed"], where, row, o)
			}
			if row["fate"] == "superseded" && (k+1 == len(rows) || rows[k+1]["record_id"] != ref || rows[k+1]["fate"] != "load") {
				t.Errorf("%s: superseded, but the next row is not its loaded copy", where)
			}
		}
		if k != len(rows) {
			t.Errorf("%s: %d rows, truth %d", table, k, len(rows))
		}
	}
}
