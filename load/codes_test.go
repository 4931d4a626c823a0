package load

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// verhoeff is the check digit algorithm SNOMED CT uses, written out independently of the
// SQL macro so that each checks the other.
var (
	verhoeffD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verhoeffInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// verhoeffDigit is the check digit to append to digits.
func verhoeffDigit(digits string) byte {
	c := 0
	for i := 0; i < len(digits); i++ {
		c = verhoeffD[c][verhoeffP[(i+1)%8][digits[len(digits)-1-i]-'0']]
	}
	return byte('0' + verhoeffInv[c])
}

func TestSNOMEDIDValidMacro(t *testing.T) {
	db := openTest(t)
	for _, tt := range []struct {
		in   any
		want bool
		why  string
	}{
		{"138875005", true, "SNOMED CT Concept, the root"},
		{"404684003", true, "Clinical finding"},
		{"22298006", true, "Myocardial infarction"},
		{"73211009", true, "Diabetes mellitus"},
		{"91936005", true, "Allergy to penicillin"},
		{"39113611000001102", true, "a dm+d product in the UK extension (partition 10)"},
		{"22298007", false, "wrong check digit"},
		{"22298060", false, "last two digits swapped"},
		{"751689013", false, "a description id (partition 01), not a concept"},
		{"100005", true, "the shortest id: six digits"},
		{"10005", false, "five digits"},
		{"1234567890123456789", false, "nineteen digits"},
		{"022298006", false, "leading zero"},
		{"2229 8006", false, "a space"},
		{"22298006 ", false, "a trailing space"},
		{"S22298006", false, "a letter"},
		{"", false, "empty"},
		{nil, false, "NULL"},
	} {
		var got bool
		if err := db.QueryRow("SELECT snomed_id_valid(CAST(? AS VARCHAR))", tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("snomed_id_valid(%v) = %v, want %v (%s)", tt.in, got, tt.want, tt.why)
		}
	}

	// Thousands of ids of every length, half given their right check digit, against the Go check.
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		n := 6 + r.IntN(13)
		body := fmt.Sprintf("%d", 1+r.Int64N(8)) // no leading zero
		for len(body) < n-3 {
			body += fmt.Sprint(r.IntN(10))
		}
		body += []string{"00", "10", "01", "11"}[r.IntN(4)]
		id := body + fmt.Sprint(r.IntN(10))
		if i%2 == 0 {
			id = body + string(verhoeffDigit(body))
		}
		want := verhoeffDigit(id[:len(id)-1]) == id[len(id)-1] && (id[len(id)-3:len(id)-1] == "00" || id[len(id)-3:len(id)-1] == "10")
		var got bool
		if err := db.QueryRow("SELECT snomed_id_valid(?)", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("snomed_id_valid(%s) = %v, the Go check says %v", id, got, want)
		}
	}
}

func TestCodeShapeMacros(t *testing.T) {
	db := openTest(t)
	for _, tt := range []struct {
		macro, in string
		want      bool
	}{
		{"icd10_code_valid", "I10", true},
		{"icd10_code_valid", "I10X", true},
		{"icd10_code_valid", "E11.9", true},
		{"icd10_code_valid", "E119", true},
		{"icd10_code_valid", "S72.00", true},
		{"icd10_code_valid", "e11.9", false},
		{"icd10_code_valid", "E1.9", false},
		{"icd10_code_valid", "E11.", false},
		{"icd10_code_valid", "11.9", false},
		{"read2_code_valid", "G20..", true},
		{"read2_code_valid", "H3...", true},
		{"read2_code_valid", "1Z12.", true},
		{"read2_code_valid", "C10F.", true},
		{"read2_code_valid", "G20.", false},
		{"read2_code_valid", "G.20.", false},
		{"read2_code_valid", "G20...", false},
		{"ods_code_valid", "L81001", true},
		{"ods_code_valid", "RA7", true},
		{"ods_code_valid", "RA701", true},
		{"ods_code_valid", "l81001", false},
		{"ods_code_valid", "L8", false},
		{"ods_code_valid", "L81 001", false},
	} {
		var got bool
		if err := db.QueryRow(fmt.Sprintf("SELECT %s(?)", tt.macro), tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.macro, tt.in, got, tt.want)
		}
	}
}
