package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Feed is a provider's feed the daemon watches: a new file is due by each of Due's times,
// and the feed is late once a due time has passed by Grace with no file for it.
type Feed struct {
	Provider, Name string
	Due            Spec
	Grace          time.Duration
}

// FeedFiles finds the newest file a feed has sent (a zero time when it has sent none).
type FeedFiles interface {
	Newest(ctx context.Context, provider, feed string) (name string, at time.Time, err error)
}

// Warehouse tells the daemon what the warehouse holds from each feed, for the status page
// and the metrics. It is asked when the daemon starts and after every job.
type Warehouse interface {
	FeedTotals(ctx context.Context) ([]FeedTotals, error)
}

// FeedTotals is what the warehouse holds from one feed: files and rows, and the newest
// file it rejected with the reason.
type FeedTotals struct {
	Provider, Feed                  string
	FilesLoaded, FilesRejected      int64
	RowsRead, RowsLoaded            int64
	RowsQuarantined, RowsSuperseded int64
	LastLoaded                      time.Time // when the newest loaded file was received
	LastRejected                    string    // the newest rejected file: name and reason
	LastRejectedAt                  time.Time // when it was received (zero: none rejected)
	// Whole feeds (delivery: whole): files a later extract superseded, and those of them
	// whose raw rows have moved to the archive.
	FilesSuperseded, FilesArchived int64
	// HeldBack is the shrink guard's reason while it holds back the feed's newest extract
	// (too few rows to supersede the current one, so both are read); "" otherwise.
	HeldBack string
}

// Freshness is a feed's state against its due times.
type Freshness struct {
	Feed
	LastFile   string
	LastFileAt time.Time // the newest file's modification time; zero when none
	NextDue    time.Time // the due time the next file is for
	Late       bool
	LateBy     time.Duration // from NextDue, while late
	Err        string        // the inbox could not be read
	Totals     FeedTotals
}

// State is the freshness in a word, for the status page and the webhook.
func (f Freshness) State() string {
	switch {
	case f.Err != "":
		return "unknown"
	case f.Late && f.LastFileAt.IsZero():
		return "no file yet"
	case f.Late:
		return "late"
	default:
		return "on time"
	}
}

// CheckFreshness is a feed's state at now, given its newest file (name and modification
// time; a zero time when it has sent none): for a look without the daemon (ccare status),
// with since standing for when the watch began.
func CheckFreshness(f Feed, name string, at, now, since time.Time, loc *time.Location) Freshness {
	return freshness(f, name, at, now, since, loc)
}

// freshness works out a feed's state at now. A file covers the first due time at or after
// it arrived, so the next file is due by the due time after that one; a feed that has sent
// nothing is measured from when the daemon started.
func freshness(f Feed, name string, at, now, started time.Time, loc *time.Location) Freshness {
	out := Freshness{Feed: f, LastFile: name, LastFileAt: at}
	if at.IsZero() {
		out.NextDue = f.Due.Next(started.In(loc))
	} else {
		covered := f.Due.Next(at.In(loc).Add(-time.Second))
		out.NextDue = f.Due.Next(covered)
	}
	if now.After(out.NextDue.Add(f.Grace)) {
		out.Late, out.LateBy = true, now.Sub(out.NextDue).Truncate(time.Minute)
	}
	return out
}

// checkFeeds looks at every feed's newest file, logs and calls the webhook on each change
// between on time and late.
func (d *Daemon) checkFeeds(ctx context.Context) {
	now := d.opt.Clock.Now()
	for _, f := range d.opt.Feeds {
		name, at, err := d.opt.Files.Newest(ctx, f.Provider, f.Name)
		fr := freshness(f, name, at, now, d.started, d.opt.Location)
		if err != nil {
			fr = Freshness{Feed: f, Err: err.Error()}
		}
		key := f.Provider + "/" + f.Name
		d.mu.Lock()
		was, seen := d.fresh[key]
		fr.Totals = was.Totals
		d.fresh[key] = fr
		d.mu.Unlock()
		log := d.opt.Log.With("provider", f.Provider, "feed", f.Name)
		switch {
		case err != nil:
			if !seen || was.Err == "" {
				log.Error("feed: cannot read its inbox", "error", err)
			}
		case fr.Late && (!seen || !was.Late):
			log.Warn("feed late", "state", fr.State(), "last_file", fr.LastFile, "last_file_at", stamp(fr.LastFileAt),
				"due", stamp(fr.NextDue), "late_by", fr.LateBy.String())
			d.notify(ctx, fr)
		case !fr.Late && seen && was.Late:
			log.Info("feed on time again", "last_file", fr.LastFile, "last_file_at", stamp(fr.LastFileAt))
			d.notify(ctx, fr)
		}
	}
}

