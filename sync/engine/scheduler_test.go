package engine

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// pollRecorder is a Poll function that reports each run on a channel and
// can hold a run open until released.
type pollRecorder struct {
	started  chan struct{}
	release  chan struct{}
	running  atomic.Int32
	maxAtOne atomic.Int32
	runs     atomic.Int32
}

func newPollRecorder(hold bool) *pollRecorder {
	r := &pollRecorder{started: make(chan struct{}, 16)}
	if hold {
		r.release = make(chan struct{})
	}
	return r
}

func (r *pollRecorder) poll(ctx context.Context) error {
	n := r.running.Add(1)
	defer r.running.Add(-1)
	for {
		m := r.maxAtOne.Load()
		if n <= m || r.maxAtOne.CompareAndSwap(m, n) {
			break
		}
	}
	r.runs.Add(1)
	r.started <- struct{}{}
	if r.release != nil {
		select {
		case <-r.release:
		case <-ctx.Done():
		}
	}
	return nil
}

func (r *pollRecorder) waitRun(t *testing.T) {
	t.Helper()
	select {
	case <-r.started:
	case <-time.After(10 * time.Second):
		t.Fatal("poll did not run")
	}
}

func (r *pollRecorder) noRun(t *testing.T) {
	t.Helper()
	select {
	case <-r.started:
		t.Fatal("poll ran, want none")
	case <-time.After(200 * time.Millisecond):
	}
}

func startScheduler(t *testing.T, clock clockwork.Clock, last time.Time, rec *pollRecorder) *Scheduler {
	t.Helper()
	sc, err := NewScheduler(t.Context(), SchedulerOptions{
		Poll:     rec.poll,
		LastPoll: func(context.Context) (time.Time, error) { return last, nil },
		DailyAt:  TimeOfDay{Hour: 9, Minute: 0},
		Clock:    clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if rec.release != nil {
			close(rec.release)
		}
		if err := sc.Stop(); err != nil {
			t.Error(err)
		}
	})
	if err := sc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestSchedulerCatchUpAtStart(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.Local)
	tests := []struct {
		name    string
		last    time.Time
		catchUp bool
	}{
		{"never polled", time.Time{}, true},
		{"polled 25 hours ago", now.Add(-25 * time.Hour), true},
		{"polled 2 hours ago", now.Add(-2 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newPollRecorder(false)
			startScheduler(t, clockwork.NewFakeClockAt(now), tt.last, rec)
			if tt.catchUp {
				rec.waitRun(t)
			} else {
				rec.noRun(t)
			}
		})
	}
}

func TestSchedulerRunsDailyAtConfiguredTime(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 8, 58, 0, 0, time.Local))
	rec := newPollRecorder(false)
	sc := startScheduler(t, clock, clock.Now().Add(-time.Hour), rec)

	next, err := sc.NextRun()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local); !next.Equal(want) {
		t.Fatalf("next run %v, want %v", next, want)
	}
	rec.noRun(t)
	if err := clock.BlockUntilContext(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Minute)
	rec.waitRun(t)
	if got := rec.runs.Load(); got != 1 {
		t.Fatalf("%d polls after 09:00, want 1", got)
	}
}

func TestSyncNowRunsThePoll(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 12, 0, 0, 0, time.Local))
	rec := newPollRecorder(false)
	sc := startScheduler(t, clock, clock.Now(), rec)
	rec.noRun(t)
	if err := sc.SyncNow(); err != nil {
		t.Fatal(err)
	}
	rec.waitRun(t)
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in      string
		want    TimeOfDay
		wantErr bool
	}{
		{"09:00", TimeOfDay{9, 0}, false},
		{"23:59", TimeOfDay{23, 59}, false},
		{"00:05", TimeOfDay{0, 5}, false},
		{"24:00", TimeOfDay{}, true},
		{"9am", TimeOfDay{}, true},
		{"", TimeOfDay{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTimeOfDay(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// Polls never overlap, and one asked for while a poll runs is not lost:
// however many requests arrive meanwhile, exactly one more poll follows.
func TestSyncNowDuringAPollRunsOnceMoreAfterIt(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 12, 0, 0, 0, time.Local))
	rec := newPollRecorder(true)
	sc := startScheduler(t, clock, time.Time{}, rec) // catch-up poll starts and holds
	rec.waitRun(t)
	for range 3 {
		if err := sc.SyncNow(); err != nil {
			t.Fatal(err)
		}
	}
	rec.noRun(t)
	rec.release <- struct{}{} // the catch-up poll ends
	rec.waitRun(t)            // the requested one starts
	rec.release <- struct{}{}
	rec.noRun(t)
	if runs, most := rec.runs.Load(), rec.maxAtOne.Load(); runs != 2 || most != 1 {
		t.Fatalf("%d polls, at most %d at once; want 2, one at a time", runs, most)
	}
	// Once idle, a request starts a poll at once.
	if err := sc.SyncNow(); err != nil {
		t.Fatal(err)
	}
	rec.waitRun(t)
}

func TestSyncNowAfterStopFails(t *testing.T) {
	sc, err := NewScheduler(t.Context(), SchedulerOptions{Poll: func(context.Context) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := sc.SyncNow(); err == nil {
		t.Error("SyncNow after Stop: nil error")
	}
}
