package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"
)

// Spec is a job's time from the configuration: a five-field cron expression (minute hour
// day-of-month month day-of-week) in the scheduler's time zone.
type Spec struct {
	Expr  string
	def   gocron.JobDefinition
	times cron.Schedule
	What  string // in words, for logs and the status page
}

// Next is the spec's first time after t, in t's time zone: when a feed's next file is due.
func (s Spec) Next(t time.Time) time.Time { return s.times.Next(t) }

// Definition is the gocron job definition the spec stands for.
func (s Spec) Definition() gocron.JobDefinition { return s.def }

// ParseSpec reads a cron expression. A fixed time of day on every day, or on some days of
// the week ("30 2 * * *", "0 6 * * 1"), becomes one of gocron's daily or weekly jobs, which
// run exactly once on the days the clocks change (see the package comment); anything else
// ("10 * * * *", "*/15 7-19 * * 1-5") stays a cron job, for which an hour the clocks skip or
// repeat matters no more than any other hour.
func ParseSpec(expr string) (Spec, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return Spec{}, fmt.Errorf("schedule %q: want five fields (minute hour day-of-month month day-of-week), e.g. \"30 2 * * *\"", expr)
	}
	minute, errM := strconv.Atoi(fields[0])
	hour, errH := strconv.Atoi(fields[1])
	fixed := errM == nil && errH == nil && fields[2] == "*" && fields[3] == "*"
	if fixed && (minute < 0 || minute > 59 || hour < 0 || hour > 23) {
		return Spec{}, fmt.Errorf("schedule %q: minute 0–59 and hour 0–23", expr)
	}
	at := gocron.NewAtTimes(gocron.NewAtTime(uint(hour), uint(minute), 0))
	clock := fmt.Sprintf("%02d:%02d", hour, minute)
	switch {
	case fixed && fields[4] == "*":
		next, err := cron.ParseStandard(expr)
		if err != nil {
			return Spec{}, fmt.Errorf("schedule %q: %w", expr, err)
		}
		return Spec{Expr: expr, def: gocron.DailyJob(1, at), times: next, What: "every day at " + clock}, nil
	case fixed:
		days, names, err := weekdays(fields[4])
		if err != nil {
			return Spec{}, fmt.Errorf("schedule %q: %w", expr, err)
		}
		nums := make([]string, len(days))
		for i, d := range days {
			nums[i] = strconv.Itoa(int(d))
		}
		next, err := cron.ParseStandard(fmt.Sprintf("%d %d * * %s", minute, hour, strings.Join(nums, ",")))
		if err != nil {
			return Spec{}, fmt.Errorf("schedule %q: %w", expr, err)
		}
		return Spec{Expr: expr, def: gocron.WeeklyJob(1, gocron.NewWeekdays(days[0], days[1:]...), at), times: next,
			What: "every " + strings.Join(names, ", ") + " at " + clock}, nil
	}
	def := gocron.CronJob(expr, false)
	what := "cron " + expr
	if m, err := strconv.Atoi(fields[0]); err == nil && m >= 0 && m < 60 && fields[1] == "*" && fields[2] == "*" && fields[3] == "*" && fields[4] == "*" {
		what = fmt.Sprintf("every hour at :%02d", m)
	}
	// gocron checks the expression only when the job is added; check it now, by adding it
	// to a scheduler that never starts, so that a mistake is a configuration error.
	s, err := gocron.NewScheduler()
	if err != nil {
		return Spec{}, err
	}
	defer s.Shutdown()
	if _, err := s.NewJob(def, gocron.NewTask(func() {})); err != nil {
		return Spec{}, fmt.Errorf("schedule %q: %w", expr, err)
	}
	next, err := cron.ParseStandard(expr)
	if err != nil {
		return Spec{}, fmt.Errorf("schedule %q: %w", expr, err)
	}
	return Spec{Expr: expr, def: def, times: next, What: what}, nil
}

// weekdays reads a day-of-week field: numbers 0–7 (0 and 7 are Sunday) or three-letter
// names, separated by commas, with ranges (1-5).
func weekdays(field string) ([]time.Weekday, []string, error) {
	var days []time.Weekday
	seen := map[time.Weekday]bool{}
	for _, part := range strings.Split(field, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := weekday(lo)
		if err != nil {
			return nil, nil, err
		}
		b := a
		if isRange {
			if b, err = weekday(hi); err != nil {
				return nil, nil, err
			}
			if b < a {
				return nil, nil, fmt.Errorf("day-of-week range %q runs backwards", part)
			}
		}
		for d := a; d <= b; d++ {
			if !seen[d%7] {
				seen[d%7] = true
				days = append(days, d%7)
			}
		}
	}
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = d.String()
	}
	return days, names, nil
}

func weekday(s string) (time.Weekday, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 7 {
			return 0, fmt.Errorf("day of week %d: want 0–7 (0 and 7 are Sunday)", n)
		}
		return time.Weekday(n), nil
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(s, d.String()[:3]) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("day of week %q: want 0–7 or Sun … Sat", s)
}
