package synth

import "time"

// Calendar dates are held as days since 1970-01-01 (int32): small, ordered, and quick to
// format, which matters when millions of records are written.

type day = int32

// noDay marks an absent date (an ongoing problem, an active medication).
const noDay day = -1 << 31

// civil converts a day number to a proleptic Gregorian year, month and day
// (H. Hinnant's days_from_civil inverse).
func civil(n day) (y, m, d int) {
	z := int64(n) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// dayOf converts a civil date to its day number.
func dayOf(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

func dayOfTime(t time.Time) day {
	y, m, d := t.Date()
	return dayOf(y, int(m), d)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendISO appends YYYY-MM-DD.
func appendISO(b []byte, n day) []byte {
	y, m, d := civil(n)
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d)
}

// appendDMY appends dd/mm/yyyy.
func appendDMY(b []byte, n day) []byte {
	y, m, d := civil(n)
	b = append2(b, d)
	b = append(b, '/')
	b = append2(b, m)
	b = append(b, '/')
	return append4(b, y)
}

func isoDate(n day) string { return string(appendISO(nil, n)) }
func dmyDate(n day) string { return string(appendDMY(nil, n)) }

// isoDateTime formats a day and a second of that day as YYYY-MM-DDTHH:MM:SS.
func isoDateTime(n day, sec int) string {
	b := make([]byte, 0, 19)
	b = appendISO(b, n)
	b = append(b, 'T')
	b = append2(b, sec/3600)
	b = append(b, ':')
	b = append2(b, sec/60%60)
	b = append(b, ':')
	b = append2(b, sec%60)
	return string(b)
}

// london is the zone every local time in the community is written in.
var london = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("synth: Europe/London time zone: " + err.Error()) // time/tzdata is embedded
	}
	return loc
}()

// localTime is the instant at hour:min on day n, London time.
func localTime(n day, hour, min int) time.Time {
	y, m, d := civil(n)
	return time.Date(y, time.Month(m), d, hour, min, 0, 0, london)
}

// dateOrEmpty formats an optional date.
func dateOrEmpty(n day, format func(day) string) string {
	if n == noDay {
		return ""
	}
	return format(n)
}

// appendLocal formats t with layout, reusing b's storage.
func appendLocal(b []byte, t time.Time, layout string) string {
	return string(t.AppendFormat(b[:0], layout))
}
