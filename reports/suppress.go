package reports

import (
	"fmt"
	"strconv"
	"strings"
)

// Disclosure is the statistical disclosure control applied to every count of people a
// report publishes: a count from 1 to SuppressBelow-1 is shown as "<SuppressBelow", and
// any other count is rounded to the nearest multiple of RoundTo (halves up). The model
// behind a report may use exact counts; what leaves the warehouse does not.
type Disclosure struct {
	SuppressBelow int64 // counts 1 … SuppressBelow-1 are suppressed; 0 suppresses nothing
	RoundTo       int64 // 1 publishes counts unrounded
}

// DefaultDisclosure is NHS England's usual small-number policy: 1 to 7 suppressed, the
// rest rounded to the nearest 5.
var DefaultDisclosure = Disclosure{SuppressBelow: 8, RoundTo: 5}

// SuppressionPolicy is printed with every report that counts people (the default policy).
var SuppressionPolicy = DefaultDisclosure.Policy()

// Policy says in words what the policy does, for a report's notes.
func (d Disclosure) Policy() string {
	if d == DefaultDisclosure {
		return "Counts of people between 1 and 7 are shown as <8; other counts of people are rounded to the nearest 5 (NHS England small-number suppression). Counts of records are exact."
	}
	s := ""
	if d.SuppressBelow > 1 {
		s = fmt.Sprintf("Counts of people between 1 and %d are shown as <%d; other counts of people are ", d.SuppressBelow-1, d.SuppressBelow)
	} else {
		s = "Counts of people are "
	}
	if d.RoundTo > 1 {
		s += fmt.Sprintf("rounded to the nearest %d.", d.RoundTo)
	} else {
		s += "shown exactly."
	}
	return s + " Counts of records are exact."
}

// PolicyForAllCounts says what the policy does where it applies to every count published
// (the board pack rounds counts of encounters and records too, not only of people).
func (d Disclosure) PolicyForAllCounts() string {
	p := d.Policy()
	p = strings.TrimSuffix(p, " Counts of records are exact.")
	return p + " In this report every count — of people, encounters or records — is published this way."
}

// Count publishes a count of people under the policy.
func (d Disclosure) Count(n int64) Count {
	v, ok := d.Published(n)
	if !ok {
		return Count{Value: n, Shown: "<" + strconv.FormatInt(d.SuppressBelow, 10)}
	}
	return Count{Value: n, Shown: strconv.FormatInt(v, 10)}
}

// Published is the number the reader may see for a count n, and false when n is
// suppressed (a model that computes from published figures then counts it as 0).
func (d Disclosure) Published(n int64) (int64, bool) {
	if n == 0 {
		return 0, true
	}
	if n > 0 && n < d.SuppressBelow {
		return 0, false
	}
	if d.RoundTo <= 1 {
		return n, true
	}
	return (n + d.RoundTo/2) / d.RoundTo * d.RoundTo, true
}

// plain publishes a count of records (not people) exactly.
func plain(n int64) Count { return Count{Value: n, Shown: strconv.FormatInt(n, 10)} }
