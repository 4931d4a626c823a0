package linkage

import (
	"strings"
	"testing"
)

func TestScoreLinks(t *testing.T) {
	id := func(s string) LocalID { p, l, _ := strings.Cut(s, "/"); return LocalID{p, l} }
	truth := map[LocalID]string{
		id("gp/1"): "A", id("acute/1"): "A", id("social/1"): "A",
		id("gp/2"): "B", id("acute/2"): "B",
		id("gp/3"): "C",
	}
	for _, tt := range []struct {
		name                   string
		links                  map[string]int64
		precision, recall      float64
		merges, splits, absent int
	}{
		{"perfect", map[string]int64{"gp/1": 1, "acute/1": 1, "social/1": 1, "gp/2": 2, "acute/2": 2, "gp/3": 3}, 1, 1, 0, 0, 0},
		// A's social record left alone: A's 3 pairs become 1 linked; B's 1 pair linked.
		{"one missed link", map[string]int64{"gp/1": 1, "acute/1": 1, "social/1": 9, "gp/2": 2, "acute/2": 2, "gp/3": 3}, 1, 2.0 / 4, 0, 1, 0},
		// B and C merged: linked pairs 3 (A) + 3 (B+C), correct 3 + 1.
		{"one false merge", map[string]int64{"gp/1": 1, "acute/1": 1, "social/1": 1, "gp/2": 2, "acute/2": 2, "gp/3": 2}, 4.0 / 6, 1, 1, 0, 0},
		{"nothing linked", map[string]int64{"gp/1": 1, "acute/1": 2, "social/1": 3, "gp/2": 4, "acute/2": 5, "gp/3": 6}, 1, 0, 0, 2, 0},
		{"a local id the warehouse lacks", map[string]int64{"gp/1": 1, "acute/1": 1, "gp/2": 2, "acute/2": 2, "gp/3": 3}, 1, 1, 0, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			links := map[LocalID]int64{}
			for k, v := range tt.links {
				links[id(k)] = v
			}
			s := ScoreLinks(links, truth)
			if s.Precision() != tt.precision || s.Recall() != tt.recall {
				t.Errorf("precision %v recall %v, want %v %v (%+v)", s.Precision(), s.Recall(), tt.precision, tt.recall, s)
			}
			if s.FalseMerges != tt.merges || s.Splits != tt.splits || s.NotInWarehouse != tt.absent {
				t.Errorf("merges %d splits %d absent %d, want %d %d %d", s.FalseMerges, s.Splits, s.NotInWarehouse, tt.merges, tt.splits, tt.absent)
			}
		})
	}
}

func TestReadTruthErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"provider,local_id\n", "t.csv line 1: header"},
		{"provider,local_id,person_key\ngp,1,P1\ngp,,P2\n", "t.csv line 3: provider, local_id and person_key are all required"},
		{"provider,local_id,person_key\ngp,1\n", "t.csv line 2:"},
	} {
		if _, err := ReadTruth(strings.NewReader(tt.in), "t.csv"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}
