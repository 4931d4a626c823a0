package pipelines

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bnssg-connecting-care/ccare/load"
	"github.com/bnssg-connecting-care/ccare/runlock"
	"github.com/bnssg-connecting-care/ccare/schedule"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// StatusReport is the operator's view of the pipeline without the daemon (ccare status):
// what runs or last ran, what the published copy holds, each feed against its due times,
// and what needs attention. It reads the run lock's record, the last run's record, the
// inbox and the published copy, and never the warehouse itself: a look must not stop a run.
type StatusReport struct {
	Now       time.Time       `json:"now"`
	Running   *runlock.Holder `json:"running,omitempty"`      // a run holds the writer's lock
	Died      *runlock.Holder `json:"died,omitempty"`         // a run died holding it
	LastRun   *LastRun        `json:"last_run,omitempty"`     // how the newest run ended
	Published *PublishedRun   `json:"published,omitempty"`    // the run the published copy was built by
	Nightly   *PublishedRun   `json:"last_nightly,omitempty"` // the newest nightly build in it
	Feeds     []FeedStatus    `json:"feeds"`
	// Attention lists, in words, what the operator should look at; empty when all is well.
	Attention []string `json:"attention"`
}

// FeedStatus is one feed: its freshness against its due times and what the published copy
// holds from it.
type FeedStatus struct {
	Provider        string    `json:"provider"`
	Feed            string    `json:"feed"`
	Due             string    `json:"due"` // in words: "every day at 02:00"
	GraceSeconds    int64     `json:"grace_seconds"`
	State           string    `json:"state"` // on time | late | no file yet | unknown
	NewestFile      string    `json:"newest_file,omitempty"`
	NewestFileAt    time.Time `json:"newest_file_at,omitzero"`
	NextDue         time.Time `json:"next_due,omitzero"`
	LateBySeconds   int64     `json:"late_by_seconds,omitempty"`
	Error           string    `json:"error,omitempty"` // the inbox could not be read
	FilesLoaded     int64     `json:"files_loaded"`
	FilesRejected   int64     `json:"files_rejected"`
	FilesSuperseded int64     `json:"files_superseded"`
	FilesArchived   int64     `json:"files_archived"`
	RowsRead        int64     `json:"rows_read"`
	RowsLoaded      int64     `json:"rows_loaded"`
	RowsQuarantined int64     `json:"rows_quarantined"`
	RowsSuperseded  int64     `json:"rows_superseded"`
	LastRejected    string    `json:"last_rejected,omitempty"`
	HeldBack        string    `json:"held_back,omitempty"`

	fresh schedule.Freshness
}

func feedStatus(fr schedule.Freshness) FeedStatus {
	t := fr.Totals
	return FeedStatus{Provider: fr.Provider, Feed: fr.Name, Due: fr.Due.What, GraceSeconds: int64(fr.Grace.Seconds()),
		State: fr.State(), NewestFile: fr.LastFile, NewestFileAt: fr.LastFileAt, NextDue: fr.NextDue,
		LateBySeconds: int64(fr.LateBy.Seconds()), Error: fr.Err,
		FilesLoaded: t.FilesLoaded, FilesRejected: t.FilesRejected, FilesSuperseded: t.FilesSuperseded, FilesArchived: t.FilesArchived,
		RowsRead: t.RowsRead, RowsLoaded: t.RowsLoaded, RowsQuarantined: t.RowsQuarantined, RowsSuperseded: t.RowsSuperseded,
		LastRejected: t.LastRejected, HeldBack: t.HeldBack, fresh: fr}
}

// PublishedRun is a run that built the warehouse, as the published copy records it.
type PublishedRun struct {
	RunID    int64     `json:"run_id"`
	Job      string    `json:"job"`
	Finished time.Time `json:"finished"`
}

