package transform

import (
	"math"
	"testing"
)

// joinEdge is one join the test asks for and whether it should succeed.
type joinEdge struct {
	a, b         int32
	numA, numB   bool
	force, joins bool
}

func TestGroupJoiner(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edges []joinEdge
		roots map[int32]int32 // group → expected root
	}{
		{"a score joins an open group to a numbered one, and another open one to both", []joinEdge{{2, 1, false, true, false, true}, {3, 2, false, false, false, true}},
			map[int32]int32{1: 1, 2: 1, 3: 1}},
		{"a score never joins two numbered groups, even through an open one", []joinEdge{{3, 1, false, true, false, true}, {3, 2, false, true, false, false}},
			map[int32]int32{1: 1, 2: 2, 3: 1}},
		{"a provider's merge joins two numbered groups", []joinEdge{{4, 2, true, true, true, true}},
			map[int32]int32{2: 2, 4: 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := newGroupJoiner(5)
			for _, e := range tt.edges {
				if got := j.join(e.a, e.b, e.numA, e.numB, e.force); got != e.joins {
					t.Errorf("join(%d, %d) = %v, want %v", e.a, e.b, got, e.joins)
				}
			}
			for g, want := range tt.roots {
				if got := j.find(g); got != want {
					t.Errorf("group %d in cluster %d, want %d", g, got, want)
				}
			}
		})
	}
}

// EM recovers the m probabilities that generated the patterns, with u known: pairs drawn
// from a known mixture of matches and non-matches, counted by pattern as the SQL does.
func TestEMRecoversM(t *testing.T) {
	trueM := []map[int]float64{
		{3: 0.9, 2: 0.05, 0: 0.05}, {3: 0.85, 2: 0.05, 1: 0.05, 0: 0.05}, {3: 0.8, 2: 0.1, 1: 0.05, 0: 0.05},
		{3: 0.9, 2: 0.04, 1: 0.03, 0: 0.03}, {1: 0.97, 0: 0.03}, {3: 0.7, 2: 0.1, 1: 0.1, 0: 0.1},
	}
	u := []map[int]float64{
		{3: 0.001, 2: 0.001, 0: 0.998}, {3: 0.01, 2: 0.01, 1: 0.03, 0: 0.95}, {3: 0.01, 2: 0.01, 1: 0.03, 0: 0.95},
		{3: 0.001, 2: 0.001, 1: 0.003, 0: 0.995}, {1: 0.5, 0: 0.5}, {3: 0.001, 2: 0.01, 1: 0.05, 0: 0.939},
	}
	const lambda, pairs = 0.2, 1e6
	// Expected counts of every pattern under the mixture (exact, not sampled).
	var patterns []pattern
	var walk func(k int, levels [6]int, pm, pu float64)
	walk = func(k int, levels [6]int, pm, pu float64) {
		if k == len(comparisons) {
			patterns = append(patterns, pattern{levels: levels, pairs: pairs * (lambda*pm + (1-lambda)*pu)})
			return
		}
		for l := range comparisons[k].labels {
			levels[k] = l
			walk(k+1, levels, pm*trueM[k][l], pu*u[k][l])
		}
	}
	walk(0, [6]int{}, 1, 1)
	start := make([]map[int]float64, len(comparisons))
	for k, c := range comparisons {
		start[k] = c.m
	}
	got := em(patterns, start, u, map[string]bool{"sex": true}, 200)
	for k, c := range comparisons {
		for l := range c.labels {
			want := trueM[k][l]
			if c.name == "sex" {
				want = c.m[l] // held fixed
			}
			if math.Abs(got[k][l]-want) > 0.01 {
				t.Errorf("m[%s][%d] = %.4f, want %.4f", c.name, l, got[k][l], want)
			}
		}
	}
}

func TestLevelShares(t *testing.T) {
	c := comparisons[4] // sex: levels 1 and 0
	shares, ok := levelShares([]pattern{{levels: [6]int{0, 0, 0, 0, 1, 0}, pairs: 99}, {levels: [6]int{0, 0, 0, 0, -1, 0}, pairs: 1000}}, 4, c)
	if !ok || math.Abs(shares[1]-99.5/100) > 1e-9 || math.Abs(shares[0]-0.5/100) > 1e-9 {
		t.Errorf("shares %v (missing pairs must not count; every level gets half a pair)", shares)
	}
	if _, ok := levelShares(nil, 4, c); ok {
		t.Error("no pairs: want ok = false")
	}
}
