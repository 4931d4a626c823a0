package transform

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// The master patient index: which local ids (a provider's patient ids) are one person.
// SQL (sql/identity/) gathers each local id's evidence, blocks candidate pairs and scores
// them; Go does the two steps SQL does badly: the EM iterations that estimate the
// Fellegi-Sunter m probabilities from the counts of comparison patterns (a few hundred rows),
// and joining groups of local ids into people along the accepted links (union-find with the
// rule that two NHS numbers are never joined by a score).

// Linkage configures identity resolution (ccare.yaml, linkage:).
type Linkage struct {
	// LinkThreshold: a candidate pair at or above this match probability is linked.
	LinkThreshold float64 `yaml:"link_threshold"`
	// ReviewThreshold: between this and LinkThreshold, the pair goes to core.link_review.
	ReviewThreshold float64 `yaml:"review_threshold"`
	// EM: estimate m from the data (true), or use the configured or default m (false).
	EM *bool `yaml:"em"`
	// EMIterations bounds each EM training session.
	EMIterations int `yaml:"em_iterations"`
	// TrainingPairs: about how many pairs each EM session and the u sample look at.
	TrainingPairs int `yaml:"training_pairs"`
	// MaxBlock: a blocking key shared by more local ids than this is not used.
	MaxBlock int `yaml:"max_block"`
	// M and U override the estimates: comparison → level → probability.
	M map[string]map[int]float64 `yaml:"m"`
	U map[string]map[int]float64 `yaml:"u"`
}

// DefaultLinkage is the configuration when ccare.yaml says nothing.
func DefaultLinkage() Linkage {
	em := true
	return Linkage{LinkThreshold: 0.99, ReviewThreshold: 0.5, EM: &em, EMIterations: 50, TrainingPairs: 1_000_000, MaxBlock: 200}
}

// comparison is one attribute compared between two records, and its levels (highest is
// closest; sql/identity/20_compare.sql computes them).
type comparison struct {
	name   string
	labels map[int]string
	m      map[int]float64 // starting m: a reasonable guess EM moves from
}

var comparisons = []comparison{
	{"nhs", map[int]string{3: "same NHS number", 2: "one keying slip apart", 0: "different"},
		map[int]float64{3: 0.95, 2: 0.04, 0: 0.01}},
	{"family", map[int]string{3: "same family name", 2: "Jaro-Winkler ≥ 0.92", 1: "Jaro-Winkler ≥ 0.80 or same Soundex", 0: "different"},
		map[int]float64{3: 0.90, 2: 0.05, 1: 0.03, 0: 0.02}},
	{"given", map[int]string{3: "same given name", 2: "Jaro-Winkler ≥ 0.92", 1: "Jaro-Winkler ≥ 0.80, same Soundex or a short form", 0: "different"},
		map[int]float64{3: 0.88, 2: 0.04, 1: 0.04, 0: 0.04}},
	{"birth", map[int]string{3: "same birth date", 2: "day and month swapped", 1: "one character apart", 0: "different"},
		map[int]float64{3: 0.94, 2: 0.02, 1: 0.02, 0: 0.02}},
	{"sex", map[int]string{1: "same sex", 0: "different"},
		map[int]float64{1: 0.98, 0: 0.02}},
	{"postcode", map[int]string{3: "same postcode", 2: "same sector", 1: "same district", 0: "different"},
		map[int]float64{3: 0.80, 2: 0.05, 1: 0.05, 0: 0.10}},
}

// ComparisonNames are the comparisons the model has, for configuration messages.
func ComparisonNames() []string {
	names := make([]string, len(comparisons))
	for k, c := range comparisons {
		names[k] = c.name
	}
	return names
}

// ComparisonLevels are the levels of comparison name, highest first.
func ComparisonLevels(name string) ([]int, bool) {
	for _, c := range comparisons {
		if c.name == name {
			levels := make([]int, 0, len(c.labels))
			for l := range c.labels {
				levels = append(levels, l)
			}
			slices.Sort(levels)
			slices.Reverse(levels)
			return levels, true
		}
	}
	return nil, false
}

