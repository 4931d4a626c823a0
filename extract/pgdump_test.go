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

// pgDumpCase is a golden case: the dump to read and the feed's options.
type pgDumpCase struct {
	Input         string `yaml:"input"`
	PgDumpOptions `yaml:",inline"`
}

func TestPgDumpGolden(t *testing.T) {
	cases, _ := filepath.Glob("testdata/pgdump/*.yaml")
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
			var c pgDumpCase
			if err := yaml.UnmarshalWithOptions(raw, &c, yaml.DisallowUnknownField()); err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(filepath.Join("testdata/pgdump", c.Input))
			if err != nil {
				t.Fatal(err)
			}
			opts := c.PgDumpOptions
			var got string
			rr, err := readPgDump(bytes.NewReader(src), &opts)
			if err != nil {
				got = "open error: " + err.Error() + "\n"
			} else {
				got = readAll(rr)
			}
			checkGolden(t, base+".golden", got)
		})
	}
}

// TestPgDumpLongLine: a line longer than the limit is one bad record, not the file.
func TestPgDumpLongLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("COPY t (a) FROM stdin;\n1\n")
	b.Write(bytes.Repeat([]byte("x"), maxDumpLine+10))
	b.WriteString("\n3\n\\.\n")
	rr, err := readPgDump(&b, &PgDumpOptions{Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(rr)
	want := "header [\"a\"]\nline 2: 1 fields [\"1\"]\nline 3: parse error: the line is longer than 64 MB\nline 4: 1 fields [\"3\"]\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzPgDump: whatever the bytes, the reader never panics, never loops, and reports lines
// that only move forward, for a COPY table and an INSERT table.
func FuzzPgDump(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/pgdump/*.sql")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, "cdw.diagnoses")
			f.Add(b, "legacy.allergy_register")
			f.Add(b, "t")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, table string) {
		rr, err := readPgDump(bytes.NewReader(data), &PgDumpOptions{Table: table})
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