// refreshTotals asks the warehouse what it holds from each feed.
func (d *Daemon) refreshTotals(ctx context.Context) {
	if d.opt.Warehouse == nil {
		return
	}
	totals, err := d.opt.Warehouse.FeedTotals(ctx)
	if err != nil {
		d.opt.Log.Warn("cannot read the feeds' totals from the warehouse", "error", err)
		return
	}
	var held []FeedTotals
	d.mu.Lock()
	d.totals = totals
	for _, t := range totals {
		key := t.Provider + "/" + t.Feed
		fr := d.fresh[key]
		if t.HeldBack != "" && t.HeldBack != fr.Totals.HeldBack {
			held = append(held, t)
		}
		fr.Totals = t
		d.fresh[key] = fr
	}
	d.mu.Unlock()
	// A held-back extract is most often an export cut short at the source: the warehouse
	// stays on the feed's previous extract, but someone should ask the provider why.
	for _, t := range held {
		d.opt.Log.Warn("whole extract held back", "provider", t.Provider, "feed", t.Feed, "reason", t.HeldBack)
		d.post(ctx, heldAlert{Text: "ccare: " + t.HeldBack, Provider: t.Provider, Feed: t.Feed, State: "held back", Reason: t.HeldBack},
			"provider", t.Provider, "feed", t.Feed)
	}
}

// heldAlert is the webhook's body when the shrink guard holds back a whole extract.
type heldAlert struct {
	Text     string `json:"text"`
	Provider string `json:"provider"`
	Feed     string `json:"feed"`
	State    string `json:"state"`
	Reason   string `json:"reason"`
}

// Feeds is every watched feed's freshness, in the order given.
func (d *Daemon) Feeds() []Freshness {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Freshness, 0, len(d.opt.Feeds))
	for _, f := range d.opt.Feeds {
		fr, ok := d.fresh[f.Provider+"/"+f.Name]
		if !ok {
			fr = Freshness{Feed: f}
		}
		out = append(out, fr)
	}
	return out
}

// lateAlert is the webhook's body. Text makes it readable as it is by chat tools' incoming
// webhooks (Slack, Teams, Mattermost); the other fields are for anything that parses it.
type lateAlert struct {
	Text       string `json:"text"`
	Provider   string `json:"provider"`
	Feed       string `json:"feed"`
	State      string `json:"state"`
	LastFile   string `json:"last_file,omitempty"`
	LastFileAt string `json:"last_file_at,omitempty"`
	DueBy      string `json:"due_by"`
	LateBySecs int64  `json:"late_by_seconds"`
}

// notify posts a feed's change of state to the webhook, if one is configured. A webhook
// that fails is logged; the daemon goes on.
func (d *Daemon) notify(ctx context.Context, fr Freshness) {
	if d.opt.Webhook == "" {
		return
	}
	a := lateAlert{Provider: fr.Provider, Feed: fr.Name, State: fr.State(), LastFile: fr.LastFile,
		LastFileAt: stamp(fr.LastFileAt), DueBy: stamp(fr.NextDue), LateBySecs: int64(fr.LateBy.Seconds())}
	if fr.Late {
		last := "no file yet"
		if !fr.LastFileAt.IsZero() {
			last = "last file " + fr.LastFile + " at " + fr.LastFileAt.In(d.opt.Location).Format("Mon 2 Jan 15:04")
		}
		a.Text = fmt.Sprintf("ccare: %s/%s is late by %s: a file was due by %s (%s)", fr.Provider, fr.Name,
			fr.LateBy, fr.NextDue.In(d.opt.Location).Format("Mon 2 Jan 15:04"), last)
	} else {
		a.Text = fmt.Sprintf("ccare: %s/%s is on time again: %s arrived at %s", fr.Provider, fr.Name,
			fr.LastFile, fr.LastFileAt.In(d.opt.Location).Format("Mon 2 Jan 15:04"))
	}
	d.post(ctx, a, "provider", fr.Provider, "feed", fr.Name)
}

// jobFailed is the webhook's body when a job fails after its last retry.
type jobFailed struct {
	Text  string `json:"text"`
	Job   string `json:"job"`
	State string `json:"state"`
	Error string `json:"error"`
}

// post sends body to the webhook, logging (with about) a failure.
func (d *Daemon) post(ctx context.Context, body any, about ...any) {
	if d.opt.Webhook == "" {
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		d.opt.Log.Error("webhook", "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.opt.Webhook, bytes.NewReader(b))
	if err != nil {
		d.opt.Log.Error("webhook", "error", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		// Not the URL: a chat tool's webhook URL is its secret, and logs are widely read.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		d.opt.Log.Error("webhook failed", append(about, "error", err)...)
		return
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		d.opt.Log.Error("webhook refused", append(about, "status", res.Status)...)
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
