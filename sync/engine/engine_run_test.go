package engine

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// runEngine starts an Engine over the fixture on 127.0.0.1 with a loopback
// tunnel and returns it with a subscription taken before it started.
// opts adjust the Options first.
func (f *fixture) runEngine(t *testing.T, opts ...func(*Options)) (*Engine, <-chan Event) {
	t.Helper()
	for n, v := range map[secrets.Name]string{
		secrets.FacebookAppSecret: testAppSecret, secrets.FacebookVerifyToken: "vt",
	} {
		if err := f.tokens.Set(t.Context(), n, v); err != nil {
			t.Fatal(err)
		}
	}
	o := Options{
		Store:   f.st,
		Secrets: f.tokens,
		Graph: func(appSecret string) *facebook.Client {
			return facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: appSecret})
		},
		Listen: "127.0.0.1:0",
		Tunnel: TunnelLoopback,
	}
	for _, opt := range opts {
		opt(&o)
	}
	eng := New(o)
	ctx, cancel := context.WithCancel(t.Context())
	events := eng.Subscribe(ctx, 1000)
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Run did not return 30s after its context ended")
		}
	})
	return eng, events
}

// watcher reads an engine's events and remembers them, so a test can wait
// for events whose order the engine does not fix (the tunnel coming up and
// the catch-up poll race) in any order.
type watcher struct {
	events <-chan Event
	seen   []Event // read and not yet matched
}

// await returns the first event read that satisfies ok and no earlier
// await took, reading more as needed, and fails after a generous
// deadline.
func (w *watcher) await(t *testing.T, what string, ok func(Event) bool) Event {
	t.Helper()
	for i := range w.seen {
		if ok(w.seen[i]) {
			return w.take(i)
		}
	}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, open := <-w.events:
			if !open {
				t.Fatalf("events closed while waiting for %s", what)
			}
			w.seen = append(w.seen, ev)
			if ok(ev) {
				return w.take(len(w.seen) - 1)
			}
		case <-deadline:
			t.Fatalf("no %s within 30s", what)
		}
	}
}

// forget drops what was read: the next await looks only at new events.
func (w *watcher) forget() { w.seen = nil }

// take removes seen[i], so the same event never satisfies two awaits.
func (w *watcher) take(i int) Event {
	ev := w.seen[i]
	w.seen = append(w.seen[:i], w.seen[i+1:]...)
	return ev
}

func TestEngineRunsPublishesAndReloads(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_old", Text: "hello", At: time.Now().Add(-time.Hour)})
	eng, events := f.runEngine(t)
	w := &watcher{events: events}

	// Started: state says where it listens, the tunnel comes up, and the
	// overdue catch-up poll runs and reports.
	w.await(t, "the tunnel up", func(ev Event) bool { return ev.Kind == TunnelUp && ev.URL != "" })
	st := eng.State()
	if !st.Running || st.Listen == "" || !st.Webhooks.Facebook || st.Tunnel.Kind != TunnelIsUp || eng.PublicURL() == "" {
		t.Fatalf("state after start: %+v", st)
	}
	w.await(t, "the catch-up poll's message", func(ev Event) bool {
		return ev.Kind == MessageStored && ev.MessageID == "m_old" && ev.Source == FromPoll
	})
	finished := w.await(t, "the catch-up poll finishing", func(ev Event) bool { return ev.Kind == PollFinished })
	if finished.Err != nil {
		t.Fatalf("catch-up poll failed: %v", finished.Err)
	}

	// A webhook on the public endpoint is stored and announced, and the
	// new customer it brings is named from the User Profile API.
	f.fb.AddMessage("100", "9002", "Ana López", facebooktest.FakeMessage{ID: "m_live", Text: "still there?"})
	body := fmt.Sprintf(`{"object":"page","entry":[{"id":"100","time":1,"messaging":[{"sender":{"id":"9002"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_live","text":"still there?"}}]}]}`, time.Now().UnixMilli())
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, eng.PublicURL()+FacebookWebhookPath, bytes.NewReader([]byte(body)))
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody([]byte(body), testAppSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: HTTP %d", resp.StatusCode)
	}
	w.await(t, "the webhook's message", func(ev Event) bool {
		return ev.Kind == MessageStored && ev.MessageID == "m_live" && ev.Source == FromWebhook && ev.Direction == "in"
	})
	w.await(t, "the new customer's name", func(ev Event) bool {
		if ev.Kind != ConversationChanged || ev.PSID != "9002" {
			return false
		}
		c, err := f.st.Conversation(t.Context(), "100", "9002")
		return err == nil && c.CustomerName == "Ana López"
	})

	// Sync now runs the scheduler's job; its events bracket the poll.
	if err := eng.SyncNow(); err != nil {
		t.Fatal(err)
	}
	w.await(t, "sync now starting", func(ev Event) bool { return ev.Kind == PollStarted })
	// The catch-up polls at start (overdue, then the tunnel's) may still
	// run: the sync asked for now follows them, so wait for the last.
	w.await(t, "sync now finishing", func(ev Event) bool { return ev.Kind == PollFinished && !eng.State().Polling })
	if st := eng.State(); st.Polling || st.LastPoll.IsZero() || st.LastPollErr != "" {
		t.Errorf("state after sync now: polling %v, last %v, err %q", st.Polling, st.LastPoll, st.LastPollErr)
	}

	// Reload reassembles: the engine stops and starts again, and serves.
	before := eng.State().Listen
	w.forget()
	eng.Reload()
	w.await(t, "the engine stopping for the reload", func(ev Event) bool { return ev.Kind == StateChanged && !eng.State().Running })
	w.await(t, "the engine running again", func(ev Event) bool { return ev.Kind == StateChanged && eng.State().Running })
	if after := eng.State().Listen; after == "" {
		t.Errorf("listen after reload is empty (before %s)", before)
	}
	if err := eng.SyncNow(); err != nil {
		t.Errorf("sync now after reload: %v", err)
	}
}
