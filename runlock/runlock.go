// Package runlock keeps the warehouse to one writer at a time.
//
// The lock is an advisory flock(2) on a file beside the warehouse, so the kernel releases
// it when its holder dies, however it dies (kill -9 included): a lock can never be held by
// a process that no longer exists. The file also records who holds it (pid, host, job,
// start time), for the message a second run prints, and so that a run finding the record
// of a holder that is gone can say that the last run did not finish.
package runlock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// Holder is who holds, or last held, the lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Job     string    `json:"job"`
	Started time.Time `json:"started"`
}

func (h Holder) String() string {
	return fmt.Sprintf("%s run, pid %d on %s, started %s", h.Job, h.PID, h.Host, h.Started.Format(time.RFC3339))
}

// HeldError says the lock is held by another live run.
type HeldError struct {
	Path   string
	Holder Holder // zero if the holder's record could not be read
}

func (e *HeldError) Error() string {
	who := "another run"
	if e.Holder.PID != 0 {
		who = e.Holder.String()
	}
	return fmt.Sprintf("the warehouse is being written by %s (lock %s); wait for it to finish, or run with --wait", who, e.Path)
}

// Lock is a held lock; Release gives it up.
type Lock struct {
	f *os.File
	// Stale is the record of an earlier holder that died holding the lock (its run did not
	// finish), or nil.
	Stale *Holder
}

// Acquire takes the lock at path for job. If another live process holds it, Acquire polls
// until wait has passed (0: do not wait) or ctx ends, and then returns a *HeldError.
func Acquire(ctx context.Context, path, job string, wait time.Duration) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !time.Now().Before(deadline) {
			h, _ := readHolder(f)
			f.Close()
			return nil, &HeldError{Path: path, Holder: h}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(250*time.Millisecond, time.Until(deadline)+time.Millisecond)):
		}
	}
	l := &Lock{f: f}
	// A record left in an unlocked file is a holder that never released: it died.
	if h, err := readHolder(f); err == nil && h.PID != 0 {
		l.Stale = &h
	}
	host, _ := os.Hostname()
	me, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Job: job, Started: time.Now().UTC()})
	if err := f.Truncate(0); err != nil {
		l.Release()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if _, err := f.WriteAt(append(me, '\n'), 0); err != nil {
		l.Release()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return l, nil
}

// Release clears the holder's record and gives up the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	terr := l.f.Truncate(0)
	uerr := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	cerr := l.f.Close()
	l.f = nil
	return errors.Join(terr, uerr, cerr)
}

// Read is the record in the lock file at path, without taking the lock (a look must never
// make a run fail to start): a zero Holder when no run holds it and none died holding it.
func Read(path string) (Holder, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Holder{}, nil
	}
	if err != nil {
		return Holder{}, err
	}
	defer f.Close()
	h, err := readHolder(f)
	if err != nil && h.PID == 0 {
		if errors.Is(err, io.EOF) {
			return Holder{}, nil // released: the record is cleared
		}
		return Holder{}, fmt.Errorf("lock %s: %w", path, err)
	}
	return h, nil
}

// Running says whether the holder's process is still running. It can only tell on the
// holder's own host; elsewhere it says true, since a lock on a shared filesystem is held
// by a process this machine cannot see.
func (h Holder) Running() bool {
	if h.PID == 0 {
		return false
	}
	if host, _ := os.Hostname(); h.Host != "" && h.Host != host {
		return true
	}
	err := syscall.Kill(h.PID, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func readHolder(f *os.File) (Holder, error) {
	var h Holder
	b := make([]byte, 4096)
	n, err := f.ReadAt(b, 0)
	if n == 0 {
		return h, err
	}
	return h, json.Unmarshal(b[:n], &h)
}
