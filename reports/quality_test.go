package reports

import "testing"

func TestScore(t *testing.T) {
	for _, tt := range []struct {
		name            string
		checked, failed int64
		errorRuleFailed bool
		shown           string
		band            Band
		marker          string
	}{
		{"nothing failed", 1000, 0, false, "100.0%", Green, ""},
		{"green from 99.0%", 1000, 10, false, "99.0%", Green, ""},
		{"just below 99.0% is amber", 100000, 1001, false, "98.9%", Amber, ""},
		{"rounded down: 99.96% shows 99.9%", 10000, 4, false, "99.9%", Green, ""},
		{"rounded down: one failure in a million is not 100.0%", 1000000, 1, false, "99.9%", Green, ""},
		{"amber from 95.0%", 1000, 50, false, "95.0%", Amber, ""},
		{"just below 95.0% is red", 100000, 5001, false, "94.9%", Red, ""},
		{"everything failed", 20, 20, false, "0.0%", Red, ""},
		{"an error rule failed caps green at amber", 1000, 2, true, "99.8%", Amber, "*"},
		{"an error rule failed leaves amber amber", 1000, 30, true, "97.0%", Amber, "*"},
		{"an error rule failed leaves red red", 1000, 100, true, "90.0%", Red, "*"},
		{"no rows checked: not applicable", 0, 0, false, "–", NoBand, ""},
		{"no rows checked, even with a failed rule", 0, 0, true, "–", NoBand, ""},
		{"more failures than rows counts as none passed", 10, 12, false, "0.0%", Red, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := score(tt.checked, tt.failed, tt.errorRuleFailed)
			if s.Shown() != tt.shown || s.Band != tt.band || s.Marker() != tt.marker {
				t.Errorf("score(%d, %d, %v) = %s %q %q, want %s %q %q", tt.checked, tt.failed, tt.errorRuleFailed,
					s.Shown(), s.Band, s.Marker(), tt.shown, tt.band, tt.marker)
			}
		})
	}
}

// A provider's overall score is its categories' rows together, capped if any error rule failed.
func TestScorePlus(t *testing.T) {
	got := score(1000, 0, false).plus(score(1000, 2, true)).plus(Score{})
	if got.Checked != 2000 || got.Failed != 2 || got.Shown() != "99.9%" || got.Band != Amber || got.Marker() != "*" {
		t.Errorf("plus: %+v %s", got, got.Shown())
	}
}

func TestSparkline(t *testing.T) {
	q := &Quality{Runs: []QualityRun{{RunID: 1}, {RunID: 2}, {RunID: 4}, {RunID: 6}, {RunID: 7}}, Floor: 900}
	sp := q.sparkline("Conformance", []Score{score(1000, 0, false), score(1000, 5, false), score(100, 10, false), {}, score(100, 5, false)})
	// x from 3 to 97 in four steps. y: three zones of 8 below a pad of 3: 100% at 3, 99.5%
	// halfway down the green zone at 7, 99% at 11, 95% at 19, and the floor, 90%, at 27.
	if len(sp.Lines) != 1 || sp.Lines[0] != "3.0,3.0 26.5,7.0 50.0,27.0" {
		t.Errorf("lines: %q", sp.Lines)
	}
	if len(sp.Dots) != 1 || sp.Dots[0] != (Point{"97.0", "19.0"}) {
		t.Errorf("dots: %q", sp.Dots)
	}
	if want := "Conformance, runs 1 to 7: 100.0%, 99.5%, 90.0%, no rows checked, 95.0%"; sp.Label != want {
		t.Errorf("label %q, want %q", sp.Label, want)
	}
	if sp.GreenY != "11.0" || sp.AmberY != "19.0" || sp.Height != 30 || sp.Empty {
		t.Errorf("thresholds %s %s, height %d, empty %v", sp.GreenY, sp.AmberY, sp.Height, sp.Empty)
	}
	if sp := q.sparkline("Uniqueness", make([]Score, 5)); !sp.Empty || len(sp.Dots)+len(sp.Lines) != 0 {
		t.Errorf("no rows checked: %+v", sp)
	}
}
