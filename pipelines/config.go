// Package pipelines holds the configuration model (ccare.yaml) and the jobs that run the
// warehouse's steps in order: extract → transform → publish → report, with the run ledger.
package pipelines

import (
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bnssg-connecting-care/ccare/yamlfault"
	"github.com/dustin/go-humanize"
	"github.com/goccy/go-yaml"

	"github.com/bnssg-connecting-care/ccare/extract"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/reports"
	"github.com/bnssg-connecting-care/ccare/schedule"
	"github.com/bnssg-connecting-care/ccare/transform"
)

//go:embed ccare.yaml
var demoConfig []byte

// DemoConfigName names the embedded configuration in messages.
const DemoConfigName = "(embedded) ccare.yaml"

// Config is a parsed, validated ccare.yaml. Paths are absolute or relative to the working
// directory, already resolved against the configuration's directory.
type Config struct {
	Source    string // the file it came from
	Warehouse string
	Published string // the read-only copy of the warehouse that analysts query
	Lake      string
	// Archive holds superseded whole extracts' raw rows, as Parquet (load.ArchiveSuperseded).
	Archive string
	Inbox   string
	Reports string
	// Benefits is the business case's assumptions file ("" = the embedded benefits.yaml).
	Benefits string
	// Disclosure is the small-number policy of every published report.
	Disclosure reports.Disclosure
	DuckDB     DuckDBConfig
	Linkage    transform.Linkage
	Schedule   Schedule
	Providers  []Provider
}

// Schedule is the daemon's configuration (ccare schedule).
type Schedule struct {
	Listen       string // the operator's HTTP address: /healthz, /metrics, /
	Retries      int    // further attempts after a transient failure
	RetryBackoff time.Duration
	Jobs         []ScheduledJob
	// Settle: a file modified more recently may still be being written; a scheduled run
	// waits for it (retrying) rather than read half a file.
	Settle time.Duration
	// Webhook is posted a JSON message when a feed turns late and when it is on time again.
	Webhook string
}

// ScheduledJob is one job the daemon runs, and when (Europe/London).
type ScheduledJob struct {
	Name string
	Spec schedule.Spec
}

// scheduleJobs are the jobs the daemon knows, with their default times.
var scheduleJobs = []struct{ name, spec string }{
	{"hourly", "10 * * * *"},
	{"nightly", "30 2 * * *"},
	{"board_pack", "0 6 * * 1"},
}

type DuckDBConfig struct {
	Threads              int    `yaml:"threads"`
	MemoryLimit          string `yaml:"memory_limit"`
	BlockAllocatorMemory string `yaml:"block_allocator_memory"`
}

// Settings are the warehouse's DuckDB settings from this configuration.
func (d DuckDBConfig) Settings() load.Settings {
	return load.Settings{Threads: d.Threads, MemoryLimit: d.MemoryLimit, BlockAllocatorMemory: d.BlockAllocatorMemory}
}

type Provider struct {
	ID           string
	Organisation string
	System       string
	Kind         string
	TrustRank    int
	Feeds        []Feed
}

type Feed struct {
	Name    string
	Format  extract.Format
	Options any
	Pattern string
	Cadence string
	// Due: a new file is due by each of these times (Europe/London); the feed is late once
	// one has passed by Grace with no file for it.
	Due     schedule.Spec
	Grace   time.Duration
	Entity  string
	Columns []extract.Column
	// RowKey: columns the source system assigns to each row it stores (a database's integer
	// primary key), left out when asking whether two records are the same record sent twice.
	RowKey []string
	// Whole: every file is the source's whole record (a full extract), not its changes. The
	// latest file supersedes the earlier ones, which the nightly job then no longer reads
	// (load.Supersede): a record absent from the latest extract has left the source.
	Whole bool
	// ShrinkGuard, for a whole feed: a file with fewer rows than this share of the extract it
	// would supersede (an empty or truncated extract) supersedes nothing; both are read.
	ShrinkGuard float64
	Line        int // where the feed is declared, for messages
}

