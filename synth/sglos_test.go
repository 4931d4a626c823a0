package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

func init() {
	fileCheckers["sglos-social/clients"] = checkSglos(sglosClientLen, 1, 11, -1)
	fileCheckers["sglos-social/services"] = checkSglos(sglosServiceLen, 11, -1, 55)
}

// checkSglos reads a fixed-width file as the council's layout says (columns are 1-based:
// local id at localCol (width 10), NHS number at nhsCol (width 12), event date at
// eventCol (YYYYMMDD)) and holds every line to its truth row.
func checkSglos(length, localCol, nhsCol, eventCol int) func(*testing.T, string, map[string]string, []map[string]string, map[string]string, *observed) {
	return func(t *testing.T, dir string, f map[string]string, rows []map[string]string, links map[string]string, obs *observed) {
		data, err := os.ReadFile(filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"]))
		if err != nil {
			t.Fatal(err)
		}
		text, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(text), "\r\n"), "\r\n")
		if len(lines) != len(rows)+1 || !strings.HasPrefix(lines[0], "SOUTH GLOUCESTERSHIRE COUNCIL") {
			t.Fatalf("%s: %d lines for %d records, title %q", f["file"], len(lines), len(rows), lines[0])
		}
		if eventCol > 0 && !bytes.Contains(data, []byte{0xA3}) { // services' costs: £ in Windows-1252
			t.Errorf("%s: no £ byte", f["file"])
		}
		cut := func(r []rune, col, width int) string { return strings.TrimSpace(string(r[col-1 : col-1+width])) }
		for k, row := range rows {
			where := f["file"] + " record " + row["record"]
			if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.Itoa(k+2) {
				t.Errorf("%s: truth says record %s line %s", where, row["record"], row["line"])
			}
			r := []rune(lines[k+1])
			obs.count(f["provider"], f["feed"], row)
			if short := row["reason"] == reasonWrongLength; short != (len(r) != length) {
				t.Errorf("%s: %d characters of %d, truth reason %q", where, len(r), length, row["reason"])
			}
			if len(r) < 20 {
				t.Fatalf("%s: line %q too short to hold its ids", where, lines[k+1])
			}
			if cut(r, 1, 10) != row["record_id"] || cut(r, localCol, 10) != row["local_id"] {
				t.Errorf("%s: ids %s/%s, truth %s/%s", where, cut(r, 1, 10), cut(r, localCol, 10), row["record_id"], row["local_id"])
			}
			if links[f["provider"]+"/"+row["local_id"]] != row["person_key"] {
				t.Errorf("%s: %s is not linked to %s", where, row["local_id"], row["person_key"])
			}
			if row["fate"] == "superseded" && (k+1 == len(rows) || lines[k+2] != lines[k+1] || rows[k+1]["fate"] != "load") {
				t.Errorf("%s: superseded, but the next line is not its loaded copy", where)
			}
			if len(r) != length {
				continue
			}
			if nhsCol > 0 {
				n := cut(r, nhsCol, 12)
				if ok := map[string]bool{"ok": ValidNHSNumber(n), "spaced": spacedNHS.MatchString(n), "missing": n == "",
					"mistyped": len(n) == 10 && !ValidNHSNumber(n)}[row["nhs"]]; !ok {
					t.Errorf("%s: NHS number %q, truth %q", where, n, row["nhs"])
				}
			}
			if eventCol > 0 {
				ed, err := time.Parse("20060102", cut(r, eventCol, 8))
				if err != nil {
					t.Fatalf("%s: start date: %v", where, err)
				}
				if future := row["reason"] == "future_date"; future != ed.After(testDay) {
					t.Errorf("%s: start %s, truth reason %q", where, ed, row["reason"])
				}
				o := observation{event: ed, start: ed, dateOnly: true}
				if end := cut(r, eventCol+8, 8); end != "" {
					o.end = parseDate(t, "20060102", end)
				}
				obs.add(f["provider"], f["feed"], where, row, o)
			} else {
				obs.add(f["provider"], f["feed"], where, row, observation{birth: parseDate(t, "20060102", cut(r, 78, 8))})
			}
		}
	}
}

// TestSglosAccentsAndMoney: the council's file carries the names' diacritics and the £ sign
// in Windows-1252, as single bytes.
func TestSglosAccentsAndMoney(t *testing.T) {
	if got := poundsText(123456); got != "£1,234.56" {
		t.Errorf("poundsText = %q", got)
	}
	if got := poundsText(5); got != "£0.05" {
		t.Errorf("poundsText = %q", got)
	}
	w := newFixedWriter(nil, nil)
	b := w.appendField(nil, fwField{width: 9}, "Siobhán")
	if string(b) != "Siobh\xe1n  " {
		t.Errorf("appendField = %q", b)
	}
	b = w.appendField(nil, fwField{width: 8, right: true}, "£12.50")
	if string(b) != "  \xa312.50" {
		t.Errorf("right-aligned = %q", b)
	}
	if b = w.appendField(nil, fwField{width: 3}, "Chloë"); string(b) != "Chl" {
		t.Errorf("truncated = %q", b)
	}
}
