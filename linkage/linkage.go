// Package linkage reports how identity resolution linked the local ids of each provider, and
// scores the links against a ground truth (the generator's truth/person_links.csv) as
// pairwise precision and recall: over every pair of local ids, whether the warehouse put them
// in one person and whether they truly are one.
package linkage

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Rate is one provider's linkage.
type Rate struct {
	Provider                                           string
	LocalIDs, NHSNumber, Merge, Probabilistic, NoMatch int64
	InReview                                           int64
	LinkedRate, SharedRate                             float64
}

// Rates reads the match rates per provider from the warehouse.
func Rates(ctx context.Context, db *sql.DB) ([]Rate, error) {
	rows, err := sqlfiles.Query(ctx, db, "reports/linkage_rates.sql")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rate
	for rows.Next() {
		var r Rate
		if err := rows.Scan(&r.Provider, &r.LocalIDs, &r.NHSNumber, &r.Merge, &r.Probabilistic, &r.NoMatch,
			&r.InReview, &r.LinkedRate, &r.SharedRate); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// WriteRates prints the rates as a table.
func WriteRates(w io.Writer, rates []Rate) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "provider\tlocal ids\tNHS number\tmerge\tprobabilistic\tno match\tin review\tlinked\tshared\t")
	var t Rate
	for _, r := range rates {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f%%\t%.2f%%\t\n", r.Provider, r.LocalIDs, r.NHSNumber, r.Merge,
			r.Probabilistic, r.NoMatch, r.InReview, 100*r.LinkedRate, 100*r.SharedRate)
		t.LocalIDs += r.LocalIDs
		t.NHSNumber += r.NHSNumber
		t.Merge += r.Merge
		t.Probabilistic += r.Probabilistic
		t.NoMatch += r.NoMatch
		t.InReview += r.InReview
	}
	if t.LocalIDs > 0 {
		fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f%%\t\t\n", t.LocalIDs, t.NHSNumber, t.Merge, t.Probabilistic,
			t.NoMatch, t.InReview, 100*float64(t.LocalIDs-t.NoMatch)/float64(t.LocalIDs))
	}
	return tw.Flush()
}

// LocalID is one provider's patient id.
type LocalID struct{ Provider, ID string }

// Score is pairwise precision and recall of the warehouse's links against a truth.
type Score struct {
	// Scored: local ids both the warehouse and the truth hold. Pairs are counted among them.
	Scored int
	// NotInWarehouse: local ids the truth has and the warehouse does not (their every
	// person record unreadable or quarantined). NotInTruth: the reverse (should be none).
	NotInWarehouse, NotInTruth int
	// TruePairs: pairs the truth says are one person; LinkedPairs: pairs the warehouse put
	// in one person; Correct: both.
	TruePairs, LinkedPairs, Correct int64
	// FalseMerges: the warehouse's people that hold more than one true person.
	// Splits: the true people spread over more than one of the warehouse's.
	FalseMerges, Splits int
	// Examples of each, for a reader to look at (at most five).
	FalseMergeExamples []int64
	SplitExamples      []string
}

// Precision: of the pairs the warehouse linked, the share that are one person (1 with none).
func (s Score) Precision() float64 {
	if s.LinkedPairs == 0 {
		return 1
	}
	return float64(s.Correct) / float64(s.LinkedPairs)
}

// Recall: of the pairs that are one person, the share the warehouse linked (1 with none).
func (s Score) Recall() float64 {
	if s.TruePairs == 0 {
		return 1
	}
	return float64(s.Correct) / float64(s.TruePairs)
}