// tfFloor: the least u an exact name agreement gets from the term-frequency adjustment.
const tfFloor = 1e-5

// pattern is one comparison vector (a level per comparison, -1 missing) and how many pairs had it.
type pattern struct {
	levels [6]int
	pairs  float64
}

func readPatterns(ctx context.Context, conn *sql.Conn) ([]pattern, error) {
	text, err := sqlfiles.File("identity/90_levels_count.sql")
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("identity/90_levels_count.sql: %w", err)
	}
	defer rows.Close()
	var out []pattern
	for rows.Next() {
		var p pattern
		var n int64
		if err := rows.Scan(&p.levels[0], &p.levels[1], &p.levels[2], &p.levels[3], &p.levels[4], &p.levels[5], &n); err != nil {
			return nil, err
		}
		p.pairs = float64(n)
		out = append(out, p)
	}
	return out, rows.Err()
}

// levelShares: the share of pairs at each level of comparison k (pairs missing either side
// not counted), each level given half a pair so that none is zero; ok is false with no pairs.
func levelShares(patterns []pattern, k int, c comparison) (map[int]float64, bool) {
	total := 0.0
	counts := map[int]float64{}
	for _, p := range patterns {
		if l := p.levels[k]; l >= 0 {
			counts[l] += p.pairs
			total += p.pairs
		}
	}
	if total == 0 {
		return nil, false
	}
	out := map[int]float64{}
	for l := range c.labels {
		out[l] = (counts[l] + 0.5) / (total + 0.5*float64(len(c.labels)))
	}
	return out, true
}

// estimateU: among random pairs, the share at each level of each comparison (pairs missing
// either side not counted). A level no random pair reached gets half a pair's share: zero
// would make its weight infinite.
func estimateU(patterns []pattern) []map[int]float64 {
	u := make([]map[int]float64, len(comparisons))
	for k, c := range comparisons {
		shares, ok := levelShares(patterns, k, c)
		if !ok { // no random pair compared anything: every level as likely as the others
			shares = map[int]float64{}
			for l := range c.labels {
				shares[l] = 1 / float64(len(c.labels))
			}
		}
		u[k] = shares
	}
	return u
}

// em runs expectation-maximisation on the comparison patterns of one training session with u
// fixed (as Splink does): it re-estimates m for every comparison but those in fixed (the
// ones the session's pairs were blocked on, which agree by construction, and those already
// estimated from labels) and the share of matches lambda. It returns the new m; iterations stop when no m moves by 1e-6.
func em(patterns []pattern, m, u []map[int]float64, fixed map[string]bool, iterations int) []map[int]float64 {
	m = cloneLevels(m)
	lambda := 0.1
	for range iterations {
		sums := make([]map[int]float64, len(comparisons))
		for k := range sums {
			sums[k] = map[int]float64{}
		}
		matched, total := 0.0, 0.0
		for _, p := range patterns {
			pm, pu := lambda, 1-lambda
			for k := range comparisons {
				if l := p.levels[k]; l >= 0 {
					pm *= m[k][l]
					pu *= u[k][l]
				}
			}
			post := pm / (pm + pu)
			if math.IsNaN(post) {
				post = 0
			}
			matched += post * p.pairs
			total += p.pairs
			for k := range comparisons {
				if l := p.levels[k]; l >= 0 {
					sums[k][l] += post * p.pairs
				}
			}
		}
		if total == 0 || matched == 0 {
			return m
		}
		lambda = matched / total
		moved := 0.0
		for k, c := range comparisons {
			if fixed[c.name] {
				continue
			}
			seen := 0.0
			for _, v := range sums[k] {
				seen += v
			}
			if seen == 0 {
				continue
			}
			for l := range c.labels {
				next := max(sums[k][l]/seen, 1e-6)
				moved = max(moved, math.Abs(next-m[k][l]))
				m[k][l] = next
			}
		}
		if moved < 1e-6 {
			break
		}
	}
	return m
}

func cloneLevels(in []map[int]float64) []map[int]float64 {
	out := make([]map[int]float64, len(in))
	for k, v := range in {
		out[k] = make(map[int]float64, len(v))
		for l, p := range v {
			out[k][l] = p
		}
	}
	return out
}

