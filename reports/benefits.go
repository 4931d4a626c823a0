package reports

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bnssg-connecting-care/ccare/benefits"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// BenefitsInfo is what the board pack needs beyond the warehouse.
type BenefitsInfo struct {
	Generated  time.Time
	Disclosure Disclosure // the zero value means DefaultDisclosure
	Model      *benefits.Model
}

// BenefitPack is the content of the business-case board pack: the measures as published,
// the appraisal computed from those published figures, and its sensitivity.
type BenefitPack struct {
	Generated time.Time
	Policy    string
	Model     *benefits.Model

	People, PeopleShared Count
	SharedByProvider     []SharedPeople
	Measures             []Measure
	Volumes              benefits.Volumes // the published totals the model is computed from
	Result               benefits.Result
	Swings               []benefits.Swing
	DataQuality          []ProviderDataQuality
}

// SharedPeople is one provider's people and how many another provider knows too.
type SharedPeople struct {
	Provider             string
	People, PeopleShared Count
}

// Measure is one benefit measure: its annual total and its rows by month and provider.
type Measure struct {
	ID, Title, Definition string
	File                  string // the SQL file that computes it
	Events, People        Count  // over the 12 months
	Rows                  []MeasureRow
}

// MeasureRow is a month and provider of a measure.
type MeasureRow struct {
	Month          string // YYYY-MM
	Provider       string
	Events, People Count
}

// ProviderDataQuality is one provider's line of the data-quality sheet. Shares are computed
// from the published counts, so that they reveal nothing the counts do not.
type ProviderDataQuality struct {
	Provider, Organisation       string
	RowsRead, RowsQuarantined    Count
	QuarantinedShare             float64
	LocalIDs                     Count
	LinkedShare                  float64
	QuarantinedOK, LinkedShareOK bool // false when a count behind the share is suppressed
}

// The measures the board pack shows, in order; each is one sql/reports file.
var measureSpecs = []struct{ id, title, definition string }{
	{"information_gaps", "Urgent care with information held only elsewhere",
		"Urgent-care encounters (ED, out-of-hours, urgent dental and minor injuries) of people with an active allergy or problem that only another provider had recorded: the gaps the shared record closes."},
	{"social_care_admissions", "Hospital admissions of social-care clients",
		"Inpatient admissions of people known to a council's adult social care: discharge planning needs both sides of the record."},
	{"repeat_attendances", "Repeat urgent attendances within 30 days",
		"Urgent-care encounters of people who had another, at any provider, in the 30 days before."},
}

func (i BenefitsInfo) disclosure() Disclosure {
	if i.Disclosure == (Disclosure{}) {
		return DefaultDisclosure
	}
	return i.Disclosure
}

// LoadBenefits reads the measures, publishes them under the disclosure policy and
// appraises the model on the published totals.
func LoadBenefits(ctx context.Context, db sqlfiles.Querier, info BenefitsInfo) (*BenefitPack, error) {
	d := info.disclosure()
	p := &BenefitPack{Generated: info.Generated, Policy: d.PolicyForAllCounts(), Model: info.Model}
	if err := p.loadShared(ctx, db, d); err != nil {
		return nil, err
	}
	for _, spec := range measureSpecs {
		m, err := loadMeasure(ctx, db, d, spec.id)
		if err != nil {
			return nil, err
		}
		m.Title, m.Definition = spec.title, spec.definition
		p.Measures = append(p.Measures, m)
	}
	published := func(c Count) float64 {
		v, _ := d.Published(c.Value) // suppressed: counted as 0, so benefits are understated
		return float64(v)
	}
	events := map[string]float64{}
	for _, m := range p.Measures {
		events[m.ID] = published(m.Events)
	}
	p.Volumes = benefits.Volumes{
		People:               published(p.People),
		InformationGaps:      events["information_gaps"],
		SocialCareAdmissions: events["social_care_admissions"],
		RepeatAttendances:    events["repeat_attendances"],
	}
	var err error
	if p.Result, err = info.Model.Appraise(p.Volumes); err != nil {
		if errors.Is(err, benefits.ErrNoPeople) && p.People.Value > 0 {
			err = fmt.Errorf("%w (its %s people are too few to publish under the disclosure policy)", err, p.People.Shown)
		}
		return nil, err
	}
	if p.Swings, err = info.Model.Sensitivity(p.Volumes); err != nil {
		return nil, err
	}
	if p.DataQuality, err = loadDataQuality(ctx, db, d); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *BenefitPack) loadShared(ctx context.Context, db sqlfiles.Querier, d Disclosure) error {
	const name = "reports/benefits_shared_people.sql"
	rows, err := sqlfiles.Query(ctx, db, name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var provider *string
		var people, shared int64
		if err := rows.Scan(&provider, &people, &shared); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if provider == nil {
			p.People, p.PeopleShared = d.Count(people), d.Count(shared)
			continue
		}
		p.SharedByProvider = append(p.SharedByProvider, SharedPeople{Provider: *provider, People: d.Count(people), PeopleShared: d.Count(shared)})
	}
	return rows.Err()
}

