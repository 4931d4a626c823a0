package yamlfault

import (
	"errors"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

const doc = `warehouse: w
providers:
  - id: gp-emis
    feeds:
      - name: patients
`

func TestCollectorLocatesFaults(t *testing.T) {
	file, err := parser.ParseBytes([]byte(doc), 0)
	if err != nil {
		t.Fatal(err)
	}
	c := Collector{Name: "ccare.yaml", File: file}
	for _, tt := range []struct {
		path, field, want string
	}{
		{"$.warehouse", "warehouse", "ccare.yaml line 1: warehouse: bad"},
		{"$.providers[0].feeds[0].name", "name", "ccare.yaml line 5: name: bad"},
		// absent: the nearest ancestor present
		{"$.providers[0].feeds[0].pattern", "pattern", "ccare.yaml line 5: pattern: bad"},
		{"$.lake", "", "ccare.yaml: bad"},
	} {
		c.Errs = nil
		c.Fail(tt.path, tt.field, "bad")
		if got := c.Err().Error(); got != tt.want {
			t.Errorf("Fail(%s): %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestFromYAMLNamesTheLine(t *testing.T) {
	var v map[string]any
	err := FromYAML("benefits.yaml", yaml.Unmarshal([]byte("a: 1\nb: [\n"), &v))
	var fe *Error
	if !errors.As(err, &fe) || fe.File != "benefits.yaml" || fe.Line == 0 {
		t.Errorf("FromYAML: %#v, want an Error naming the file and a line", err)
	}
}

func TestDecodeRefusesTagsAtTheirLine(t *testing.T) {
	type file struct {
		Name  string   `yaml:"name"`
		Codes []string `yaml:"codes"`
		Feeds []struct {
			Columns []string `yaml:"columns"`
		} `yaml:"feeds"`
	}
	for _, tt := range []struct {
		name, text, want string
	}{
		// go-yaml v1.19.2 panics on each of the first three (goccy/go-yaml#735).
		{"bare tag on a list", "name: a\ncodes: ! x\n", "ccare.yaml line 2: codes: YAML tags such as ! are not read in this file"},
		{"core tag on a list", "name: a\ncodes: !!str x\n", "ccare.yaml line 2: codes: YAML tags such as !!str are not read"},
		{"null tag on a list, deeper", "feeds:\n  - columns: !!null\n", "ccare.yaml line 2: columns: YAML tags such as !!null"},
		{"tag on a text", "name: !!str 0123\n", "ccare.yaml line 1: name: YAML tags such as !!str"},
		{"tag in a list", "codes:\n  - a\n  - !x b\n", "ccare.yaml line 3: codes: YAML tags such as !x"},
		{"unknown field", "name: a\ncolour: blue\n", "ccare.yaml line 2: "},
		{"broken YAML", "name: [a\n", "ccare.yaml line 1: "},
		{"good", "name: a\ncodes: [x, y]\nfeeds:\n  - columns: [c]\n", ""},
		// no tags to find, and nothing for the walk to trip on
		{"empty", "", "-"},
		{"only a comment", "# nothing yet\n", "-"},
		{"empty documents", "---\n---\n", "-"},
		{"a key with no value", "name:\ncodes:\n", "-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v file
			f, err := Decode("ccare.yaml", []byte(tt.text), &v)
			if tt.want == "-" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			if tt.want == "" {
				if err != nil || f == nil || v.Name != "a" || len(v.Codes) != 2 || len(v.Feeds) != 1 {
					t.Fatalf("Decode: %v, %+v", err, v)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Decode: %v, want an *Error starting %q", err, tt.want)
			}
		})
	}
}

func TestFieldOf(t *testing.T) {
	for path, want := range map[string]string{
		"$": "", "$.name": "name", "$.providers[2].feeds[0].name": "name", "$.feeds[0]": "feeds", "$.a[1][2]": "a",
	} {
		if got := fieldOf(path); got != want {
			t.Errorf("fieldOf(%s) = %q, want %q", path, got, want)
		}
	}
}

// explodes stands for a decoder bug not yet met: its decoding panics.
type explodes struct{}

func (*explodes) UnmarshalYAML([]byte) error { panic("boom") }

func TestDecodeTurnsALibraryPanicIntoTheFilesError(t *testing.T) {
	var v struct {
		X explodes `yaml:"x"`
	}
	_, err := Decode("benefits.yaml", []byte("x: 1\n"), &v)
	var fe *Error
	if !errors.As(err, &fe) || fe.File != "benefits.yaml" || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Decode: %v, want the panic as benefits.yaml's error", err)
	}
}
