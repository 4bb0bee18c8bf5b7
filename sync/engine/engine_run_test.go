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

// await reads events until one satisfies ok, failing after a generous
// deadline; it returns that event.
func await(t *testing.T, events <-chan Event, what string, ok func(Event) bool) Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, open := <-events:
			if !open {
				t.Fatalf("events closed while waiting for %s", what)
			}
			if ok(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s within 30s", what)
		}
	}
}

func TestEngineRunsPublishesAndReloads(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_old", Text: "hello", At: time.Now().Add(-time.Hour)})
	eng, events := f.runEngine(t)

	// Started: state says where it listens, the tunnel comes up, and the
	// overdue catch-up poll runs and reports.
	await(t, events, "the tunnel up", func(ev Event) bool { return ev.Kind == TunnelUp && ev.URL != "" })
	st := eng.State()
	if !st.Running || st.Listen == "" || !st.Webhooks.Facebook || st.Tunnel.Kind != TunnelIsUp || eng.PublicURL() == "" {
		t.Fatalf("state after start: %+v", st)
	}
	await(t, events, "the catch-up poll's conversation", func(ev Event) bool {
		return ev.Kind == ConversationChanged && ev.PSID == "9001"
	})
	finished := await(t, events, "the catch-up poll finishing", func(ev Event) bool { return ev.Kind == PollFinished })
	if finished.Err != nil {
		t.Fatalf("catch-up poll failed: %v", finished.Err)
	}

	// A webhook on the public endpoint is stored and announced.
	body := fmt.Sprintf(`{"object":"page","entry":[{"id":"100","time":1,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_live","text":"still there?"}}]}]}`, time.Now().UnixMilli())
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
	await(t, events, "the webhook's message", func(ev Event) bool {
		return ev.Kind == MessageStored && ev.MessageID == "m_live" && ev.Source == FromWebhook && ev.Direction == "in"
	})

	// Sync now runs the scheduler's job; its events bracket the poll.
	if err := eng.SyncNow(); err != nil {
		t.Fatal(err)
	}
	await(t, events, "sync now starting", func(ev Event) bool { return ev.Kind == PollStarted })
	await(t, events, "sync now finishing", func(ev Event) bool { return ev.Kind == PollFinished })
	if st := eng.State(); st.Polling || st.LastPoll.IsZero() || st.LastPollErr != "" {
		t.Errorf("state after sync now: polling %v, last %v, err %q", st.Polling, st.LastPoll, st.LastPollErr)
	}

	// Reload reassembles: the engine stops and starts again, and serves.
	before := eng.State().Listen
	eng.Reload()
	await(t, events, "the engine stopping for the reload", func(ev Event) bool { return ev.Kind == StateChanged && !eng.State().Running })
	await(t, events, "the engine running again", func(ev Event) bool { return ev.Kind == StateChanged && eng.State().Running })
	if after := eng.State().Listen; after == "" {
		t.Errorf("listen after reload is empty (before %s)", before)
	}
	if err := eng.SyncNow(); err != nil {
		t.Errorf("sync now after reload: %v", err)
	}
}
