package pipelines

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress draws the run's progress on a terminal. A nil *Progress draws nothing: the CLI
// passes nil with --quiet or when stderr is not a terminal, where the logs say it all.
// Files land on several connections at once: the methods may be called concurrently.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	bar   *progressbar.ProgressBar
	files int
	label string
	rowsN int64
}

// NewProgress draws on w (a terminal).
func NewProgress(w io.Writer) *Progress { return &Progress{w: w} }

func (p *Progress) start(totalBytes int64, files int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if files == 0 {
		return
	}
	p.files = files
	p.bar = progressbar.NewOptions64(totalBytes,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription("landing files"))
}

func (p *Progress) file(i int, label string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	p.label, p.rowsN = fmt.Sprintf("[%d/%d] %s", i, p.files, label), 0
	p.bar.Describe(p.label)
}

func (p *Progress) rows(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	p.rowsN += n
	p.bar.Describe(fmt.Sprintf("%s %d rows", p.label, p.rowsN))
}

func (p *Progress) bytes(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	_ = p.bar.Add64(n)
}

func (p *Progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	_ = p.bar.Finish()
	p.bar = nil
}

// step shows a spinner for a step of unknown length; call the returned func when done.
func (p *Progress) step(label string) func() {
	if p == nil {
		return func() {}
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(label),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	start := time.Now()
	return func() {
		close(stop)
		<-done
		_ = bar.Finish()
		fmt.Fprintf(p.w, "%s: %.1fs\n", label, time.Since(start).Seconds())
	}
}
