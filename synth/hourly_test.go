package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHourly: Options.Hourly writes each hourly feed's day as 24 files, one an hour, whose
// records are the day's file's, in the same order and byte for byte. The truth names each
// record's file, number and line in it. The hourly files replace the day's file, and the
// day's file replaces them: an inbox never holds a day's records twice.
func TestHourly(t *testing.T) {
	const people, seed = 3000, 7
	day, hours := t.TempDir(), t.TempDir()
	generate(t, day, people, seed)
	sum, err := Generate(context.Background(), Options{Dir: hours, Patients: people, Seed: seed, Day: testDay, Hourly: true})
	if err != nil {
		t.Fatal(err)
	}

	feeds := map[string]*feed{}
	for i := range systems {
		for j := range systems[i].feeds {
			if fd := &systems[i].feeds[j]; fd.hourly {
				feeds[systems[i].id+"/"+fd.name] = fd
			}
		}
	}
	if want := []string{"nbt-pas/adt_live", "ooh-adastra/cases", "uhbw-ed/attendances"}; !slices.Equal(slices.Sorted(mapKeys(feeds)), want) {
		t.Fatalf("hourly feeds %v, want those DEMO-COMMUNITY.md says are sent hourly: %v", slices.Sorted(mapKeys(feeds)), want)
	}
	if sum.Files != hoursPerDay*len(feeds) {
		t.Errorf("%d files, want %d: 24 for each hourly feed and no other", sum.Files, hoursPerDay*len(feeds))
	}
	for rel := range readTree(t, filepath.Join(hours, "inbox")) {
		if feeds[filepath.ToSlash(filepath.Dir(rel))] == nil {
			t.Errorf("%s written: not an hourly feed", rel)
		}
	}

	group := func(rows []map[string]string) map[string][]map[string]string {
		out := map[string][]map[string]string{}
		for _, r := range rows {
			out[r["provider"]+"/"+r["feed"]] = append(out[r["provider"]+"/"+r["feed"]], r)
		}
		return out
	}
	dayFiles, hourFiles := group(readCSV(t, filepath.Join(day, "truth", "files.csv"))), group(readCSV(t, filepath.Join(hours, "truth", "files.csv")))
	dayRecs, hourRecs := group(readCSV(t, filepath.Join(day, "truth", "records.csv"))), group(readCSV(t, filepath.Join(hours, "truth", "records.csv")))
	links := map[string]string{}
	for _, l := range readCSV(t, filepath.Join(hours, "truth", "person_links.csv")) {
		links[l["provider"]+"/"+l["local_id"]] = l["person_key"]
	}
	records := 0
	for key, fd := range feeds {
		provider, name, _ := strings.Cut(key, "/")
		header := fd.dialect.appendRecord(nil, fd.header)
		sep := byte('\r') // segments of HL7 v2
		if strings.Contains(fd.dialect.eol, "\n") {
			sep = '\n'
		}
		whole, err := os.ReadFile(filepath.Join(day, "inbox", provider, name, dayFiles[key][0]["file"]))
		if err != nil {
			t.Fatal(err)
		}
		// The day's records by id (and copy, for a record sent twice), with their place.
		type sent struct {
			at   int
			row  map[string]string
			data []byte
		}
		want := map[string]sent{}
		ids := func(rows []map[string]string) []string {
			seen, out := map[string]int{}, make([]string, len(rows))
			for k, r := range rows {
				seen[r["record_id"]]++
				out[k] = r["record_id"] + "#" + strconv.Itoa(seen[r["record_id"]])
			}
			return out
		}
		dayRows, wholeLines := dayRecs[key], lineStarts(whole, sep)
		for k, id := range ids(dayRows) {
			want[id] = sent{k, dayRows[k], recordBytes(t, wholeLines, whole, header, dayRows, k)}
		}
		files, recs := hourFiles[key], hourRecs[key]
		if len(files) != hoursPerDay {
			t.Fatalf("%s: %d files in files.csv, want %d", key, len(files), hoursPerDay)
		}
		if len(recs) != len(dayRows) || len(recs) == 0 {
			t.Fatalf("%s: %d records in the hourly files, %d in the day's file", key, len(recs), len(dayRows))
		}
		records += len(recs)
		recIDs := ids(recs)
		k, filled := 0, 0 // k: the feed's next record in records.csv
		for h, f := range files {
			if wantName := fd.file(hourStamp("20261101", h)); f["file"] != wantName {
				t.Errorf("%s hour %d: file %s, want %s", key, h, f["file"], wantName)
			}
			path := filepath.Join(hours, "inbox", provider, name, f["file"])
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sha := sha256.Sum256(data)
			if f["sha256"] != hex.EncodeToString(sha[:]) || f["bytes"] != strconv.Itoa(len(data)) {
				t.Errorf("%s: files.csv's bytes and sha256 are not the file's", path)
			}
			received := time.Date(2026, 11, 1, h, 59, 59, 0, london)
			if fi, _ := os.Stat(path); !fi.ModTime().Equal(received) {
				t.Errorf("%s: modified %s, want the end of hour %d", path, fi.ModTime(), h)
			}
			if !bytes.HasPrefix(data, header) {
				t.Fatalf("%s does not start with the feed's header", path)
			}
			n, _ := strconv.Atoi(f["records"])
			if n > 0 {
				filled++
			}
			rows, lines := recs[k:k+n], lineStarts(data, sep)
			if n > 0 && key == "nbt-pas/adt_live" {
				checkNBTFile(t, hours, f, rows, links, newObserved())
			}
			prev := -1
			for r := range n {
				got, exp := rows[r], want[recIDs[k+r]]
				where := path + " record " + strconv.Itoa(r+1)
				if got["file"] != f["file"] || got["record"] != strconv.Itoa(r+1) {
					t.Fatalf("%s: the truth says file %s record %s", where, got["file"], got["record"])
				}
				if exp.row == nil {
					t.Fatalf("%s: record %s is not in the day's file", where, recIDs[k+r])
				}
				for _, col := range recordsHeader {
					if col != "file" && col != "record" && col != "line" && got[col] != exp.row[col] {
						t.Errorf("%s: %s %q, the day's file has %q", where, col, got[col], exp.row[col])
					}
				}
				// Where the truth says it starts, the record's bytes are the day's.
				if b := recordBytes(t, lines, data, header, rows, r); !bytes.Equal(b, exp.data) {
					t.Errorf("%s: line %s starts %q, the day's record %q", where, got["line"], b, exp.data)
				}
				if exp.at <= prev {
					t.Errorf("%s: out of the day's order", where)
				}
				prev = exp.at
				delete(want, recIDs[k+r])
				// Nothing in a file was sent after it was received: an admission that is not
				// in the future has happened by the end of its hour.
				if key == "nbt-pas/adt_live" && got["reason"] != "future_date" {
					for _, m := range splitNBT(string(exp.data)) {
						if at := nbtField(m, "MSH", 7); at > received.Format("200601021504") {
							t.Errorf("%s: sent at %s, after the file was received at %s", where, at, received.Format(time.DateTime))
						}
					}
				}
			}
			k += n
		}
		if k != len(recs) {
			t.Errorf("%s: files.csv counts %d records, records.csv has %d", key, k, len(recs))
		}
		if len(want) > 0 {
			t.Errorf("%s: %d of the day's records are in no hourly file", key, len(want))
		}
		if filled < hoursPerDay/2 {
			t.Errorf("%s: only %d of 24 hourly files have records; want the people spread over the day", key, filled)
		}
	}
	if sum.Records != records {
		t.Errorf("summary says %d records; records.csv has %d", sum.Records, records)
	}

	// The hourly files replace the day's, and the day's them, leaving no temporary file.
	before := readTree(t, filepath.Join(day, "inbox"))
	if _, err := Generate(context.Background(), Options{Dir: day, Patients: people, Seed: seed, Day: testDay, Hourly: true}); err != nil {
		t.Fatal(err)
	}
	mixed := readTree(t, filepath.Join(day, "inbox"))
	for key, fd := range feeds {
		if _, ok := mixed[filepath.Join(filepath.FromSlash(key), fd.file("20261101"))]; ok {
			t.Errorf("%s: the day's file is still there beside its hourly files", key)
		}
	}
	if len(mixed) != len(before)-len(feeds)+hoursPerDay*len(feeds) {
		t.Errorf("%d files in the inbox after writing the hours; want %d", len(mixed), len(before)-len(feeds)+hoursPerDay*len(feeds))
	}
	generate(t, day, people, seed)
	after := readTree(t, filepath.Join(day, "inbox"))
	if len(after) != len(before) {
		t.Errorf("%d files after writing the day again, want %d: %v", len(after), len(before), slices.Sorted(mapKeys(after)))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s differs after the round trip", name)
		}
	}
}

// lineStarts are the offsets of a file's lines (from 1), which end in sep.
func lineStarts(data []byte, sep byte) []int {
	starts := []int{0, 0}
	for i, c := range data {
		if c == sep {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// recordBytes is record k of a drop file: from the line the truth says it starts on (lines
// from the header's first, at starts) to the next record's, or the end of the file.
func recordBytes(t *testing.T, starts []int, data, header []byte, rows []map[string]string, k int) []byte {
	t.Helper()
	at := func(k int) int {
		line, err := strconv.Atoi(rows[k]["line"])
		if err != nil || line < 1 || line >= len(starts) || starts[line] < len(header) {
			t.Fatalf("record %d: line %q is not a line of the file after its header", k+1, rows[k]["line"])
		}
		return starts[line]
	}
	end := len(data)
	if k+1 < len(rows) {
		end = at(k + 1)
	}
	if k == 0 && at(0) != len(header) {
		t.Errorf("the first record starts at byte %d, not after the header", at(0))
	}
	return data[at(k):end]
}
