package extract

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
)

// fixedWidthCase is a golden case's .yaml: the feed's options and the mapped locators.
type fixedWidthCase struct {
	Wanted  []string       `yaml:"wanted"`
	Options map[string]any `yaml:"options"`
}

func loadFixedWidthCase(t testing.TB, path string) ([]string, *FixedWidthOptions) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c fixedWidthCase
	if err := yaml.UnmarshalWithOptions(raw, &c, yaml.DisallowUnknownField()); err != nil {
		t.Fatal(err)
	}
	opts := defaultFixedWidthOptions()
	b, _ := yaml.Marshal(c.Options)
	if err := yaml.UnmarshalWithOptions(b, opts, yaml.DisallowUnknownField()); err != nil {
		t.Fatal(err)
	}
	return c.Wanted, opts
}

func TestFixedWidthGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/fixedwidth/*.yaml")
	if len(inputs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, optPath := range inputs {
		base := strings.TrimSuffix(optPath, ".yaml")
		t.Run(filepath.Base(base), func(t *testing.T) {
			wanted, opts := loadFixedWidthCase(t, optPath)
			src, err := os.ReadFile(base + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			var got string
			rr, err := readFixedWidth(bytes.NewReader(src), opts, wanted)
			if err != nil {
				got = "open error: " + err.Error() + "\n"
			} else {
				got = readAll(rr)
			}
			checkGolden(t, base+".golden", got)
		})
	}
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
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
		t.Errorf("%s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestFixedWidthLayoutChecks(t *testing.T) {
	f := func(name string, start, width int, typ string) FixedWidthField {
		return FixedWidthField{Field: name, Start: start, Width: width, Type: typ}
	}
	for _, tt := range []struct {
		name string
		opts FixedWidthOptions
		want string // part of the error, "" for none
	}{
		{"ok", FixedWidthOptions{Encoding: "windows-1252", Layout: []FixedWidthField{f("A", 1, 2, ""), f("B", 3, 1, "date")}}, ""},
		{"no fields", FixedWidthOptions{Encoding: "windows-1252"}, "no fields"},
		{"twice", FixedWidthOptions{Encoding: "windows-1252", Layout: []FixedWidthField{f("A", 1, 2, ""), f("a", 3, 1, "")}}, "declared twice"},
		{"zero width", FixedWidthOptions{Encoding: "windows-1252", Layout: []FixedWidthField{f("A", 1, 0, "")}}, "width 0"},
		{"type", FixedWidthOptions{Encoding: "windows-1252", Layout: []FixedWidthField{f("A", 1, 2, "money")}}, `type "money"`},
		{"short record", FixedWidthOptions{Encoding: "windows-1252", RecordLength: 2, Layout: []FixedWidthField{f("A", 1, 3, "")}}, "shorter than the layout"},
		{"encoding", FixedWidthOptions{Encoding: "ebcdic", Layout: []FixedWidthField{f("A", 1, 3, "")}}, "encoding"},
	} {
		_, err := readFixedWidth(strings.NewReader(""), &tt.opts, []string{"A"})
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// FuzzFixedWidth: whatever the bytes, the reader never panics, every record it yields has
// the mapped fields in valid UTF-8, a refused line is reported with its line number, and
// line numbers only move forward.
func FuzzFixedWidth(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fixedwidth/*.txt")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, uint8(0))
			f.Add(b, uint8(1))
			f.Add(b, uint8(2))
		}
	}
	_, base := loadFixedWidthCase(f, "testdata/fixedwidth/sglos_cp1252.yaml")
	wanted := []string{"NAME", "ID", "COST", "DOB", "N"}
	encodings := []string{"windows-1252", "iso-8859-1", "utf-8"}
	f.Fuzz(func(t *testing.T, data []byte, enc uint8) {
		opts := *base
		opts.Encoding = encodings[int(enc)%len(encodings)]
		opts.HeaderLines = int(enc) % 2
		rr, err := readFixedWidth(bytes.NewReader(data), &opts, wanted)
		if err != nil {
			t.Fatalf("open: %v", err)
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
			switch {
			case errors.As(err, &pe):
				if pe.Line != rec.Line || len(rec.Fields) > len(wanted) {
					t.Fatalf("parse error at line %d, record line %d, %d fields", pe.Line, rec.Line, len(rec.Fields))
				}
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			default:
				if len(rec.Fields) != len(wanted) {
					t.Fatalf("%d fields, want %d", len(rec.Fields), len(wanted))
				}
				for _, v := range rec.Fields {
					if !utf8.ValidString(v) {
						t.Fatalf("field %q is not UTF-8", v)
					}
				}
			}
			if rec.Line <= last {
				t.Fatalf("line went from %d to %d", last, rec.Line)
			}
			last = rec.Line
		}
	})
}
