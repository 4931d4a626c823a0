package pipelines_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bnssg-connecting-care/ccare/linkage"
	"github.com/bnssg-connecting-care/ccare/pipelines"
	"github.com/bnssg-connecting-care/ccare/synth"
)

// TestLinkageOnTheDemoCommunity: identity resolution on the default demo community (20,000
// people, default habit and variant rates), scored against the generator's truth; then the
// next day's files, after which no existing person may have a new person_id unless
// core.person_id_event says it was merged.
func TestLinkageOnTheDemoCommunity(t *testing.T) {
	if testing.Short() {
		t.Skip("the default demo community: 20,000 people")
	}
	ctx := context.Background()
	dir := t.TempDir()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := synth.Generate(ctx, synth.Options{Dir: dir, Day: day}); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipelines.DemoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	c := &community{cfg: cfg}
	truthOf := func() map[linkage.LocalID]string { return truthLinks(t, dir) }
	links := func() map[linkage.LocalID]int64 {
		db := c.db(t)
		defer db.Close()
		l, err := linkage.ReadLinks(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	first := links()
	score := linkage.ScoreLinks(first, truthOf())
	t.Logf("day 1: precision %.5f recall %.5f, %d local ids, %d true pairs, %d false merges, %d splits",
		score.Precision(), score.Recall(), score.Scored, score.TruePairs, score.FalseMerges, score.Splits)
	if score.Precision() < 0.999 || score.Recall() < 0.97 {
		t.Errorf("pairwise precision %.5f (want ≥ 0.999), recall %.5f (want ≥ 0.97): %+v", score.Precision(), score.Recall(), score)
	}
	if score.Scored < 40000 {
		t.Errorf("only %d local ids scored", score.Scored)
	}
	db := c.db(t)
	for _, q := range []struct{ what, q string }{
		{"probabilistic links", "SELECT count(*) FROM core.person_link WHERE match_method = 'probabilistic'"},
		{"links on a demographic match without any NHS number", "SELECT count(*) FROM core.person_link WHERE match_method = 'probabilistic' AND link_note LIKE '%no NHS number'"},
		{"m estimated from labelled pairs", "SELECT count(*) FROM core.link_model WHERE m_source = 'labelled-pairs'"},
		{"m of the NHS number by EM", "SELECT count(*) FROM core.link_model WHERE comparison = 'nhs' AND m_source = 'em'"},
	} {
		if count(t, db, q.q) == 0 {
			t.Errorf("no %s: %s", q.what, q.q)
		}
	}
	if n := checkHL7Merges(t, db); n == 0 {
		t.Error("no A40 of the demo community was taken back by an A37")
	} else {
		t.Logf("day 1: %d mistaken A40 merges taken back by an A37, the pairs left apart", n)
	}
	db.Close()

	// The next day: new files, the same people.
	if _, err := synth.Generate(ctx, synth.Options{Dir: dir, Day: day.AddDate(0, 0, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.Run(ctx, cfg, pipelines.RunOptions{Job: "nightly"}); err != nil {
		t.Fatal(err)
	}
	second := links()
	db = c.db(t)
	merged := map[int64]int64{}
	rows, err := db.Query("SELECT person_id, other_person_id FROM core.person_id_event WHERE event = 'merged'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var from int64
		var into sql.NullInt64
		if err := rows.Scan(&from, &into); err != nil {
			t.Fatal(err)
		}
		merged[from] = into.Int64
	}
	rows.Close()
	maxFirst := int64(0)
	for _, p := range first {
		maxFirst = max(maxFirst, p)
	}
	changed, kept, fresh := 0, 0, 0
	for id, p2 := range second {
		p1, ok := first[id]
		switch {
		case !ok:
			if p2 > maxFirst {
				fresh++
			}
		case p1 == p2:
			kept++
		case merged[p1] == p2:
			changed++ // a merge says so
		default:
			t.Errorf("%s/%s: person_id %d on day 1, %d on day 2, and no merge says so", id.Provider, id.ID, p1, p2)
		}
	}
	t.Logf("day 2: %d local ids kept their person_id, %d moved by a recorded merge, %d new local ids in new people", kept, changed, fresh)
	if kept < len(first)*99/100 {
		t.Errorf("only %d of %d local ids kept their person_id", kept, len(first))
	}
	if n := count(t, db, "SELECT count(*) - count(DISTINCT person_id) FROM core.person_id_event WHERE event = 'issued'"); n != 0 {
		t.Errorf("%d person_ids issued twice", n)
	}
	score = linkage.ScoreLinks(second, truthOf())
	if score.Precision() < 0.999 || score.Recall() < 0.97 {
		t.Errorf("day 2: pairwise precision %.5f, recall %.5f", score.Precision(), score.Recall())
	}
}

// truthLinks reads the generator's truth/person_links.csv under dir.
func truthLinks(tb testing.TB, dir string) map[linkage.LocalID]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "truth", "person_links.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	truth, err := linkage.ReadTruth(f, f.Name())
	if err != nil {
		tb.Fatal(err)
	}
	return truth
}
