package extract

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// fhirCase is a golden case: the NDJSON file, the feed's options and its column locators.
type fhirCase struct {
	Input   string      `yaml:"input"`
	Options FHIROptions `yaml:"options"`
	Wanted  []string    `yaml:"wanted"`
}

func TestFHIRGolden(t *testing.T) {
	cases, _ := filepath.Glob("testdata/fhir/*.yaml")
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range cases {
		base := strings.TrimSuffix(path, ".yaml")
		t.Run(filepath.Base(base), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var c fhirCase
			if err := yaml.UnmarshalWithOptions(raw, &c, yaml.DisallowUnknownField()); err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(filepath.Join("testdata/fhir", c.Input))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			rr, err := readFHIR(bytes.NewReader(src), &c.Options, c.Wanted)
			if err != nil {
				got = "open error: " + err.Error() + "\n"
			} else {
				got = readAll(rr)
			}
			checkGolden(t, base+".golden", got)
		})
	}
}

func TestFHIRPathErrors(t *testing.T) {
	for _, p := range []string{"", "a.", ".a", "a[", "a[x]", "a[-1]", "a[=b]"} {
		if _, err := parseJSONPath(p); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

// FuzzFHIR: whatever the bytes, the reader never panics or loops, and lines only move on.
func FuzzFHIR(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fhir/*.ndjson")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, "name[0].family")
			f.Add(b, "code.coding[system=http://snomed.info/sct].code")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, locator string) {
		rr, err := readFHIR(bytes.NewReader(data), &FHIROptions{}, []string{"id", "meta.versionId", locator})
		if err != nil {
			return
		}
		last := int64(0)
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("more records than bytes")
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
			} else if len(rec.Fields) != 3 {
				t.Fatalf("%d fields for 3 locators", len(rec.Fields))
			}
			if rec.Line <= last {
				t.Fatalf("line went from %d to %d", last, rec.Line)
			}
			last = rec.Line
		}
	})
}
