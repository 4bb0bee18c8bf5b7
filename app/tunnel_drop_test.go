package app

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// droppableTunnel opens loopback endpoints and lets the test drop the
// current one, as a lost ngrok session does.
type droppableTunnel struct {
	mu      sync.Mutex
	current tunnel.Endpoint
	opened  int
}

func (d *droppableTunnel) Open(ctx context.Context) (tunnel.Endpoint, error) {
	ep, err := tunnel.Loopback{}.Open(ctx)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.current, d.opened = ep, d.opened+1
	return ep, nil
}

// drop closes the current endpoint and returns its URL.
func (d *droppableTunnel) drop(t *testing.T) string {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current == nil {
		t.Fatal("no tunnel to drop")
	}
	url := d.current.URL()
	if err := d.current.Close(); err != nil {
		t.Fatal(err)
	}
	return url
}

func (d *droppableTunnel) opens() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opened
}

// TestServeReannouncesAfterTheTunnelDrops drops the public endpoint under a
// running serve. Meanwhile Meta gives up on the page (it unsubscribes after
// failed deliveries) and a customer writes. The reconnect must tell Meta
// and Shopify the new URL, subscribe the page again, catch up on the
// message by polling, show the new URL in status, and take deliveries on it.
func TestServeReannouncesAfterTheTunnelDrops(t *testing.T) {
	h, _ := newTunnelHarness(t)
	tun := &droppableTunnel{}
	srv := startServe(t, h, tun)
	log := srv.errOut

	first := announcedURL(t, h, "")
	eventually(t, "page 100 subscribed", func() bool { return len(h.fb.Subscriptions("100")) > 0 })
	// Polls at start (the overdue one, then the announcer's catch-up):
	// count none of them.
	eventually(t, "the poll at start", func() bool { return strings.Contains(log.String(), "polled catalogue") })
	eventually(t, "Shopify asked", func() bool { return strings.Contains(log.String(), "shopify webhooks") })
	shopifyAttempts := strings.Count(log.String(), "shopify webhooks")

	if dropped := tun.drop(t); dropped != first {
		t.Fatalf("dropped %s, but Meta was told %s", dropped, first)
	}
	h.fb.Unsubscribe("100")
	// A message webhooks could not deliver while the tunnel was down.
	h.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: "m_missed", Text: "anyone there?", At: time.Now().Truncate(time.Second)})

	second := announcedURL(t, h, first)
	if tun.opens() != 2 {
		t.Errorf("%d endpoints opened, want 2", tun.opens())
	}
	eventually(t, "page 100 subscribed again", func() bool { return len(h.fb.Subscriptions("100")) > 0 })
	eventually(t, "a catch-up poll after the reconnect", func() bool {
		l := log.String()
		return strings.Contains(l[strings.LastIndex(l, "tunnel up"):], "polled catalogue")
	})
	var missed messagesOutput
	h.jsonOf(&missed, "messages", "--json", "9001") // run by serve, which holds the database
	if n := len(missed.Messages); n == 0 || missed.Messages[n-1].ID != "m_missed" {
		t.Errorf("the message sent while the tunnel was down was not caught up: %+v", missed.Messages)
	}
	eventually(t, "Shopify asked again", func() bool { return strings.Count(log.String(), "shopify webhooks") > shopifyAttempts })
	if !strings.Contains(log.String(), "tunnel down; reconnecting") {
		t.Error("the drop was not logged")
	}

	var running runningReport
	h.jsonOf(&running, "status", "--json")
	if running.Running.PublicURL != second || running.Running.Tunnel != "up" {
		t.Errorf("status after the reconnect: %+v; want %s, up", running.Running, second)
	}
	msg := `{"object":"page","entry":[{"id":"100","time":1763892000000,"messaging":[{"sender":{"id":"9009"},"recipient":{"id":"100"},"timestamp":1763892000000,"message":{"mid":"m_after_drop","text":"after the drop"}}]}]}`
	if code := post(t, second+engine.FacebookWebhookPath, msg, fbAppSecret); code != 200 {
		t.Fatalf("delivery to the new URL: %d", code)
	}
	if c, err := net.Dial("tcp", strings.TrimPrefix(first, "http://")); err == nil {
		c.Close()
		t.Errorf("the dropped endpoint %s still accepts connections", first)
	}
	srv.stop()

	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9009")
	if len(out.Messages) != 1 || out.Messages[0].Text != "after the drop" {
		t.Errorf("messages after the reconnect: %+v", out.Messages)
	}
}

// announcedURL waits until Meta holds a webhook callback other than
// previous and returns its base URL (the tunnel's public URL).
func announcedURL(t *testing.T, h *harness, previous string) string {
	t.Helper()
	var public string
	eventually(t, "Meta told the tunnel's callback URL", func() bool {
		cb, _, _ := h.fb.AppSubscription()
		public, _ = strings.CutSuffix(cb, engine.FacebookWebhookPath)
		return cb != "" && public != previous
	})
	return public
}
