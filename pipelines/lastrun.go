package pipelines

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LastRun is how the newest run ended, kept in a small file beside the warehouse
// (<warehouse>.last-run.json). A failed run publishes no copy of the warehouse, so its
// failure would otherwise be visible only to the daemon that ran it: this is what
// `ccare status` (and any monitoring script) reads, without opening DuckDB.
type LastRun struct {
	RunID    int64     `json:"run_id,omitempty"` // 0: it failed before it was recorded
	Job      string    `json:"job"`
	Status   string    `json:"status"` // succeeded | failed
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Message  string    `json:"message,omitempty"`
}

func lastRunPath(cfg *Config) string { return cfg.Warehouse + ".last-run.json" }

// writeLastRun replaces the record whole (written beside it and renamed), so that a reader
// never sees half of one.
func writeLastRun(cfg *Config, r LastRun) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	path := lastRunPath(cfg)
	tmp := filepath.Join(filepath.Dir(path), ".writing-"+filepath.Base(path))
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("last run record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("last run record: %w", err)
	}
	return nil
}

// ReadLastRun is the record of the newest run; ok is false before the first.
func ReadLastRun(cfg *Config) (r LastRun, ok bool, err error) {
	b, err := os.ReadFile(lastRunPath(cfg))
	if errors.Is(err, os.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, false, fmt.Errorf("%s: %w", lastRunPath(cfg), err)
	}
	return r, true, nil
}
