package app

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// publicURLOtherThan waits for serve's tunnel to be up at a URL other than
// old (serve restarts its engine, and with it the tunnel, after a
// connection changes) and returns it.
func publicURLOtherThan(t *testing.T, h *harness, old string) string {
	t.Helper()
	var public string
	eventually(t, "serve's tunnel up at a new URL", func() bool {
		var running runningReport
		h.jsonOf(&running, "status", "--json")
		public = running.Running.PublicURL
		return public != "" && public != old
	})
	return public
}

// storedTexts is the text of the messages stored with the customer psid.
func storedTexts(h *harness, psid string) []string {
	h.t.Helper()
	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", psid)
	var texts []string
	for _, m := range out.Messages {
		texts = append(texts, m.Text)
	}
	slices.Sort(texts)
	return texts
}

// TestDisconnectFacebookStopsItsWebhooks: while serve runs, `disconnect
// facebook` tells Meta to stop the page's webhooks (with the page's token,
// before removing it), a delivery Meta had already queued is acknowledged
// and dropped, the restarted engine does not subscribe the page again, and
// connecting the page again brings its webhooks back.
func TestDisconnectFacebookStopsItsWebhooks(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100")
	h.keychainSet(secrets.FacebookVerifyToken, "verify-me")
	c, redirect, consent := h.startConnectFacebook("", true)
	openCallback(t, h.authorize(consent, redirect, true))
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect: exit %d\n%s", r.code, r.stderr)
	}
	srv := startServe(t, h, nil)
	public := publicURLOtherThan(t, h, "")
	eventually(t, "Meta told the callback and the page subscribed", func() bool {
		cb, _, _ := h.fb.AppSubscription()
		return cb == public+engine.FacebookWebhookPath && len(h.fb.Subscriptions("100")) > 0
	})
	if status, err := h.fb.Deliver(t.Context(), "100", "9001", facebooktest.FakeMessage{ID: "m_before", Text: "before"}); err != nil || status != http.StatusOK {
		t.Fatalf("delivery while connected: %d %v", status, err)
	}

	r := h.mustRun("", "disconnect", "facebook")
	for _, want := range []string{
		"Disconnected facebook: removed 1 token(s) from the keychain.",
		"Meta no longer sends webhooks for 1 page(s).",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("disconnect output lacks %q:\n%s", want, r.stdout)
		}
	}
	var deleted *facebooktest.Request
	for _, req := range h.fb.Requests() {
		if req.Method == http.MethodDelete && req.Path == "/v25.0/100/subscribed_apps" {
			deleted = &req
		}
	}
	if deleted == nil || deleted.TokenIn != "header" || deleted.Query.Get("appsecret_proof") == "" {
		t.Fatalf("Meta was not asked, with the page token, to stop page 100's webhooks: %+v", deleted)
	}
	if _, err := h.fb.Deliver(t.Context(), "100", "9001", facebooktest.FakeMessage{ID: "m_after", Text: "after"}); !errors.Is(err, facebooktest.ErrNotSubscribed) {
		t.Errorf("Meta would still deliver the page's webhooks: %v", err)
	}
	// A delivery Meta had queued before the unsubscription, arriving at
	// the restarted engine: acknowledged (else Meta retries), not stored.
	public2 := publicURLOtherThan(t, h, public)
	late := `{"object":"page","entry":[{"id":"100","time":1763892000000,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":1763892000000,"message":{"mid":"m_late","text":"late"}}]}]}`
	if code := post(t, public2+engine.FacebookWebhookPath, late, connFBAppSecret); code != http.StatusOK {
		t.Errorf("late delivery for the disconnected page: %d, want 200", code)
	}
	eventually(t, "Meta told the restarted engine's callback", func() bool {
		cb, _, _ := h.fb.AppSubscription()
		return cb == public2+engine.FacebookWebhookPath
	})
	if subs := h.fb.Subscriptions("100"); subs != nil {
		t.Errorf("the restarted engine subscribed the disconnected page again: %v", subs)
	}
	if got := storedTexts(h, "9001"); !slices.Equal(got, []string{"before"}) {
		t.Errorf("stored %q, want only what came while connected", got)
	}

	// Connecting the page again (run by serve) undoes it.
	c, redirect, consent = h.startConnectFacebook("", true)
	openCallback(t, h.authorize(consent, redirect, true))
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect again: exit %d\n%s", r.code, r.stderr)
	}
	public3 := publicURLOtherThan(t, h, public2)
	eventually(t, "the page subscribed again", func() bool {
		cb, _, _ := h.fb.AppSubscription()
		return cb == public3+engine.FacebookWebhookPath && len(h.fb.Subscriptions("100")) > 0
	})
	if status, err := h.fb.Deliver(t.Context(), "100", "9001", facebooktest.FakeMessage{ID: "m_again", Text: "again"}); err != nil || status != http.StatusOK {
		t.Fatalf("delivery after connecting again: %d %v", status, err)
	}
	if got := storedTexts(h, "9001"); !slices.Contains(got, "again") || slices.Contains(got, "late") {
		t.Errorf("stored %q after connecting again", got)
	}
	srv.stop()
}
