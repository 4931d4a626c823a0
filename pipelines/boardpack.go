package pipelines

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bnssg-connecting-care/ccare/benefits"
	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/reports"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// BoardPackResult is what a board pack run wrote and its headline figures.
type BoardPackResult struct {
	Paths      []string // benefits.html, benefits.xlsx
	Warehouse  string   // the copy of the warehouse read
	NPV, BCR   float64
	PVBenefits float64
	PVCosts    float64
	Payback    int // the payback year t, -1 if not within the appraisal period
	Pack       *reports.BenefitPack
}

// BoardPack writes the business-case board pack (benefits.html and benefits.xlsx) into
// dir from the warehouse's published read-only copy, so it never waits for or blocks a
// run; the assumptions are cfg.Benefits (or the embedded benefits.yaml), the small-number
// policy cfg.Disclosure. The scheduler's weekly board pack job calls it.
func BoardPack(ctx context.Context, cfg *Config, dir string, log *slog.Logger) (BoardPackResult, error) {
	var res BoardPackResult
	model, err := benefits.Load(cfg.Benefits)
	if err != nil {
		return res, err
	}
	res.Warehouse = cfg.ReadPath()
	db, err := load.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		return res, err
	}
	defer db.Close()
	start := time.Now()
	paths, pack, err := reports.WriteBenefits(ctx, db, dir, reports.BenefitsInfo{Generated: time.Now(), Disclosure: cfg.Disclosure, Model: model})
	if err != nil {
		return res, fmt.Errorf("board pack: %w", err)
	}
	r := pack.Result
	res.Paths, res.Pack = paths, pack
	res.NPV, res.BCR, res.PVBenefits, res.PVCosts, res.Payback = r.NPV, r.BCR, r.PVBenefits, r.PVCosts, r.Payback
	log.Info("board pack written", "dir", dir, "npv", fmt.Sprintf("%.0f", r.NPV), "bcr", fmt.Sprintf("%.2f", r.BCR),
		"payback", r.Payback, "assumptions", model.Source, "seconds", round(time.Since(start)))
	return res, nil
}

// SummaryReport writes the run summary (summary.html and summary.xlsx, as every full run
// does) into dir from the published copy, as of the run that last built it, under the
// configuration's disclosure policy: for a summary wanted again, elsewhere, or after the
// policy changed, without a run.
func SummaryReport(ctx context.Context, cfg *Config, dir string, log *slog.Logger) ([]string, error) {
	path := cfg.ReadPath()
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var runID int64
	var job string
	var built time.Time
	err = sqlfiles.QueryRow(ctx, db, "dictionary/last_refresh.sql", nil, &runID, &job, &built)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: no run has built the warehouse yet", path)
	}
	if err != nil {
		return nil, err
	}
	paths, err := reports.WriteSummary(ctx, db, dir, reports.SummaryInfo{RunID: runID, Generated: time.Now(), Disclosure: cfg.Disclosure})
	if err != nil {
		return nil, fmt.Errorf("summary report: %w", err)
	}
	log.Info("summary report written", "run_id", runID, "job", job, "dir", dir)
	return paths, nil
}