// ScoreLinks compares the warehouse's person of each local id (links) with the truth's
// (truth: local id → the truth's person key).
func ScoreLinks(links map[LocalID]int64, truth map[LocalID]string) Score {
	var s Score
	type cell struct {
		person int64
		key    string
	}
	cells := map[cell]int64{}
	byPerson := map[int64]int64{}
	byKey := map[string]int64{}
	keysOf := map[int64]map[string]bool{}
	personsOf := map[string]map[int64]bool{}
	for id, person := range links {
		key, ok := truth[id]
		if !ok {
			s.NotInTruth++
			continue
		}
		s.Scored++
		cells[cell{person, key}]++
		byPerson[person]++
		byKey[key]++
		if keysOf[person] == nil {
			keysOf[person] = map[string]bool{}
		}
		keysOf[person][key] = true
		if personsOf[key] == nil {
			personsOf[key] = map[int64]bool{}
		}
		personsOf[key][person] = true
	}
	for id := range truth {
		if _, ok := links[id]; !ok {
			s.NotInWarehouse++
		}
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	for _, n := range cells {
		s.Correct += pairs(n)
	}
	for _, n := range byPerson {
		s.LinkedPairs += pairs(n)
	}
	for _, n := range byKey {
		s.TruePairs += pairs(n)
	}
	for person, keys := range keysOf {
		if len(keys) > 1 {
			s.FalseMerges++
			s.FalseMergeExamples = append(s.FalseMergeExamples, person)
		}
	}
	for key, persons := range personsOf {
		if len(persons) > 1 {
			s.Splits++
			s.SplitExamples = append(s.SplitExamples, key)
		}
	}
	slices.Sort(s.FalseMergeExamples)
	slices.Sort(s.SplitExamples)
	s.FalseMergeExamples = s.FalseMergeExamples[:min(5, len(s.FalseMergeExamples))]
	s.SplitExamples = s.SplitExamples[:min(5, len(s.SplitExamples))]
	return s
}

// ReadLinks reads every local id's person from the warehouse.
func ReadLinks(ctx context.Context, db *sql.DB) (map[LocalID]int64, error) {
	rows, err := sqlfiles.Query(ctx, db, "reports/linkage_links.sql")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[LocalID]int64{}
	for rows.Next() {
		var id LocalID
		var person sql.NullInt64
		if err := rows.Scan(&id.Provider, &id.ID, &person); err != nil {
			return nil, err
		}
		if person.Valid {
			out[id] = person.Int64
		}
	}
	return out, rows.Err()
}

// ReadTruth reads a truth/person_links.csv (provider, local_id, person_key). name is used in
// messages.
func ReadTruth(r io.Reader, name string) (map[LocalID]string, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s line 1: %w", name, err)
	}
	want := []string{"provider", "local_id", "person_key"}
	if !slices.Equal(header, want) {
		return nil, fmt.Errorf("read %s line 1: header %v, want %v", name, header, want)
	}
	out := map[LocalID]string{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s line %d: %w", name, line, err)
		}
		if rec[0] == "" || rec[1] == "" || rec[2] == "" {
			return nil, fmt.Errorf("read %s line %d: provider, local_id and person_key are all required", name, line)
		}
		out[LocalID{rec[0], rec[1]}] = rec[2]
	}
}

// WriteScore prints a score for people.
func WriteScore(w io.Writer, s Score) {
	fmt.Fprintf(w, "pairwise precision %.5f  recall %.5f  (%d local ids scored; %d true pairs, %d linked, %d both)\n",
		s.Precision(), s.Recall(), s.Scored, s.TruePairs, s.LinkedPairs, s.Correct)
	fmt.Fprintf(w, "false merges: %d person(s) holding more than one true person %v\n", s.FalseMerges, s.FalseMergeExamples)
	fmt.Fprintf(w, "splits: %d true person(s) spread over more than one person %v\n", s.Splits, s.SplitExamples)
	if s.NotInWarehouse > 0 || s.NotInTruth > 0 {
		fmt.Fprintf(w, "not scored: %d local id(s) of the truth the warehouse does not hold (no readable, unquarantined person record); %d not in the truth\n",
			s.NotInWarehouse, s.NotInTruth)
	}
}
