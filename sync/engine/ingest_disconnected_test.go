package engine

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestWebhookSkipsDisconnectedPages: once the merchant disconnected a page,
// deliveries Meta had already queued for it are acknowledged and dropped,
// name changes included; its neighbours in the same delivery are stored;
// reconnecting the page stores its webhooks again.
func TestWebhookSkipsDisconnectedPages(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.addPage(t, "200", "Shop Two")
	ws := f.webhookServer(t)
	if err := f.st.SetDisconnected(t.Context(), "100", true); err != nil {
		t.Fatal(err)
	}
	delivery := func(suffix string) string {
		return fmt.Sprintf(`{"object":"page","entry":[
		{"id":"100","time":1,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%[1]d,"message":{"mid":"m_gone%[2]s","text":"x"}}]},
		{"id":"100","time":1,"changes":[{"field":"name","value":"Renamed%[2]s"}]},
		{"id":"200","time":1,"messaging":[{"sender":{"id":"9002"},"recipient":{"id":"200"},"timestamp":%[1]d,"message":{"mid":"m_kept%[2]s","text":"y"}}]}]}`, ms(0), suffix)
	}
	if got := ws.post(t, delivery(""), testAppSecret); got != http.StatusOK {
		t.Fatalf("status %d, want 200: Meta must not retry a delivery for a page we dropped", got)
	}
	if _, err := f.st.Message(t.Context(), "m_gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("message for the disconnected page: %v, want not stored", err)
	}
	if pg, _ := f.st.Page(t.Context(), "100"); pg.Name == "Renamed" || !pg.Disconnected {
		t.Errorf("disconnected page after a delivery: %+v", pg)
	}
	if _, err := f.st.Message(t.Context(), "m_kept"); err != nil {
		t.Errorf("message of the connected page beside it: %v", err)
	}
	ws.mu.Lock()
	changed := len(ws.changed)
	ws.mu.Unlock()
	if changed != 0 {
		t.Errorf("a metadata refetch was asked for a disconnected page")
	}

	if err := f.st.SetDisconnected(t.Context(), "100", false); err != nil {
		t.Fatal(err)
	}
	if got := ws.post(t, delivery("2"), testAppSecret); got != http.StatusOK {
		t.Fatalf("status %d after reconnecting", got)
	}
	if _, err := f.st.Message(t.Context(), "m_gone2"); err != nil {
		t.Errorf("message after reconnecting the page: %v", err)
	}
}

// TestAnnounceLeavesDisconnectedPagesAlone: a tunnel coming up subscribes
// the connected pages again, never one the merchant disconnected, and does
// not report it as a page without a token.
func TestAnnounceLeavesDisconnectedPagesAlone(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.addPage(t, "200", "Shop Two")
	if err := f.st.SetDisconnected(t.Context(), "200", true); err != nil {
		t.Fatal(err)
	}
	if err := f.tokens.Delete(t.Context(), secrets.PageToken("200")); err != nil {
		t.Fatal(err)
	}
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret})
	a := NewAnnouncer(AnnouncerOptions{Store: f.st, Tokens: f.tokens, Facebook: graph})
	if err := a.Announce(t.Context(), "https://x.ngrok.app"); err != nil && strings.Contains(err.Error(), "200") {
		t.Errorf("Announce reported the disconnected page: %v", err)
	}
	if f.fb.Subscriptions("100") == nil {
		t.Error("the connected page was not subscribed")
	}
	if got := f.fb.Subscriptions("200"); got != nil {
		t.Errorf("the disconnected page was subscribed again: %v", got)
	}
}
