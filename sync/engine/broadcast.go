package engine

import (
	"context"
	"sync"
	"time"
)

// Broadcaster fans events out to subscribers without ever blocking the
// publisher: a webhook's commit and its 200 must not wait for a window
// that is busy painting. Each subscriber has a bounded buffer; one that
// falls behind loses events and gets a single Resync in their place, so
// it knows to read everything again instead of trusting a partial
// picture.
type Broadcaster struct {
	now  func() time.Time
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	c      chan Event
	size   int  // events it may hold; c has one more slot, for Resync
	behind bool // lost events since its last delivery; a Resync is queued
}

// NewBroadcaster returns a Broadcaster with no subscribers.
func NewBroadcaster() *Broadcaster {
	return &Broadcaster{now: time.Now, subs: map[*subscriber]struct{}{}}
}

// Publish delivers ev to every subscriber that has room, and a Resync to
// each that has not. It never blocks. A zero ev.At is set to now.
func (b *Broadcaster) Publish(ev Event) {
	if ev.At.IsZero() {
		ev.At = b.now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		// Only Publish sends, under mu, so len(s.c) can only shrink
		// between the check and the send: both sends below succeed.
		switch {
		case len(s.c) < s.size:
			s.behind = false
			s.c <- ev
		case !s.behind:
			s.behind = true
			s.c <- Event{Kind: Resync, At: ev.At}
		}
	}
}

// Subscribe returns a channel of the events published from now on, until
// ctx ends; then the channel is closed. buffer (at least 1) is how many
// events may wait for the reader before it is sent a Resync instead.
func (b *Broadcaster) Subscribe(ctx context.Context, buffer int) <-chan Event {
	buffer = max(buffer, 1)
	s := &subscriber{c: make(chan Event, buffer+1), size: buffer}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, s)
		close(s.c)
	})
	return s.c
}
