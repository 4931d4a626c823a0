// Package schedule will run the pipeline's jobs on their times (issue 7): nightly, hourly
// and the weekly board pack, in the Europe/London time zone, on github.com/go-co-op/gocron/v2.
//
// Why daily and weekly times are not handed to gocron as cron expressions: its cron jobs
// (robfig/cron underneath) skip a time that falls in the hour the clocks go forward, so a
// job at 01:30 would not run at all on the last Sunday of March. gocron's daily and weekly
// jobs build the time with time.Date, which moves a time in the gap forward by the gap
// (01:30 → 02:30 BST) and takes the later of a time that occurs twice (01:30 GMT in
// October): exactly once on both days. TestDailyJobRunsOnceOnClockChangeDays pins both.
package schedule