// groupJoiner is union-find over groups of local ids, indexed by group id (node ids are
// dense, 1..n: slices, not maps, so that a million merges cost megabytes). A group that holds
// local ids linked on an NHS number is "numbered"; a score never joins two people who each
// have one (their numbers say they are different), but a provider's own merge does.
type groupJoiner struct {
	parent   []int32
	numbered []bool // by root
}

func newGroupJoiner(n int) *groupJoiner {
	j := &groupJoiner{parent: make([]int32, n+1), numbered: make([]bool, n+1)}
	for i := range j.parent {
		j.parent[i] = int32(i)
	}
	return j
}

func (j *groupJoiner) find(x int32) int32 {
	for j.parent[x] != x {
		j.parent[x] = j.parent[j.parent[x]] // path halving
		x = j.parent[x]
	}
	return x
}

// join joins a's and b's groups; force ignores the NHS-number rule. It says whether they are
// now one (false: refused).
func (j *groupJoiner) join(a, b int32, numberedA, numberedB, force bool) bool {
	ra, rb := j.find(a), j.find(b)
	if numberedA {
		j.numbered[ra] = true
	}
	if numberedB {
		j.numbered[rb] = true
	}
	if ra == rb {
		return true
	}
	if !force && j.numbered[ra] && j.numbered[rb] {
		return false
	}
	// the lower id names the cluster, so that the result does not depend on edge order
	if rb < ra {
		ra, rb = rb, ra
	}
	j.parent[rb] = ra
	j.numbered[ra] = j.numbered[ra] || j.numbered[rb]
	return true
}

// resolveIdentity runs sql/identity: the evidence per local id, the model (u from random
// pairs, m by EM), candidate pairs and their scores, clustering, stable person_ids, and
// core.person_link and core.link_review.
func resolveIdentity(ctx context.Context, conn *sql.Conn, runID int64, cfg Linkage, done func(string, float64)) error {
	step := func(name string, args ...any) error {
		start := time.Now()
		if err := sqlfiles.Exec(ctx, conn, name, args...); err != nil {
			return err
		}
		done(name, time.Since(start).Seconds())
		return nil
	}
	for _, name := range []string{"identity/10_records.sql", "identity/20_compare.sql"} {
		if err := step(name); err != nil {
			return err
		}
	}

	// u from random pairs
	if err := step("identity/30_random_pairs.sql", cfg.TrainingPairs); err != nil {
		return err
	}
	random, err := readPatterns(ctx, conn)
	if err != nil {
		return err
	}
	u := estimateU(random)
	uSource := make([]map[int]string, len(comparisons))
	m := make([]map[int]float64, len(comparisons))
	mSource := make([]map[int]string, len(comparisons))
	for k, c := range comparisons {
		m[k] = map[int]float64{}
		mSource[k], uSource[k] = map[int]string{}, map[int]string{}
		for l := range c.labels {
			m[k][l], mSource[k][l], uSource[k][l] = c.m[l], "default", "random-sample"
		}
	}

	// m from labelled pairs (local ids sharing a valid NHS number) for every comparison but
	// the NHS number; its m by EM on pairs blocked on the birth date, starting from the
	// labelled m for the others and holding them fixed.
	if err := step("identity/32_training_labels.sql", cfg.TrainingPairs); err != nil {
		return err
	}
	labelled, err := readPatterns(ctx, conn)
	if err != nil {
		return err
	}
	for k, c := range comparisons {
		if c.name == "nhs" {
			continue
		}
		if shares, ok := levelShares(labelled, k, c); ok {
			for l := range c.labels {
				m[k][l], mSource[k][l] = shares[l], "labelled-pairs"
			}
		}
	}
	if cfg.EM == nil || *cfg.EM {
		start := time.Now()
		if err := step("identity/31_training_birth.sql", cfg.TrainingPairs); err != nil {
			return err
		}
		patterns, err := readPatterns(ctx, conn)
		if err != nil {
			return err
		}
		fixed := map[string]bool{}
		for _, c := range comparisons {
			fixed[c.name] = c.name != "nhs"
		}
		trained := em(patterns, m, u, fixed, cfg.EMIterations)
		for k, c := range comparisons {
			if !fixed[c.name] {
				for l := range c.labels {
					m[k][l], mSource[k][l] = trained[k][l], "em"
				}
			}
		}
		done("identity: EM", time.Since(start).Seconds())
	}
	for k, c := range comparisons {
		for l, v := range cfg.M[c.name] {
			m[k][l], mSource[k][l] = v, "config"
		}
		for l, v := range cfg.U[c.name] {
			u[k][l], uSource[k][l] = v, "config"
		}
	}
	if err := step("identity/38_model_reset.sql"); err != nil {
		return err
	}
	for k, c := range comparisons {
		levels, _ := ComparisonLevels(c.name)
		for _, l := range levels {
			if err := sqlfiles.Exec(ctx, conn, "identity/39_model_insert.sql", c.name, l, c.labels[l], m[k][l], u[k][l], mSource[k][l], uSource[k][l]); err != nil {
				return err
			}
		}
	}

	// candidates and their scores; lambda from the NHS-number groups
	if err := step("identity/40_candidates.sql", cfg.MaxBlock); err != nil {
		return err
	}
	var lambda float64
	prior, err := sqlfiles.File("identity/41_prior.sql")
	if err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, prior).Scan(&lambda); err != nil {
		return fmt.Errorf("identity/41_prior.sql: %w", err)
	}
	if err := step("identity/50_score.sql", lambda, tfFloor); err != nil {
		return err
	}

	// clustering
	if err := step("identity/60_groups.sql"); err != nil {
		return err
	}
	start := time.Now()
	if err := clusterGroups(ctx, conn, cfg.LinkThreshold); err != nil {
		return err
	}
	done("identity: clustering", time.Since(start).Seconds())

	if err := step("identity/70_person_id.sql", runID); err != nil {
		return err
	}
	if err := step("identity/80_person_link.sql", cfg.LinkThreshold); err != nil {
		return err
	}
	if err := step("identity/81_link_review.sql", cfg.ReviewThreshold, cfg.LinkThreshold); err != nil {
		return err
	}
	return step("identity/89_reset.sql")
}

