package synth

import (
	"math/rand/v2"
	"testing"
)

func TestValidNHSNumber(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want bool
	}{
		{"valid", "9434765919", true},
		{"valid test range", "9990000018", true},
		{"valid, check 11 written as 0", "9990000050", true},
		{"valid outside test range", "4010232137", true},
		{"wrong check digit", "9434765918", false},
		{"two digits swapped", "9434765991", false},
		{"check digit 10: no number exists (0)", "9990000000", false},
		{"check digit 10: no number exists (1)", "9990000001", false},
		{"check digit 10, another prefix", "9991234560", false},
		{"nine digits", "943476591", false},
		{"eleven digits", "94347659190", false},
		{"empty", "", false},
		{"letter", "94347659A9", false},
		{"letter as check digit", "943476591X", false},
		{"spaced as typed", "943 476 5919", false},
		{"leading space", " 9434765919", false},
		{"hyphens", "943-476-5919", false},
		{"non-ASCII digits", "９４３４７６５９１９", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidNHSNumber(tt.in); got != tt.want {
				t.Errorf("ValidNHSNumber(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNHSCheckDigit(t *testing.T) {
	for _, tt := range []struct {
		name   string
		first9 string
		digit  int
		ok     bool
	}{
		{"ordinary", "943476591", 9, true},
		{"remainder 0 gives 0", "999000005", 0, true},
		{"check 10 is never valid", "999000000", 0, false},
		{"check 10 again", "999123456", 0, false},
		{"too short", "94347659", 0, false},
		{"too long", "9434765919", 0, false},
		{"not digits", "94347659x", 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := NHSCheckDigit(tt.first9)
			if d != tt.digit || ok != tt.ok {
				t.Errorf("NHSCheckDigit(%q) = %d, %v; want %d, %v", tt.first9, d, ok, tt.digit, tt.ok)
			}
		})
	}
}

// The allocator never repeats a number, and every number it gives is valid and in the
// test range; the range holds about 909,000 numbers.
func TestNHSAllocatorUniqueValid(t *testing.T) {
	a := newNHSAllocator(rand.New(rand.NewPCG(7, 7)))
	seen := make(map[uint64]bool)
	n := 0
	for {
		v, ok := a.next()
		if !ok {
			break
		}
		s := nhsString(v)
		if seen[v] || !ValidNHSNumber(s) || s[:3] != "999" {
			t.Fatalf("number %d: %s (seen before: %v)", n, s, seen[v])
		}
		seen[v] = true
		n++
	}
	if n < 900_000 || n > 920_000 {
		t.Errorf("test range capacity %d, want about 909,000", n)
	}
}

func TestNHSHabits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		v, _ := newNHSAllocator(r).next()
		s := nhsString(v)
		if m := nhsMistype(s, r); ValidNHSNumber(m) || len(m) != 10 || m == s {
			t.Fatalf("mistyped %s as %s: still valid or not ten digits", s, m)
		}
		if sp := nhsSpaced(s); sp != s[:3]+" "+s[3:6]+" "+s[6:] || len(sp) != 12 {
			t.Fatalf("spaced %s as %q", s, sp)
		}
	}
}

// Local ids built from permuted indices never collide.
func TestLocalIDsUnique(t *testing.T) {
	g := &gen{seed: 9}
	for _, tt := range []struct {
		name string
		id   func(int) string
	}{
		{"MRN", g.mrn},
		{"Adastra PatientRef", g.patientRef},
		{"EMIS PatientGuid", g.emisPatientGUID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(map[string]int)
			for i := range 200_000 {
				id := tt.id(i)
				if j, ok := seen[id]; ok {
					t.Fatalf("people %d and %d share %s", j, i, id)
				}
				seen[id] = i
			}
		})
	}
}
