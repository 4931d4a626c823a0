package reports

import "strconv"

// SuppressionPolicy is printed with every report that counts people.
const SuppressionPolicy = "Counts of people between 1 and 7 are shown as <8; other counts of people are rounded to the nearest 5 (NHS England small-number suppression). Counts of records are exact."

// suppressed publishes a count of people under SuppressionPolicy.
func suppressed(n int64) Count {
	switch {
	case n == 0:
		return Count{Value: n, Shown: "0"}
	case n < 8:
		return Count{Value: n, Shown: "<8"}
	default:
		return Count{Value: n, Shown: strconv.FormatInt((n+2)/5*5, 10)}
	}
}

// plain publishes a count of records (not people) exactly.
func plain(n int64) Count { return Count{Value: n, Shown: strconv.FormatInt(n, 10)} }