// feed finds a provider's feed by their names.
func (c *Config) feed(provider, feed string) (Provider, Feed, bool) {
	for _, p := range c.Providers {
		if p.ID != provider {
			continue
		}
		for _, f := range p.Feeds {
			if f.Name == feed {
				return p, f, true
			}
		}
	}
	return Provider{}, Feed{}, false
}

// rawTable names a configured feed's raw table.
func (c *Config) rawTable(provider, feed string) (string, bool) {
	p, f, ok := c.feed(provider, feed)
	if !ok {
		return "", false
	}
	return f.Target(p).RawTable(), true
}

// Target is where the feed's files land.
func (f Feed) Target(p Provider) extract.Target {
	return extract.Target{Provider: p.ID, Feed: f.Name, Entity: f.Entity, Format: f.Format, Options: f.Options, Columns: f.Columns}
}

// The file's shape as written; decoded strictly so that a misspelt key is an error.
type configFile struct {
	Warehouse  string          `yaml:"warehouse"`
	Published  string          `yaml:"published"`
	Lake       string          `yaml:"lake"`
	Archive    string          `yaml:"archive"`
	Inbox      string          `yaml:"inbox"`
	Reports    string          `yaml:"reports"`
	Benefits   string          `yaml:"benefits"`
	Disclosure *disclosureFile `yaml:"disclosure"`
	DuckDB     DuckDBConfig    `yaml:"duckdb"`
	Linkage    *linkageFile    `yaml:"linkage"`
	Schedule   *scheduleFile   `yaml:"schedule"`
	Providers  []providerFile  `yaml:"providers"`
}

// disclosureFile is the disclosure section: every field optional, defaults from
// reports.DefaultDisclosure.
type disclosureFile struct {
	SuppressBelow *int64 `yaml:"suppress_below"`
	RoundTo       *int64 `yaml:"round_to"`
}

type scheduleFile struct {
	Listen       string            `yaml:"listen"`
	Retries      *int              `yaml:"retries"`
	RetryBackoff string            `yaml:"retry_backoff"`
	Jobs         map[string]string `yaml:"jobs"`
	Settle       string            `yaml:"settle"`
	Webhook      string            `yaml:"webhook"`
}

// linkageFile is the linkage section: every field optional, defaults from transform.DefaultLinkage.
type linkageFile struct {
	LinkThreshold   *float64                   `yaml:"link_threshold"`
	ReviewThreshold *float64                   `yaml:"review_threshold"`
	EM              *bool                      `yaml:"em"`
	EMIterations    *int                       `yaml:"em_iterations"`
	TrainingPairs   *int                       `yaml:"training_pairs"`
	MaxBlock        *int                       `yaml:"max_block"`
	M               map[string]map[int]float64 `yaml:"m"`
	U               map[string]map[int]float64 `yaml:"u"`
}

type providerFile struct {
	ID           string     `yaml:"id"`
	Organisation string     `yaml:"organisation"`
	System       string     `yaml:"system"`
	Kind         string     `yaml:"kind"`
	TrustRank    int        `yaml:"trust_rank"`
	Feeds        []feedFile `yaml:"feeds"`
}

type feedFile struct {
	Name    string         `yaml:"name"`
	Format  string         `yaml:"format"`
	Options map[string]any `yaml:"options"`
	Pattern string         `yaml:"pattern"`
	Cadence string         `yaml:"cadence"`
	Due     string         `yaml:"due"`
	Grace   string         `yaml:"grace"`
	Entity  string         `yaml:"entity"`
	Columns yaml.MapSlice  `yaml:"columns"`
	RowKey  []string       `yaml:"row_key"`
	// Delivery: "changes" (the default) or "whole".
	Delivery    string   `yaml:"delivery"`
	ShrinkGuard *float64 `yaml:"shrink_guard"`
}

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	kinds       = []string{"gp", "acute", "urgent-care", "social-care"}
	cadences    = []string{"nightly", "hourly"}
	deliveries  = []string{"changes", "whole"}
	entities    = []string{"person", "allergy", "condition", "medication", "encounter", "care-episode"}
)

// LoadConfig reads a configuration file; paths in it resolve against its directory.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return ParseConfig(path, data, filepath.Dir(path))
}

