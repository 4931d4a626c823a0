package extract

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

var update = flag.Bool("update", false, "rewrite golden files")

// readAll renders everything a reader yields, one line per record, for golden files.
func readAll(rr RecordReader) string {
	var b strings.Builder
	fmt.Fprintf(&b, "header %q\n", rr.Header())
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(&b, "line %d: parse error: %v\n", pe.Line, pe.Err)
			continue
		}
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			break
		}
		fmt.Fprintf(&b, "line %d: %d fields %q\n", rec.Line, len(rec.Fields), rec.Fields)
	}
	return b.String()
}

func TestCSVGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/csv/*.yaml")
	if len(inputs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, optPath := range inputs {
		base := strings.TrimSuffix(optPath, ".yaml")
		t.Run(filepath.Base(base), func(t *testing.T) {
			data, _ := filepath.Glob(base + ".*")
			var input string
			for _, d := range data {
				if ext := filepath.Ext(d); ext != ".yaml" && ext != ".golden" {
					input = d
				}
			}
			opts := defaultCSVOptions()
			raw, err := os.ReadFile(optPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.UnmarshalWithOptions(raw, opts, yaml.DisallowUnknownField()); err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(input)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			rr, err := readCSV(bytes.NewReader(src), opts)
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

func TestCSVDelimiterOption(t *testing.T) {
	for _, tt := range []struct {
		delim string
		ok    bool
	}{{",", true}, {"|", true}, {";", true}, {`\t`, true}, {"", false}, {"||", false}, {`"`, false}, {"\n", false}} {
		_, err := readCSV(strings.NewReader("a\n"), &CSVOptions{Delimiter: tt.delim, Quoting: true})
		if (err == nil) != tt.ok {
			t.Errorf("delimiter %q: err = %v, want ok = %v", tt.delim, err, tt.ok)
		}
	}
}

// FuzzCSV: whatever the bytes, the reader never panics, never loops, and reports lines
// that only move forward, in both quoting modes.
func FuzzCSV(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/csv/*.*")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, true)
			f.Add(b, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, quoting bool) {
		rr, err := readCSV(bytes.NewReader(data), &CSVOptions{Delimiter: ",", Quoting: quoting})
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
			}
			if rec.Line < last {
				t.Fatalf("line went back from %d to %d", last, rec.Line)
			}
			last = rec.Line
		}
	})
}
