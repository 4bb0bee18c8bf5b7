package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
)

// AppScope is the RateLimitWait scope of the app's own quota, which holds
// back every page.
const AppScope = "app"

// ThrottledError fails a page whose rate limit lasts longer than a poll
// sits out (PollerOptions.MaxRateLimitWait). The other pages go on; this
// one resumes at the next poll. It wraps the *facebook.RateLimitError.
type ThrottledError struct {
	Scope string    // the page id, or AppScope
	Until time.Time // when Meta lets calls through again
	Err   error
}

func (e *ThrottledError) Error() string {
	who := "this page"
	if e.Scope == AppScope {
		who = "the app's Graph API quota"
	}
	return fmt.Sprintf("Meta rate-limits %s until %s, longer than a sync waits; the next sync goes on from here",
		who, e.Until.Local().Format("Jan 2 15:04:05"))
}

func (e *ThrottledError) Unwrap() error { return e.Err }

// withRetry sits out short rate-limit pauses. The client refuses to call
// Meta while blocked, so a retry before the pause ends costs nothing but
// also gains nothing: we wait the whole pause. Longer pauses fail the page
// until the next poll rather than holding the poll hostage.
func (p *Poller) withRetry(ctx context.Context, run *pollRun, pageID string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		rl, ok := errors.AsType[*facebook.RateLimitError](err)
		if !ok {
			return err
		}
		scope := pageID
		if rl.App {
			scope = AppScope
		}
		until := rl.Until
		if until.IsZero() {
			until = p.o.Now().Add(rl.RetryAfter)
		}
		if rl.RetryAfter > p.o.MaxRateLimitWait {
			terr := &ThrottledError{Scope: scope, Until: until, Err: err}
			run.pacer.announce(pageID, scope, until, terr)
			return terr
		}
		if attempt >= p.o.MaxRetries {
			return err
		}
		p.o.Logger.Info("rate limited; waiting", "page", pageID, "scope", scope, "until", until)
		if err := run.pacer.wait(ctx, pageID, scope, until); err != nil {
			return err
		}
	}
}

// pacer lets a poll's workers sit out a rate limit together: the first to
// meet a block sleeps until it ends and announces it once (RateLimitWait);
// the others wait for the same end instead of each sleeping, and each
// announcing, on its own.
type pacer struct {
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	notify func(Event)

	mu        sync.Mutex
	pauses    map[string]*pause    // by scope: the pause under way
	announced map[string]time.Time // by scope: the last block end announced
}

type pause struct {
	until time.Time
	done  chan struct{} // closed when the sleeper wakes
}

// wait returns when the scope's block ending at until is over, or ctx ends.
func (pc *pacer) wait(ctx context.Context, pageID, scope string, until time.Time) error {
	pc.mu.Lock()
	if pc.pauses == nil {
		pc.pauses = map[string]*pause{}
	}
	if ps := pc.pauses[scope]; ps != nil && !ps.until.Before(until) {
		pc.mu.Unlock()
		select {
		case <-ps.done:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	ps := &pause{until: until, done: make(chan struct{})}
	pc.pauses[scope] = ps
	pc.mu.Unlock()

	pc.announce(pageID, scope, until, nil)
	err := pc.sleep(ctx, max(until.Sub(pc.now()), 0))
	pc.mu.Lock()
	if pc.pauses[scope] == ps {
		delete(pc.pauses, scope)
	}
	pc.mu.Unlock()
	close(ps.done)
	return err
}

// announce publishes RateLimitWait once per block end and scope; err is
// set when the poll does not wait for it.
func (pc *pacer) announce(pageID, scope string, until time.Time, err error) {
	pc.mu.Lock()
	if pc.announced == nil {
		pc.announced = map[string]time.Time{}
	}
	seen := pc.announced[scope].Equal(until)
	pc.announced[scope] = until
	pc.mu.Unlock()
	if !seen {
		pc.notify(Event{Kind: RateLimitWait, PageID: pageID, Scope: scope, Until: until, Err: err})
	}
}