// DemoConfigYAML is the embedded configuration's text, to write beside a copy of the demo
// inbox (its relative paths then resolve there).
func DemoConfigYAML() []byte { return slices.Clone(demoConfig) }

// DemoConfig is the embedded configuration of the demo community, with paths under dir.
func DemoConfig(dir string) (*Config, error) {
	return ParseConfig(DemoConfigName, demoConfig, dir)
}

// ConfigError is a fault in the configuration, located by line.
type ConfigError = yamlfault.Error

// ParseConfig parses and validates configuration text; name is used in messages and base
// is the directory relative paths resolve against.
func ParseConfig(name string, data []byte, base string) (*Config, error) {
	var raw configFile
	file, err := yamlfault.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	v := validator{yamlfault.Collector{Name: name, File: file}}
	cfg := &Config{Source: name, DuckDB: raw.DuckDB}
	resolve := func(field, p string) string {
		if p == "" {
			v.Fail("$."+field, field, "is required")
			return ""
		}
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	cfg.Warehouse = resolve("warehouse", raw.Warehouse)
	if raw.Published == "" && cfg.Warehouse != "" {
		cfg.Published = filepath.Join(filepath.Dir(cfg.Warehouse), "published", filepath.Base(cfg.Warehouse))
	} else {
		cfg.Published = resolve("published", raw.Published)
	}
	if cfg.Published != "" && filepath.Clean(cfg.Published) == filepath.Clean(cfg.Warehouse) {
		v.Fail("$.published", "published", "must not be the warehouse itself")
	}
	cfg.Lake = resolve("lake", raw.Lake)
	if raw.Archive == "" && cfg.Warehouse != "" {
		cfg.Archive = filepath.Join(filepath.Dir(cfg.Warehouse), "archive")
	} else {
		cfg.Archive = resolve("archive", raw.Archive)
	}
	cfg.Inbox = resolve("inbox", raw.Inbox)
	cfg.Reports = resolve("reports", raw.Reports)
	cfg.Linkage = v.linkage(raw.Linkage)
	cfg.Disclosure = v.disclosure(raw.Disclosure)
	if raw.Benefits != "" {
		cfg.Benefits = resolve("benefits", raw.Benefits)
	}
	cfg.Schedule = v.schedule(raw.Schedule)
	if raw.DuckDB.Threads < 0 {
		v.Fail("$.duckdb.threads", "duckdb.threads", "must be 0 (one per core) or more")
	}
	if m := raw.DuckDB.BlockAllocatorMemory; m != "" && m != "0" {
		if _, err := humanize.ParseBytes(m); err != nil {
			v.Fail("$.duckdb.block_allocator_memory", "duckdb.block_allocator_memory", fmt.Sprintf("%q is not a size: want e.g. 2GB, \"0\" for none, or \"\" for two thirds of memory_limit (none under 2GB)", m))
		}
	}
	if len(raw.Providers) == 0 {
		v.Fail("$.providers", "providers", "at least one provider is required")
	}
	seen := map[string]bool{}
	for i, rp := range raw.Providers {
		at := fmt.Sprintf("$.providers[%d]", i)
		field := fmt.Sprintf("providers[%d]", i)
		p := Provider{ID: rp.ID, Organisation: rp.Organisation, System: rp.System, Kind: rp.Kind, TrustRank: rp.TrustRank}
		switch {
		case !idPattern.MatchString(rp.ID):
			v.Fail(at+".id", field+".id", fmt.Sprintf("%q must be lower-case letters, digits and hyphens", rp.ID))
		case seen[rp.ID]:
			v.Fail(at+".id", field+".id", fmt.Sprintf("%q is declared twice", rp.ID))
		}
		seen[rp.ID] = true
		if rp.Organisation == "" {
			v.Fail(at, field+".organisation", "is required")
		}
		if rp.System == "" {
			v.Fail(at, field+".system", "is required")
		}
		v.oneOf(at+".kind", field+".kind", rp.Kind, kinds)
		if rp.TrustRank < 1 {
			v.Fail(at+".trust_rank", field+".trust_rank", "must be 1 (most trusted) or more")
		}
		if len(rp.Feeds) == 0 {
			v.Fail(at, field+".feeds", "at least one feed is required")
		}
		feedSeen := map[string]bool{}
		for j, rf := range rp.Feeds {
			fat := fmt.Sprintf("%s.feeds[%d]", at, j)
			ffield := fmt.Sprintf("%s.feeds[%d]", field, j)
			f := Feed{Name: rf.Name, Pattern: rf.Pattern, Cadence: rf.Cadence, Entity: rf.Entity, Line: v.Line(fat)}
			switch {
			case !namePattern.MatchString(rf.Name):
				v.Fail(fat+".name", ffield+".name", fmt.Sprintf("%q must be lower-case letters, digits and underscores", rf.Name))
			case feedSeen[rf.Name]:
				v.Fail(fat+".name", ffield+".name", fmt.Sprintf("%q is declared twice in %s", rf.Name, rp.ID))
			}
			feedSeen[rf.Name] = true
			format, ok := extract.Lookup(rf.Format)
			if !ok {
				v.Fail(fat+".format", ffield+".format", fmt.Sprintf("unknown format %q (known: %s)", rf.Format, extract.Names()))
			}
			f.Format = format
			if rf.Pattern == "" {
				v.Fail(fat, ffield+".pattern", "is required")
			} else if _, err := filepath.Match(rf.Pattern, ""); err != nil || strings.ContainsRune(rf.Pattern, '/') {
				v.Fail(fat+".pattern", ffield+".pattern", fmt.Sprintf("%q is not a file-name glob", rf.Pattern))
			}
			v.oneOf(fat+".cadence", ffield+".cadence", rf.Cadence, cadences)
			f.Due, f.Grace = v.due(fat, ffield, rf)
			v.oneOf(fat+".entity", ffield+".entity", rf.Entity, entities)
			if ok {
				f.Options = format.NewOptions()
				if node := v.Node(fat + ".options"); node != nil {
					if err := yaml.NodeToValue(node, f.Options, yaml.DisallowUnknownField()); err != nil {
						v.FailErr(fat+".options", ffield+".options", err)
					}
				}
				if len(rf.Columns) == 0 {
					v.Fail(fat, ffield+".columns", "a feed needs its column mapping")
				}
			}
			names := map[string]bool{}
			for _, item := range rf.Columns {
				k, _ := item.Key.(string)
				h, _ := item.Value.(string)
				cat := fat + ".columns." + k
				if !namePattern.MatchString(k) || strings.HasPrefix(k, "_") {
					v.Fail(cat, ffield+".columns", fmt.Sprintf("%q must be lower-case letters, digits and underscores", k))
				} else if names[k] {
					v.Fail(cat, ffield+".columns", fmt.Sprintf("%q is mapped twice", k))
				}
				if h == "" {
					v.Fail(cat, ffield+".columns."+k, "needs the header the provider sends")
				}
				names[k] = true
				f.Columns = append(f.Columns, extract.Column{Name: k, Header: h})
			}
			for i, k := range rf.RowKey {
				if !names[k] {
					v.Fail(fmt.Sprintf("%s.row_key[%d]", fat, i), ffield+".row_key", fmt.Sprintf("%q is not one of the feed's columns", k))
				}
			}
			f.RowKey = rf.RowKey
			f.Whole, f.ShrinkGuard = v.delivery(fat, ffield, rf)
			p.Feeds = append(p.Feeds, f)
		}
		cfg.Providers = append(cfg.Providers, p)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

type validator struct{ yamlfault.Collector }

func (v *validator) oneOf(path, field, value string, allowed []string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	if value == "" {
		v.Fail(path, field, fmt.Sprintf("is required (one of %s)", strings.Join(allowed, ", ")))
		return
	}
	v.Fail(path, field, fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", ")))
}

// defaultShrinkGuard: a whole extract under half the rows of the one before it is more likely
// cut short than a community that halved overnight.
const defaultShrinkGuard = 0.5

// delivery reads whether a feed's files are whole extracts, and their shrink guard.
func (v *validator) delivery(at, field string, rf feedFile) (whole bool, guard float64) {
	if rf.Delivery != "" {
		v.oneOf(at+".delivery", field+".delivery", rf.Delivery, deliveries)
	}
	whole = rf.Delivery == "whole"
	if whole && rf.Cadence == "hourly" {
		// The hourly job merges a batch's changes into core; a whole extract's absences
		// (records left the source) need the nightly job's rebuild.
		v.Fail(at+".delivery", field+".delivery", "whole extracts are read by the nightly job: the feed's cadence must be nightly")
	}
	if rf.ShrinkGuard == nil {
		return whole, defaultShrinkGuard
	}
	if !whole {
		v.Fail(at+".shrink_guard", field+".shrink_guard", "applies only to a feed with delivery: whole")
	}
	if g := *rf.ShrinkGuard; g < 0 || g > 1 {
		v.Fail(at+".shrink_guard", field+".shrink_guard", fmt.Sprintf("%v must be between 0 (no guard) and 1", g))
	}
	return whole, *rf.ShrinkGuard
}

// disclosure applies the disclosure section over the defaults and checks it.
func (v *validator) disclosure(raw *disclosureFile) reports.Disclosure {
	d := reports.DefaultDisclosure
	if raw == nil {
		return d
	}
	if raw.SuppressBelow != nil {
		d.SuppressBelow = *raw.SuppressBelow
		if d.SuppressBelow < 0 {
			v.Fail("$.disclosure.suppress_below", "disclosure.suppress_below", "must be 0 (suppress nothing) or more")
		}
	}
	if raw.RoundTo != nil {
		d.RoundTo = *raw.RoundTo
		if d.RoundTo < 1 {
			v.Fail("$.disclosure.round_to", "disclosure.round_to", "must be 1 (no rounding) or more")
		}
	}
	return d
}

// schedule applies the schedule section over the defaults and checks it.
func (v *validator) schedule(raw *scheduleFile) Schedule {
	out := Schedule{Listen: "127.0.0.1:8787", Retries: 3, RetryBackoff: time.Minute}
	if raw == nil {
		raw = &scheduleFile{}
	}
	if raw.Listen != "" {
		out.Listen = raw.Listen
	}
	if raw.Retries != nil {
		out.Retries = *raw.Retries
		if out.Retries < 0 || out.Retries > 10 {
			v.Fail("$.schedule.retries", "schedule.retries", "must be 0 to 10")
		}
	}
	if raw.RetryBackoff != "" {
		d, err := time.ParseDuration(raw.RetryBackoff)
		if err != nil || d <= 0 {
			v.Fail("$.schedule.retry_backoff", "schedule.retry_backoff", "must be a duration such as 30s or 2m")
		}
		out.RetryBackoff = d
	}
	out.Settle = 2 * time.Minute
	if raw.Settle != "" {
		d, err := time.ParseDuration(raw.Settle)
		if err != nil || d < 0 {
			v.Fail("$.schedule.settle", "schedule.settle", "must be a duration such as 2m (0 to read files however new)")
		}
		out.Settle = d
	}
	if raw.Webhook != "" {
		u, err := url.Parse(raw.Webhook)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Fail("$.schedule.webhook", "schedule.webhook", "must be an http(s) URL")
		}
		out.Webhook = raw.Webhook
	}
	for name := range raw.Jobs {
		if !slices.ContainsFunc(scheduleJobs, func(j struct{ name, spec string }) bool { return j.name == name }) {
			v.Fail("$.schedule.jobs."+name, "schedule.jobs", fmt.Sprintf("%q is not a job the daemon runs (hourly, nightly, board_pack)", name))
		}
	}
	for _, j := range scheduleJobs {
		expr, set := raw.Jobs[j.name]
		if !set {
			expr = j.spec
		}
		if expr == "" || expr == "off" {
			continue // a job the deployment runs some other way
		}
		spec, err := schedule.ParseSpec(expr)
		if err != nil {
			v.Fail("$.schedule.jobs."+j.name, "schedule.jobs."+j.name, err.Error())
			continue
		}
		out.Jobs = append(out.Jobs, ScheduledJob{Name: j.name, Spec: spec})
	}
	return out
}

