package extract

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hl7TestColumns are the locators the golden cases read: the nbt-pas feed's, plus a few
// that exercise MSH-1/MSH-2, numbered repetitions, subcomponents and segment occurrences.
var hl7TestColumns = []string{
	"MSH-9.2", "MSH-10", "MSH-7", "PID-3[NH].1", "PID-3[PI].1", "PID-5.1", "PID-5.2", "PID-7", "PID-8",
	"PID-11.5", "PV1-2", "PV1-3.1", "PV1-19", "PV1-44", "PV1-45", "MRG-1[PI].1",
	"PID(2)-3[PI].1", "MSH-1", "MSH-2", "PID-3[2]", "PID-3.1.2", "ZZZ-1", "PID(3)-5.1",
}

func TestHL7v2Golden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/hl7v2/*.hl7")
	if len(inputs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, input := range inputs {
		base := strings.TrimSuffix(input, ".hl7")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(input)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			rr, err := readHL7v2(bytes.NewReader(src), hl7TestColumns)
			if err != nil {
				got = "open error: " + err.Error() + "\n"
			} else {
				got = readAll(rr)
			}
			golden := base + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./extract -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s:\n got:\n%s\nwant:\n%s", input, got, want)
			}
		})
	}
}

func TestHL7v2Locators(t *testing.T) {
	for _, tt := range []struct {
		loc string
		ok  bool
	}{
		{"PID-3[NH].1", true}, {"MSH-9.2", true}, {"PV1-19", true}, {"pid-5.1.2", true}, {"PID-3[2]", true},
		{"PID(2)-3[PI].1", true}, {"PID(0)-3", false}, {"PID()-3", false}, {"PID(2)3", false},
		{"PID", false}, {"PID-0", false}, {"PID-3[0]", false}, {"PID-3.0", false}, {"PID3", false}, {"PID-3[NH", false},
	} {
		_, err := parseHL7Locator(tt.loc)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok = %v", tt.loc, err, tt.ok)
		}
	}
	if _, err := readHL7v2(strings.NewReader(""), []string{"MSH-9", "nonsense"}); err == nil {
		t.Error("a bad locator should refuse the file")
	}
}

// FuzzHL7v2: whatever the bytes, the reader never panics, never loops, always gives every
// record one field per locator, and reports lines that only move forward.
func FuzzHL7v2(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/hl7v2/*.hl7")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rr, err := readHL7v2(bytes.NewReader(data), hl7TestColumns)
		if err != nil {
			t.Fatal(err)
		}
		last := int64(0)
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("more messages than bytes")
			}
			rec, err := rr.Next()
			if err == io.EOF {
				return
			}
			var pe *ParseError
			if errors.As(err, &pe) {
				rec.Line = pe.Line
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			} else if len(rec.Fields) != len(hl7TestColumns) {
				t.Fatalf("%d fields for %d locators", len(rec.Fields), len(hl7TestColumns))
			}
			if rec.Line <= last {
				t.Fatalf("line went from %d to %d", last, rec.Line)
			}
			last = rec.Line
		}
	})
}
