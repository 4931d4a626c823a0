package extract

import "testing"

func TestRecordJSONKeepsTheRecordsOrder(t *testing.T) {
	for _, tt := range []struct {
		name           string
		header, fields []string
		want           string
	}{
		{"header order, not alphabetical", []string{"Zeta", "Alpha"}, []string{"1", "2"}, `{"Zeta":"1","Alpha":"2"}`},
		{"fields beyond the header", []string{"A"}, []string{"1", "2"}, `{"A":"1","_field_2":"2"}`},
		{"short record", []string{"A", "B", "C"}, []string{"1"}, `{"A":"1"}`},
		{"repeated and empty headers", []string{"A", "A", ""}, []string{"1", "2", "3"}, `{"A":"1","_field_2":"2","_field_3":"3"}`},
		{"odd characters kept", []string{"A"}, []string{"x\ty\u00a0\""}, `{"A":"x\ty` + "\u00a0" + `\""}`},
		{"nothing read", []string{"A"}, nil, `{}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := recordJSON(tt.header, tt.fields); got != tt.want {
				t.Errorf("recordJSON(%q, %q) = %s, want %s", tt.header, tt.fields, got, tt.want)
			}
		})
	}
}