// feedDue are the due times and grace a feed has by default, by its cadence.
var feedDue = map[string]struct{ due, grace string }{
	"nightly": {"0 2 * * *", "1h"},  // in before the nightly job at 02:30
	"hourly":  {"0 * * * *", "30m"}, // every hour, read at ten past
}

// due reads a feed's due times and grace, defaulting by its cadence.
func (v *validator) due(at, field string, rf feedFile) (schedule.Spec, time.Duration) {
	def := feedDue[rf.Cadence]
	if def.due == "" {
		def = feedDue["nightly"] // the cadence is wrong, and reported as such
	}
	expr, grace := rf.Due, rf.Grace
	if expr == "" {
		expr = def.due
	}
	if grace == "" {
		grace = def.grace
	}
	spec, err := schedule.ParseSpec(expr)
	if err != nil {
		v.Fail(at+".due", field+".due", err.Error())
	}
	d, err := time.ParseDuration(grace)
	if err != nil || d < 0 {
		v.Fail(at+".grace", field+".grace", fmt.Sprintf("%q must be a duration such as 30m or 2h", grace))
	}
	return spec, d
}

func (v *validator) linkage(raw *linkageFile) transform.Linkage {
	l := transform.DefaultLinkage()
	if raw == nil {
		return l
	}
	if raw.LinkThreshold != nil {
		l.LinkThreshold = *raw.LinkThreshold
	}
	if raw.ReviewThreshold != nil {
		l.ReviewThreshold = *raw.ReviewThreshold
	}
	if raw.EM != nil {
		l.EM = raw.EM
	}
	if raw.EMIterations != nil {
		l.EMIterations = *raw.EMIterations
	}
	if raw.TrainingPairs != nil {
		l.TrainingPairs = *raw.TrainingPairs
	}
	if raw.MaxBlock != nil {
		l.MaxBlock = *raw.MaxBlock
	}
	l.M, l.U = raw.M, raw.U
	if !(l.LinkThreshold > 0 && l.LinkThreshold < 1) {
		v.Fail("$.linkage.link_threshold", "linkage.link_threshold", "must be a probability between 0 and 1")
	}
	if !(l.ReviewThreshold > 0 && l.ReviewThreshold <= l.LinkThreshold) {
		v.Fail("$.linkage.review_threshold", "linkage.review_threshold", "must be above 0 and not above linkage.link_threshold")
	}
	if l.EMIterations < 1 {
		v.Fail("$.linkage.em_iterations", "linkage.em_iterations", "must be 1 or more")
	}
	if l.MaxBlock < 2 {
		v.Fail("$.linkage.max_block", "linkage.max_block", "must be 2 or more")
	}
	if l.TrainingPairs < 1000 {
		v.Fail("$.linkage.training_pairs", "linkage.training_pairs", "must be 1000 or more")
	}
	for _, side := range []struct {
		name string
		p    map[string]map[int]float64
	}{{"m", l.M}, {"u", l.U}} {
		for comparison, levels := range side.p {
			known, ok := transform.ComparisonLevels(comparison)
			if !ok {
				v.Fail("$.linkage."+side.name, "linkage."+side.name, fmt.Sprintf("%q is not a comparison (%s)", comparison, strings.Join(transform.ComparisonNames(), ", ")))
				continue
			}
			for level, p := range levels {
				if !slices.Contains(known, level) {
					v.Fail("$.linkage."+side.name+"."+comparison, "linkage."+side.name+"."+comparison, fmt.Sprintf("level %d is not one of %v", level, known))
				}
				if !(p > 0 && p <= 1) {
					v.Fail("$.linkage."+side.name+"."+comparison, "linkage."+side.name+"."+comparison, fmt.Sprintf("level %d: %v is not a probability above 0", level, p))
				}
			}
		}
	}
	return l
}

// ReadPath is the warehouse file that read-only commands and reports open: the published
// copy, or the warehouse itself when no copy exists (one made before copies were published).
func (c *Config) ReadPath() string {
	if _, err := os.Stat(c.Published); err != nil {
		return c.Warehouse
	}
	return c.Published
}
