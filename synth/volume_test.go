package synth

import (
	"bytes"
	"strings"
	"testing"
)

// The ADT volume file's patients look like a community's: names from the lists, NHS numbers
// valid by Modulus 11 but for the habits' share, and one NHS number per hospital number.
func TestWriteADTVolumePatients(t *testing.T) {
	var b bytes.Buffer
	n, err := WriteADTVolume(&b, 2<<20)
	if err != nil || n == 0 {
		t.Fatal(n, err)
	}
	numberOf := map[string]string{}
	valid, total := 0, 0
	for _, seg := range strings.Split(b.String(), "\r") {
		if !strings.HasPrefix(seg, "PID|") {
			continue
		}
		f := strings.Split(seg, "|")
		ids := strings.Split(f[3], "~")
		mrn := strings.Split(ids[0], "^")[0]
		nhs := ""
		if len(ids) > 1 {
			nhs = strings.Split(ids[1], "^")[0]
		}
		total++
		if ValidNHSNumber(nhs) {
			valid++
			if prev, ok := numberOf[mrn]; ok && prev != nhs && ValidNHSNumber(prev) {
				t.Fatalf("%s carries %s and %s", mrn, prev, nhs)
			}
			numberOf[mrn] = nhs
		}
		if name := strings.Split(f[5], "^"); len(name) != 2 || name[0] == "" || name[1] == "" {
			t.Fatalf("PID-5 %q", f[5])
		}
	}
	if share := float64(valid) / float64(total); share < 0.95 || share > 0.99 {
		t.Errorf("%.3f of NHS numbers valid, want the habits' ~0.97", share)
	}
}
