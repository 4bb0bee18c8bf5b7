// Package wait holds the one way the engine's packages pause: a sleep that
// ends early, with the context's cause, when the context ends. Each client
// takes it as its default and lets tests inject a fake clock instead.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx ends, whichever is first; it returns
// context.Cause(ctx) in the second case.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
