package engine

import (
	"context"
	"log/slog"
	"sync"
)

// namer looks up the names of customers whom webhooks bring without one,
// in the background and once per conversation at a time: a burst of a
// customer's messages costs one profile call, and the webhook's answer
// never waits for Graph.
type namer struct {
	ctx        context.Context
	poller     *Poller
	background *sync.WaitGroup
	log        *slog.Logger

	mu      sync.Mutex
	pending map[[2]string]bool
}

func newNamer(ctx context.Context, p *Poller, background *sync.WaitGroup, log *slog.Logger) *namer {
	return &namer{ctx: ctx, poller: p, background: background, log: log, pending: map[[2]string]bool{}}
}

// name starts a lookup unless one for the conversation is under way. The
// lookup itself returns at once when the conversation has a name.
func (n *namer) name(pageID, psid string) {
	if n.ctx.Err() != nil {
		return // shutting down: the next poll brings the name
	}
	k := [2]string{pageID, psid}
	n.mu.Lock()
	if n.pending[k] {
		n.mu.Unlock()
		return
	}
	n.pending[k] = true
	n.mu.Unlock()
	n.background.Go(func() {
		defer func() {
			n.mu.Lock()
			delete(n.pending, k)
			n.mu.Unlock()
		}()
		if err := n.poller.NameCustomer(n.ctx, pageID, psid); err != nil {
			n.log.Info("customer name not found; the next poll brings it", "page", pageID, "err", err)
		}
	})
}
