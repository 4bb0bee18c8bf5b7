package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// unreachable is a tunnel that never opens, as ngrok does with no
// internet connection: each attempt fails and the supervisor retries.
type unreachable struct{}

func (unreachable) Open(context.Context) (tunnel.Endpoint, error) {
	return nil, errors.New("dial tcp: lookup connect.ngrok-agent.com: no such host")
}

// A tunnel that keeps failing stays down since its first failure, across
// the retries, so the window can tell a lasting outage from a reconnect.
func TestTunnelDownSinceTheFirstFailure(t *testing.T) {
	f := newFixture(t)
	eng, events := f.runEngine(t, func(o *Options) { o.Opener = unreachable{} })
	w := &watcher{events: events}

	// Every state but up is announced as TunnelDown, opening too.
	down := func(ev Event) bool { return ev.Kind == TunnelDown && eng.State().Tunnel.Kind == TunnelIsDown }
	w.await(t, "the first failure", down)
	first := eng.State().Tunnel
	if first.Kind != TunnelIsDown || first.Stopped || first.DownSince.IsZero() {
		t.Fatalf("after the first failure: %+v, want down since then, retrying", first)
	}
	// The supervisor waits at least a second before reopening, so an
	// event this much later is a retry's, not the first failure's.
	w.await(t, "a retry failing", func(ev Event) bool { return down(ev) && time.Since(first.DownSince) > 500*time.Millisecond })
	if again := eng.State().Tunnel; !again.DownSince.Equal(first.DownSince) {
		t.Errorf("down since %v after a retry, want %v: the outage began at the first failure", again.DownSince, first.DownSince)
	}
}
