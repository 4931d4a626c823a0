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
	fileCheckers["nbt-pas/adt"] = checkNBTFile
	fileCheckers["nbt-pas/adt_live"] = checkNBTFile
}

// nbtTestMessage is one message as a plain split of the file finds it.
type nbtTestMessage struct {
	line int
	text string // segments joined with \r, framing removed
	segs map[string][]string
}

// splitNBT splits a file into messages without the extractor: lines end at \r, MLLP bytes
// are dropped, a message starts at each MSH.
func splitNBT(data string) []nbtTestMessage {
	var out []nbtTestMessage
	for i, seg := range strings.Split(data, "\r") {
		seg = strings.Trim(seg, "\x0b\x1c")
		switch {
		case strings.HasPrefix(seg, "MSH"):
			out = append(out, nbtTestMessage{line: i + 1, segs: map[string][]string{}})
		case seg == "" || len(out) == 0 || strings.HasPrefix(seg, "BTS") || strings.HasPrefix(seg, "FTS"):
			continue
		}
		m := &out[len(out)-1]
		m.text += seg + "\r"
		id := seg[:3]
		if _, ok := m.segs[id]; ok && id == "PID" {
			id = "PID2" // an A37's second patient
		}
		if _, ok := m.segs[id]; !ok {
			m.segs[id] = strings.Split(seg, "|")
		}
	}
	return out
}

func nbtField(m nbtTestMessage, seg string, n int) string {
	f := m.segs[seg]
	if seg == "MSH" {
		n--
	}
	if n < len(f) {
		return f[n]
	}
	return ""
}

// cxOfType finds the id of the given type (component 5) among a CX field's repetitions.
func nbtCX(v, typ string) string {
	for _, rep := range strings.Split(v, "~") {
		c := strings.Split(rep, "^")
		if len(c) >= 5 && c[4] == typ {
			return c[0]
		}
	}
	return ""
}

func checkNBTFile(t *testing.T, dir string, f map[string]string, rows []map[string]string, links map[string]string, obs *observed) {
	key := f["provider"] + "/" + f["feed"]
	data, err := os.ReadFile(filepath.Join(dir, "inbox", f["provider"], f["feed"], f["file"]))
	if err != nil {
		t.Fatal(err)
	}
	msgs := splitNBT(string(data))
	if len(msgs) != len(rows) {
		t.Fatalf("%s: %d messages in the file, %d truth rows", key, len(msgs), len(rows))
	}
	if live := f["feed"] == "adt_live"; live != (data[0] == 0x0b) || !live != strings.HasPrefix(string(data), "FHS|") {
		t.Errorf("%s: framing: live feed %v, starts %q", key, live, data[:4])
	}
	// An A37 takes back the A40s of the same pair before it: mistaken merges of two people.
	unlinkedAt := map[[2]string]int{}
	for k, m := range msgs {
		if nbtField(m, "MSH", 9) == "ADT^A37^ADT_A37" {
			a, b := nbtCX(nbtField(m, "PID", 3), "PI"), nbtCX(nbtField(m, "PID2", 3), "PI")
			unlinkedAt[[2]string{a, b}], unlinkedAt[[2]string{b, a}] = k, k
		}
	}
	loaded := map[string]int{}
	for k, row := range rows {
		m := msgs[k]
		where := key + " record " + row["record"]
		obs.count(f["provider"], f["feed"], row)
		if row["record"] != strconv.Itoa(k+1) || row["line"] != strconv.Itoa(m.line) {
			t.Errorf("%s: truth says line %s, MSH is on line %d", where, row["line"], m.line)
		}
		pid3 := nbtField(m, "PID", 3)
		if row["record_id"] != nbtField(m, "MSH", 10) || row["local_id"] != nbtCX(pid3, "PI") {
			t.Errorf("%s: truth ids %s/%s, message %s/%s", where, row["record_id"], row["local_id"], nbtField(m, "MSH", 10), pid3)
		}
		if links["nbt-pas/"+row["local_id"]] != row["person_key"] {
			t.Errorf("%s: %s is not linked to %s", where, row["local_id"], row["person_key"])
		}
		if mrg := nbtCX(nbtField(m, "MRG", 1), "PI"); mrg != "" {
			at, unlinked := unlinkedAt[[2]string{row["local_id"], mrg}]
			switch {
			case unlinked && at <= k:
				t.Errorf("%s: the A37 unlinking %s comes before its A40", where, mrg)
			case unlinked && links["nbt-pas/"+mrg] == row["person_key"]:
				t.Errorf("%s: %s, merged by mistake and unlinked, is the same person", where, mrg)
			case !unlinked && links["nbt-pas/"+mrg] != row["person_key"]:
				t.Errorf("%s: merged-away %s is not linked to %s", where, mrg, row["person_key"])
			}
		}
		if other := nbtCX(nbtField(m, "PID2", 3), "PI"); other != "" {
			if links["nbt-pas/"+other] == "" || links["nbt-pas/"+other] == row["person_key"] {
				t.Errorf("%s: the A37 unlinks %s, which is not another known patient", where, other)
			}
		}
		unread := nbtField(m, "MSH", 2) != `^~\&`
		if unread != (row["reason"] == "unreadable") {
			t.Errorf("%s: MSH-2 %q, truth reason %q", where, nbtField(m, "MSH", 2), row["reason"])
		}
		nhs := nbtCX(pid3, "NH")
		var good bool
		switch row["nhs"] {
		case "ok":
			good = ValidNHSNumber(nhs)
		case "spaced":
			good = spacedNHS.MatchString(nhs) && ValidNHSNumber(strings.ReplaceAll(nhs, " ", ""))
		case "missing":
			good = nhs == ""
		case "mistyped":
			good = len(nhs) == 10 && !ValidNHSNumber(nhs)
		}
		if !good {
			t.Errorf("%s: NHS number %q, truth says %q", where, nhs, row["nhs"])
		}
		if admit := nbtField(m, "PV1", 44); admit != "" {
			ts, err := time.ParseInLocation("200601021504", admit, london)
			if err != nil {
				t.Fatalf("%s: PV1-44: %v", where, err)
			}
			if future := ts.After(time.Date(2026, 11, 1, 23, 59, 59, 0, london)); future != (row["reason"] == "future_date") {
				t.Errorf("%s: admitted %s, truth reason %q", where, admit, row["reason"])
			}
		}
		switch row["fate"] {
		case "superseded":
			if row["reason"] == "duplicate" && (k+1 == len(rows) || msgs[k+1].text != m.text) {
				t.Errorf("%s: a duplicate not followed by its copy", where)
			}
		case "load":
			loaded[row["local_id"]]++
		}
	}
	for id, n := range loaded {
		if n != 1 {
			t.Errorf("%s: %d messages of %s loaded, want the latest only", key, n, id)
		}
	}
}
