package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

// SchedulerOptions configures a Scheduler. Poll is required.
type SchedulerOptions struct {
	// Poll runs one full poll. The scheduler never runs two at once.
	Poll func(ctx context.Context) error
	// LastPoll reports when the last successful full poll started (zero:
	// never). At start, a poll older than CatchUpAfter runs at once.
	LastPoll     func(ctx context.Context) (time.Time, error)
	CatchUpAfter time.Duration // default 24h
	// DailyAt is the local time of day of the daily poll.
	DailyAt TimeOfDay
	Clock   clockwork.Clock // default: the real clock
	Logger  *slog.Logger
}

// TimeOfDay is a wall-clock time, hours and minutes, in local time.
type TimeOfDay struct{ Hour, Minute uint }

// ParseTimeOfDay reads "HH:MM" (24-hour clock), by validate's rule, the
// one the settings screen and command check a new time with.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, err := validate.ParseTimeOfDay(s)
	if err != nil {
		return TimeOfDay{}, err
	}
	return TimeOfDay{Hour: uint(h), Minute: uint(m)}, nil
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// Scheduler runs the daily poll (a gocron job), the catch-up poll at start
// and "Sync now", all through one guard: two polls never overlap, and a
// poll asked for while one runs is not dropped but coalesced into one more
// run after it. Dropping it would lose what happened since the running
// poll listed the conversations: the catch-up after a tunnel reconnect is
// exactly such a request.
type Scheduler struct {
	o      SchedulerOptions
	s      gocron.Scheduler
	job    gocron.Job
	ctx    context.Context // parent of every poll; cancelled by Stop
	cancel context.CancelFunc
	polls  sync.WaitGroup // sync-now runs, which gocron does not track

	mu      sync.Mutex
	running bool // a poll is under way
	again   bool // asked for while running: poll once more after it
	stopped bool // Stop has begun: no new sync-now runs
}

// NewScheduler builds the scheduler; nothing runs before Start. ctx is the
// parent of every poll it runs; Stop cancels a poll under way.
func NewScheduler(ctx context.Context, o SchedulerOptions) (*Scheduler, error) {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CatchUpAfter <= 0 {
		o.CatchUpAfter = 24 * time.Hour
	}
	s, err := gocron.NewScheduler(gocron.WithClock(o.Clock), gocron.WithLocation(time.Local))
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	sc := &Scheduler{o: o, s: s, ctx: ctx, cancel: cancel}
	sc.job, err = s.NewJob(
		gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(o.DailyAt.Hour, o.DailyAt.Minute, 0))),
		gocron.NewTask(func(ctx context.Context) {
			if sc.claim() {
				sc.run(ctx)
			}
		}),
		gocron.WithName("poll"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithContext(ctx),
	)
	if err != nil {
		cancel()
		_ = s.Shutdown()
		return nil, fmt.Errorf("scheduler: daily poll: %w", err)
	}
	return sc, nil
}

// claim marks a poll as under way and reports true, or, when one already
// is, asks it to run once more and reports false.
func (sc *Scheduler) claim() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.running {
		sc.again = true
		return false
	}
	sc.running = true
	return true
}

// run polls, and polls again while requests arrived meanwhile. The caller
// has claimed the run.
func (sc *Scheduler) run(ctx context.Context) {
	for {
		if err := sc.o.Poll(ctx); err != nil {
			sc.o.Logger.Warn("scheduled poll failed", "err", err)
		}
		sc.mu.Lock()
		again := sc.again && ctx.Err() == nil
		sc.again, sc.running = false, again
		sc.mu.Unlock()
		if !again {
			return
		}
	}
}

// Start starts the daily schedule and, when the last successful poll is
// older than CatchUpAfter (or never happened), a catch-up poll right away:
// the machine was off or asleep and webhooks were missed.
func (sc *Scheduler) Start(ctx context.Context) error {
	sc.s.Start()
	if sc.o.LastPoll == nil {
		return nil
	}
	last, err := sc.o.LastPoll(ctx)
	if err != nil {
		return fmt.Errorf("scheduler: last poll: %w", err)
	}
	if last.IsZero() || sc.o.Clock.Since(last) > sc.o.CatchUpAfter {
		sc.o.Logger.Info("last poll is overdue; catching up", "last", last)
		return sc.SyncNow()
	}
	return nil
}

// SyncNow polls now, outside the daily schedule, in the background. While
// a poll is running it polls once more when that one ends.
func (sc *Scheduler) SyncNow() error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	switch {
	case sc.stopped:
		return errors.New("sync now: the scheduler is stopped")
	case sc.running:
		sc.again = true
	default:
		sc.running = true
		sc.polls.Go(func() { sc.run(sc.ctx) })
	}
	return nil
}

// NextRun is when the daily poll will next run.
func (sc *Scheduler) NextRun() (time.Time, error) { return sc.job.NextRun() }

// Stop stops the schedule, cancels a poll under way and waits for it.
func (sc *Scheduler) Stop() error {
	sc.mu.Lock()
	sc.stopped = true
	sc.mu.Unlock()
	sc.cancel()
	err := sc.s.Shutdown()
	sc.polls.Wait()
	if err != nil {
		return fmt.Errorf("scheduler: stop: %w", err)
	}
	return nil
}
