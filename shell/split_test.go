package shell

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitter(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []string
		pending string
	}{
		{"one", "SELECT 1;", []string{"SELECT 1"}, ""},
		{"two on a line", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}, ""},
		{"over lines", "SELECT\n  1\n;", []string{"SELECT\n  1"}, ""},
		{"semicolon in a string", "SELECT 'a;b', 'it''s; fine';", []string{"SELECT 'a;b', 'it''s; fine'"}, ""},
		{"semicolon in an identifier", `SELECT 1 AS "x;y";`, []string{`SELECT 1 AS "x;y"`}, ""},
		{"line comment", "SELECT 1 -- not; the end\n;", []string{"SELECT 1 -- not; the end"}, ""},
		{"block comment", "SELECT /* ; */ 1;", []string{"SELECT /* ; */ 1"}, ""},
		{"comments alone are no statement", "-- a note;\n/* another; */ ;", nil, ""},
		{"empty statements dropped", ";;SELECT 1;;", []string{"SELECT 1"}, ""},
		{"unfinished", "SELECT 1; SELECT", []string{"SELECT 1"}, "SELECT"},
		{"string over lines", "SELECT 'a\n;b';", []string{"SELECT 'a\n;b'"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Splitter
			var got []string
			for _, line := range strings.Split(tt.text, "\n") {
				got = append(got, s.Feed(line)...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("statements %q, want %q", got, tt.want)
			}
			if p := s.Pending(); p != tt.pending {
				t.Errorf("pending %q, want %q", p, tt.pending)
			}
		})
	}
}
