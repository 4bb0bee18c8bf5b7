package engine

import (
	"context"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TunnelStateKind is where the public endpoint stands.
type TunnelStateKind int

const (
	TunnelIsNone     TunnelStateKind = iota // not running, or no tunnel wanted
	TunnelIsStarting                        // opening the first endpoint
	TunnelIsUp                              // URL reaches this machine
	TunnelIsDown                            // dropped or refused; Reason says why (retrying unless Stopped)
)

// TunnelState is the public endpoint as the tray and status show it.
type TunnelState struct {
	Kind   TunnelStateKind
	URL    string // while up
	Reason string // while down, or why there is none
	// Stopped: no retry will help (no authtoken, a malformed domain);
	// webhooks reach only the local address and polling covers the rest.
	Stopped bool
	// DownSince is when the endpoint went down (or first failed to open)
	// and has not been up since, across retries: a drop that heals in
	// seconds is routine, one that lasts is news for the merchant.
	DownSince time.Time
}

// State is what a running engine is doing. It is the engine's own and
// cheap to read; Snapshot adds what the store knows.
type State struct {
	Running  bool
	Started  time.Time
	Listen   string // local base URL of the webhook endpoints
	Webhooks Webhooks
	Tunnel   TunnelState
	Polling  bool
	Progress Progress  // while Polling
	LastPoll time.Time // start of the last full poll this process ran
	// LastPollErr is what failed in it, "" when everything was polled.
	LastPollErr string
	NextPoll    time.Time // the next daily poll
}

// State returns the engine's current state.
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state
}

// setState changes the state under the lock.
func (e *Engine) setState(f func(*State)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(&e.state)
}

// PageHealth is one page as the merchant needs to see it.
type PageHealth struct {
	Page store.Page
	Sync store.SyncState
}

// Snapshot is the engine's state with the connections and pages the
// store holds: all a view needs to say what works and what needs the
// merchant.
type Snapshot struct {
	State
	Connections  []store.Connection
	Pages        []PageHealth
	LastFullPoll time.Time // the last complete poll by any process, from the store
}

// Snapshot reads the current state.
func (e *Engine) Snapshot(ctx context.Context) (Snapshot, error) {
	snap := Snapshot{State: e.State()}
	var err error
	if snap.Connections, err = e.o.Store.Connections(ctx); err != nil {
		return snap, err
	}
	pages, err := e.o.Store.Pages(ctx)
	if err != nil {
		return snap, err
	}
	for _, p := range pages {
		ss, err := e.o.Store.SyncState(ctx, p.ID)
		if err != nil {
			return snap, err
		}
		snap.Pages = append(snap.Pages, PageHealth{Page: p, Sync: ss})
	}
	snap.LastFullPoll, err = e.o.Store.LastFullPoll(ctx)
	return snap, err
}
