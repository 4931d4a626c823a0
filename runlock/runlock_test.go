package runlock

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMain: with RUNLOCK_CHILD set, this binary is a child that takes the lock named there,
// says "held" on stdout and sleeps until it is killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("RUNLOCK_CHILD"); path != "" {
		if _, err := Acquire(context.Background(), path, "nightly", 0); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondWriterIsRefusedWithTheHolder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ccare.lock")
	first, err := Acquire(ctx, path, "nightly", 0)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stale != nil {
		t.Errorf("a fresh lock file reports a stale holder %v", first.Stale)
	}
	_, err = Acquire(ctx, path, "hourly", 0)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Acquire: %v, want a HeldError", err)
	}
	if held.Holder.PID != os.Getpid() || held.Holder.Job != "nightly" {
		t.Errorf("holder %+v, want this process's nightly run", held.Holder)
	}
	if msg := err.Error(); !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(msg, "nightly run") {
		t.Errorf("message %q does not name the holder", msg)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(ctx, path, "hourly", 0)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	if again.Stale != nil {
		t.Errorf("a released lock reports a stale holder %v", again.Stale)
	}
	again.Release()
}

func TestWaitingForTheLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ccare.lock")
	first, err := Acquire(ctx, path, "nightly", 0)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		first.Release()
	}()
	second, err := Acquire(ctx, path, "hourly", 10*time.Second)
	if err != nil {
		t.Fatalf("waiting: %v", err)
	}
	second.Release()

	held, _ := Acquire(ctx, path, "nightly", 0)
	defer held.Release()
	if _, err := Acquire(ctx, path, "hourly", 200*time.Millisecond); !errors.As(err, new(*HeldError)) {
		t.Errorf("waiting past the deadline: %v, want a HeldError", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Acquire(cctx, path, "hourly", time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

// TestKilledHolderLeavesAStaleRecord: a holder killed with SIGKILL cannot release; the
// kernel drops its flock, and the next run takes the lock and learns who died holding it.
func TestKilledHolderLeavesAStaleRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ccare.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RUNLOCK_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "held\n" {
		t.Fatalf("child: %q", line)
	}
	if _, err := Acquire(context.Background(), path, "hourly", 0); !errors.As(err, new(*HeldError)) {
		t.Errorf("while the child holds it: %v, want a HeldError", err)
	}
	// Read (ccare status) sees the holder, running, without taking the lock.
	if h, err := Read(path); err != nil || h.PID != cmd.Process.Pid || h.Job != "nightly" || !h.Running() {
		t.Errorf("Read while held: %+v, %v; want the child's record, running", h, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if h, err := Read(path); err != nil || h.PID != cmd.Process.Pid || h.Running() {
		t.Errorf("Read after the holder died: %+v (running %v), %v; want its record, not running", h, h.Running(), err)
	}
	l, err := Acquire(context.Background(), path, "hourly", 0)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	defer l.Release()
	if l.Stale == nil || l.Stale.PID != cmd.Process.Pid || l.Stale.Job != "nightly" {
		t.Errorf("stale holder %+v, want the killed child's (pid %d)", l.Stale, cmd.Process.Pid)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if h, err := Read(path); err != nil || h != (Holder{}) {
		t.Errorf("Read after a clean release: %+v, %v; want no record", h, err)
	}
	if h, err := Read(filepath.Join(t.TempDir(), "none.lock")); err != nil || h != (Holder{}) {
		t.Errorf("Read of a missing lock file: %+v, %v", h, err)
	}
}