func loadMeasure(ctx context.Context, db sqlfiles.Querier, d Disclosure, id string) (Measure, error) {
	m := Measure{ID: id, File: "sql/reports/benefits_" + id + ".sql"}
	name := "reports/benefits_" + id + ".sql"
	rows, err := sqlfiles.Query(ctx, db, name)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	m.Events, m.People = d.Count(0), d.Count(0)
	for rows.Next() {
		var month *time.Time
		var provider *string
		var events, people int64
		if err := rows.Scan(&month, &provider, &events, &people); err != nil {
			return m, fmt.Errorf("%s: %w", name, err)
		}
		if month == nil {
			m.Events, m.People = d.Count(events), d.Count(people)
			continue
		}
		m.Rows = append(m.Rows, MeasureRow{Month: month.Format("2006-01"), Provider: *provider, Events: d.Count(events), People: d.Count(people)})
	}
	return m, rows.Err()
}

func loadDataQuality(ctx context.Context, db sqlfiles.Querier, d Disclosure) ([]ProviderDataQuality, error) {
	const name = "reports/benefits_data_quality.sql"
	rows, err := sqlfiles.Query(ctx, db, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProviderDataQuality
	share := func(part, whole int64) (float64, bool) {
		p, ok1 := d.Published(part)
		w, ok2 := d.Published(whole)
		if !ok1 || !ok2 || w == 0 {
			return 0, ok1 && ok2
		}
		return float64(p) / float64(w), true
	}
	for rows.Next() {
		var q ProviderDataQuality
		var read, quarantined, ids, linked int64
		if err := rows.Scan(&q.Provider, &q.Organisation, &read, &quarantined, &ids, &linked); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		q.RowsRead, q.RowsQuarantined, q.LocalIDs = d.Count(read), d.Count(quarantined), d.Count(ids)
		q.QuarantinedShare, q.QuarantinedOK = share(quarantined, read)
		q.LinkedShare, q.LinkedShareOK = share(linked, ids)
		out = append(out, q)
	}
	return out, rows.Err()
}

// BenefitsPaths are where WriteBenefits writes.
func BenefitsPaths(dir string) []string {
	return []string{filepath.Join(dir, "benefits.html"), filepath.Join(dir, "benefits.xlsx")}
}

// WriteBenefits reads the measures, appraises the model and writes the board pack as HTML
// and Excel, each beside its final name and then renamed.
func WriteBenefits(ctx context.Context, db sqlfiles.Querier, dir string, info BenefitsInfo) ([]string, *BenefitPack, error) {
	p, err := LoadBenefits(ctx, db, info)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	paths := BenefitsPaths(dir)
	if err := writeAtomic(paths[0], func(path string) error { return writeBenefitsHTML(path, p) }); err != nil {
		return nil, nil, fmt.Errorf("benefits.html: %w", err)
	}
	if err := writeAtomic(paths[1], func(path string) error { return writeBenefitsXLSX(path, p) }); err != nil {
		return nil, nil, fmt.Errorf("benefits.xlsx: %w", err)
	}
	return paths, p, nil
}
