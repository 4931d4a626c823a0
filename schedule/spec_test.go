package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	for _, tt := range []struct {
		expr, what, err string
	}{
		{"30 2 * * *", "every day at 02:30", ""},
		{"0 6 * * 1", "every Monday at 06:00", ""},
		{"0 6 * * mon,WED", "every Monday, Wednesday at 06:00", ""},
		{"15 18 * * 1-5", "every Monday, Tuesday, Wednesday, Thursday, Friday at 18:15", ""},
		{"0 9 * * 0,7", "every Sunday at 09:00", ""},
		{"10 * * * *", "every hour at :10", ""},
		{"*/15 7-19 * * 1-5", "cron */15 7-19 * * 1-5", ""},
		{"30 2 1 * *", "cron 30 2 1 * *", ""},
		{"30 2 * *", "", "five fields"},
		{"61 2 * * *", "", "minute 0–59"},
		{"30 24 * * *", "", "hour 0–23"},
		{"0 6 * * 8", "", "want 0–7"},
		{"0 6 * * fri-mon", "", "runs backwards"},
		{"0 6 * * funday", "", "Sun … Sat"},
		{"99 * * * *", "", "schedule"},
	} {
		s, err := ParseSpec(tt.expr)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want one saying %q", tt.expr, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.expr, err)
		case tt.err == "" && s.What != tt.what:
			t.Errorf("%q: %q, want %q", tt.expr, s.What, tt.what)
		}
	}
}

// TestWeeklySpecRunsOnItsDayOnly: the board pack's "0 6 * * 1" runs on Monday at 06:00
// London time, once, and not on the Sunday before.
func TestWeeklySpecRunsOnItsDayOnly(t *testing.T) {
	s, err := ParseSpec("0 6 * * 1")
	if err != nil {
		t.Fatal(err)
	}
	runs := runsOver(t, time.Date(2027, 3, 27, 12, 0, 0, 0, london), s.Definition())
	if len(runs) != 1 || runs[0].Weekday() != time.Monday || runs[0].Hour() != 6 || runs[0].Minute() != 0 {
		t.Errorf("runs %v, want Monday 29 March 2027 06:00 only", runs)
	}
}

// FuzzParseSpec: a schedule from the configuration is refused with an error or accepted as
// a spec that says what it is and has a next time after any moment; it never panics.
func FuzzParseSpec(f *testing.F) {
	for _, seed := range []string{"30 2 * * *", "0 6 * * mon,WED", "15 18 * * 1-5", "0 9 * * 0,7", "10 * * * *",
		"*/15 7-19 * * 1-5", "30 2 1 * *", "0 6 * * fri-mon", "0 6 * * 8", "-1 2 * * *", "0 6 * * 1-", "0 6 * * ,"} {
		f.Add(seed)
	}
	from := time.Date(2027, 3, 27, 12, 0, 0, 0, london)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := ParseSpec(expr)
		if err != nil {
			if !strings.Contains(err.Error(), "schedule") {
				t.Errorf("%q: error %q does not say it is about the schedule", expr, err)
			}
			return
		}
		if s.What == "" || s.Definition() == nil {
			t.Errorf("%q: accepted without a description or a job definition: %+v", expr, s)
		}
		// Some valid expressions never fire (30 February): robfig/cron gives the zero time.
		if next := s.Next(from); !next.IsZero() && !next.After(from) {
			t.Errorf("%q: next time %v is not after %v", expr, next, from)
		}
	})
}
