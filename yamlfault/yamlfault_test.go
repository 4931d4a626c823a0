package yamlfault

import (
	"errors"
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
