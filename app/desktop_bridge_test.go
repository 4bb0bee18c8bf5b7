package app

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

func TestBridgeEventsSayWhatIsNews(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lastSync := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	msg := func(src engine.Source, dir store.Direction, created time.Time) engine.Event {
		return engine.Event{Kind: engine.MessageStored, PageID: "100", PSID: "9001", MessageID: "m", Direction: dir, Source: src, Created: created}
	}
	for _, tc := range []struct {
		name     string
		lastPoll time.Time // stored before the poll starts; zero: a first sync
		ev       engine.Event
		incoming bool
		live     bool
	}{
		{"a webhook message", lastSync, msg(engine.FromWebhook, store.Incoming, lastSync.Add(-time.Hour)), true, true},
		{"an echo by webhook", lastSync, msg(engine.FromWebhook, store.Outgoing, lastSync.Add(time.Hour)), false, true},
		{"a poll finds one newer than the last sync", lastSync, msg(engine.FromPoll, store.Incoming, lastSync.Add(time.Minute)), true, true},
		{"a poll finds one older than the last sync", lastSync, msg(engine.FromPoll, store.Incoming, lastSync.Add(-time.Minute)), true, false},
		{"a first sync imports history", time.Time{}, msg(engine.FromPoll, store.Incoming, time.Now()), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := st.SetLastFullPoll(t.Context(), tc.lastPoll); err != nil {
				t.Fatal(err)
			}
			b := &bridge{st: st}
			in := make(chan engine.Event, 2)
			out := make(chan ui.Event, 8)
			in <- engine.Event{Kind: engine.PollStarted}
			in <- tc.ev
			close(in)
			b.events(t.Context(), in, out)
			var got []ui.Event
			for ev := range out {
				got = append(got, ev)
			}
			if len(got) != 2 || got[0].Kind != ui.StatusChanged || got[1].Kind != ui.MessageArrived {
				t.Fatalf("ui events %+v, want status-changed then message-arrived", got)
			}
			m := got[1]
			if m.Incoming != tc.incoming || m.Live != tc.live || m.Ref != (ui.ConversationRef{PageID: "100", PSID: "9001"}) || m.MessageID != "m" {
				t.Errorf("message-arrived %+v, want incoming %v, live %v", m, tc.incoming, tc.live)
			}
		})
	}
}

func TestBridgeTunnelInTheTraysWords(t *testing.T) {
	stopped := func() error { return nil }
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		state engine.State
		want  ui.TunnelState
	}{
		{"not running yet", engine.State{}, ui.TunnelConnecting},
		{"webhooks cannot be verified", engine.State{Running: true, Tunnel: engine.TunnelState{Kind: engine.TunnelIsUp, URL: "https://x"}}, ui.TunnelOff},
		{"up", engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true}, Tunnel: engine.TunnelState{Kind: engine.TunnelIsUp, URL: "https://x"}}, ui.TunnelUp},
		{"reconnecting", engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true}, Tunnel: engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "eof", DownSince: now.Add(-5 * time.Second)}}, ui.TunnelConnecting},
		{"down past the grace", engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true}, Tunnel: engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "no such host", DownSince: now.Add(-tunnelGrace)}}, ui.TunnelDown},
		{"given up", engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true}, Tunnel: engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "bad domain", Stopped: true}}, ui.TunnelDown},
		{"no authtoken", engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true}, Tunnel: engine.TunnelState{Kind: engine.TunnelIsNone, Reason: "no ngrok authtoken", Stopped: true}}, ui.TunnelOff},
	} {
		b := &bridge{runErr: stopped, now: func() time.Time { return now }}
		if got := b.tunnel(tc.state); got.State != tc.want {
			t.Errorf("%s: tunnel %+v, want state %v", tc.name, got, tc.want)
		}
	}
	b := &bridge{runErr: func() error { return errNoDisplay }}
	if got := b.tunnel(engine.State{}); got.State != ui.TunnelDown || got.Reason == "" {
		t.Errorf("engine stopped on its own: %+v, want down with the reason", got)
	}
}

// A tunnel down and reconnecting has the window read the status again
// when the outage passes tunnelGrace, though no event may come then; one
// that gave up, or that is up, needs no second look.
func TestBridgeRechecksALastingTunnelOutage(t *testing.T) {
	since := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	b := &bridge{nudge: make(chan struct{}, 1), now: func() time.Time { return since.Add(tunnelGrace - 50*time.Millisecond) }}

	b.recheckTunnel(engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "no such host", DownSince: since, Stopped: true})
	b.recheckTunnel(engine.TunnelState{Kind: engine.TunnelIsUp, URL: "https://x"})
	select {
	case <-b.nudge:
		t.Fatal("a nudge for a tunnel that gave up or is up")
	case <-time.After(300 * time.Millisecond):
	}

	b.recheckTunnel(engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "no such host", DownSince: since})
	select {
	case <-b.nudge:
	case <-time.After(10 * time.Second):
		t.Fatal("no nudge when the outage passed the grace")
	}
	if got := b.tunnel(engine.State{Running: true, Webhooks: engine.Webhooks{Facebook: true},
		Tunnel: engine.TunnelState{Kind: engine.TunnelIsDown, Reason: "no such host", DownSince: since.Add(-time.Second)}}); got.State != ui.TunnelDown {
		t.Errorf("status read after the nudge: %+v, want down", got)
	}
}