// Status looks at the pipeline as of now.
func Status(ctx context.Context, cfg *Config, now time.Time) (StatusReport, error) {
	rep := StatusReport{Now: now, Feeds: []FeedStatus{}, Attention: []string{}}
	holder, err := runlock.Read(cfg.Warehouse + ".lock")
	if err != nil {
		return rep, err
	}
	if holder.PID != 0 {
		if holder.Running() {
			rep.Running = &holder
		} else {
			rep.Died = &holder
		}
	}
	if last, ok, err := ReadLastRun(cfg); err != nil {
		return rep, err
	} else if ok {
		rep.LastRun = &last
	}

	var totals []schedule.FeedTotals
	since := now
	if _, err := os.Stat(cfg.Published); err == nil {
		db, err := load.OpenReadOnly(ctx, cfg.Published)
		if err != nil {
			return rep, err
		}
		defer db.Close()
		var builtID, nightlyID sql.NullInt64
		var builtJob sql.NullString
		var builtAt, nightlyAt, first sql.NullTime
		if err := sqlfiles.QueryRow(ctx, db, "ops/status_published.sql", nil, &builtID, &builtJob, &builtAt, &nightlyID, &nightlyAt, &first); err != nil {
			return rep, err
		}
		if builtID.Valid {
			rep.Published = &PublishedRun{RunID: builtID.Int64, Job: builtJob.String, Finished: builtAt.Time}
		}
		if nightlyID.Valid {
			rep.Nightly = &PublishedRun{RunID: nightlyID.Int64, Job: "nightly", Finished: nightlyAt.Time}
		}
		if first.Valid {
			since = first.Time
		}
		if totals, err = feedTotals(ctx, db); err != nil {
			return rep, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return rep, err
	}
	byFeed := map[string]schedule.FeedTotals{}
	for _, t := range totals {
		byFeed[t.Provider+"/"+t.Feed] = t
	}

	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return rep, err
	}
	inbox := Inbox{cfg}
	for _, p := range cfg.Providers {
		for _, f := range p.Feeds {
			feed := schedule.Feed{Provider: p.ID, Name: f.Name, Due: f.Due, Grace: f.Grace}
			name, at, err := inbox.Newest(ctx, p.ID, f.Name)
			fr := schedule.CheckFreshness(feed, name, at, now, since, loc)
			if err != nil {
				fr = schedule.Freshness{Feed: feed, Err: err.Error()}
			}
			fr.Totals = byFeed[p.ID+"/"+f.Name]
			rep.Feeds = append(rep.Feeds, feedStatus(fr))
		}
	}
	rep.Attention = attention(rep, loc)
	return rep, nil
}

// attention is what in rep needs the operator, most urgent first.
func attention(rep StatusReport, loc *time.Location) []string {
	out := []string{}
	when := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 15:04") }
	if h := rep.Died; h != nil {
		out = append(out, fmt.Sprintf("the %s run started %s (pid %d on %s) did not finish: the next run rebuilds what it landed",
			h.Job, when(h.Started), h.PID, h.Host))
	}
	if r := rep.LastRun; r != nil && r.Status == "failed" {
		id := "before it was recorded"
		if r.RunID != 0 {
			id = fmt.Sprintf("run %d", r.RunID)
		}
		out = append(out, fmt.Sprintf("the last %s run (%s) failed at %s: %s", r.Job, id, when(r.Finished), r.Message))
	}
	if rep.Published == nil && rep.Running == nil {
		out = append(out, "no run has published the warehouse yet")
	}
	var late, unreadable []string
	for _, fs := range rep.Feeds {
		f := fs.fresh
		key := f.Provider + "/" + f.Name
		switch {
		case f.Err != "":
			unreadable = append(unreadable, key+": "+f.Err)
		case f.Late:
			late = append(late, key)
		}
	}
	if len(unreadable) > 0 {
		out = append(out, fmt.Sprintf("%d feed(s) whose inbox cannot be read: %s", len(unreadable), strings.Join(unreadable, "; ")))
	}
	if len(late) > 0 {
		out = append(out, fmt.Sprintf("%d feed(s) late: %s", len(late), strings.Join(late, " ")))
	}
	for _, fs := range rep.Feeds {
		f := fs.fresh
		t := f.Totals
		if t.HeldBack != "" {
			out = append(out, t.HeldBack)
		}
		// A rejected file that a later good one has followed needs no one now; the newest
		// file of a feed rejected means the feed is stuck until someone fixes it.
		if !t.LastRejectedAt.IsZero() && !t.LastRejectedAt.Before(t.LastLoaded) {
			out = append(out, fmt.Sprintf("%s/%s: its newest file was rejected: %s", f.Provider, f.Name, t.LastRejected))
		}
	}
	return out
}