// clusterGroups reads the edges (identity/61_edges.sql), joins groups along them, and
// appends to identity_union the cluster of each group joined to another.
func clusterGroups(ctx context.Context, conn *sql.Conn, threshold float64) error {
	var n int64
	count, err := sqlfiles.File("identity/63_node_count.sql")
	if err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, count).Scan(&n); err != nil {
		return fmt.Errorf("identity/63_node_count.sql: %w", err)
	}
	if n >= math.MaxInt32 {
		return fmt.Errorf("identity resolution: %d local ids, more than the clustering step's 32-bit ids hold", n)
	}
	text, err := sqlfiles.File("identity/61_edges.sql")
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, text, threshold)
	if err != nil {
		return fmt.Errorf("identity/61_edges.sql: %w", err)
	}
	j := newGroupJoiner(int(n))
	for rows.Next() {
		var kind string
		var a, b int64
		var detA, detB bool
		var p float64
		if err := rows.Scan(&kind, &a, &b, &detA, &detB, &p); err != nil {
			rows.Close()
			return err
		}
		if a < 1 || b < 1 || a > n || b > n {
			rows.Close()
			return fmt.Errorf("identity/61_edges.sql: group %d or %d outside 1..%d", a, b, n)
		}
		j.join(int32(a), int32(b), detA, detB, kind == "merge")
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var app *duckdb.Appender
	if err := conn.Raw(func(dc any) error {
		var err error
		app, err = duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "identity_union")
		return err
	}); err != nil {
		return fmt.Errorf("appender for identity_union: %w", err)
	}
	// Only groups joined to a lower one: every other group is its own cluster.
	for g := int32(1); g <= int32(n); g++ {
		root := j.find(g)
		if root == g {
			continue
		}
		if err := app.AppendRow(int64(g), int64(root)); err != nil {
			app.Close()
			return fmt.Errorf("identity_union: %w", err)
		}
	}
	return app.Close()
}
