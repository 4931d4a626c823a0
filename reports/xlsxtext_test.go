package reports

import "testing"

func TestSafeText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"gp-emis", "gp-emis"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+44 117", "'+44 117"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"", ""},
		{"– (no rows)", "– (no rows)"},
	} {
		if got := safeText(tt.in); got != tt.want {
			t.Errorf("safeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := safeValue(int64(-5)); got != int64(-5) {
		t.Errorf("a negative number changed: %v", got)
	}
}

func TestDisclosureCount(t *testing.T) {
	for _, tt := range []struct {
		d    Disclosure
		n    int64
		want string
	}{
		{DefaultDisclosure, 0, "0"},
		{DefaultDisclosure, 1, "<8"},
		{DefaultDisclosure, 7, "<8"},
		{DefaultDisclosure, 8, "10"},
		{DefaultDisclosure, 12, "10"},
		{DefaultDisclosure, 13, "15"},
		{Disclosure{SuppressBelow: 11, RoundTo: 10}, 10, "<11"},
		{Disclosure{SuppressBelow: 11, RoundTo: 10}, 15, "20"},
		{Disclosure{SuppressBelow: 0, RoundTo: 1}, 3, "3"},
	} {
		if got := tt.d.Count(tt.n).Shown; got != tt.want {
			t.Errorf("%+v.Count(%d) = %q, want %q", tt.d, tt.n, got, tt.want)
		}
	}
}
