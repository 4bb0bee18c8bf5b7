package facebooktest_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// hookRecorder is the app's webhook endpoint: it keeps what Meta sent.
type hookRecorder struct {
	URL string
	mu  sync.Mutex
	got []delivery
}

type delivery struct {
	body      []byte
	signature string
}

func newHookRecorder(t *testing.T) *hookRecorder {
	t.Helper()
	h := &hookRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, delivery{b, r.Header.Get("X-Hub-Signature-256")})
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + "/webhooks/facebook"
	return h
}

func (h *hookRecorder) deliveries() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// subscribe points the app's webhooks at hook and subscribes page p0 to
// pageFields, as the engine does when its tunnel comes up.
func subscribe(t *testing.T, s *facebooktest.Server, hook string, pageFields string) {
	t.Helper()
	var out map[string]any
	if resp := postForm(t, s.URL+"/v25.0/"+appID+"/subscriptions", appID+"|"+appSecret, url.Values{
		"object": {"page"}, "callback_url": {hook}, "verify_token": {"vt"},
		"fields": {"messages,message_echoes"},
	}, &out); resp.StatusCode != 200 {
		t.Fatalf("app subscription: %d %v", resp.StatusCode, out)
	}
	if resp := postForm(t, s.URL+"/v25.0/p0/subscribed_apps", "PAGE-TOKEN-p0", url.Values{"subscribed_fields": {pageFields}}, &out); resp.StatusCode != 200 {
		t.Fatalf("page subscription: %d %v", resp.StatusCode, out)
	}
}

func deleteSubscription(t *testing.T, s *facebooktest.Server, page, tok string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, s.URL+"/v25.0/"+page+"/subscribed_apps", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return send(t, req, out)
}

func TestDeliverSendsWhatBothLevelsSubscribe(t *testing.T) {
	s := newLoginFake(t, 2)
	hook := newHookRecorder(t)
	subscribe(t, s, hook.URL, "messages")
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

	status, err := s.Deliver(t.Context(), "p0", "9001", facebooktest.FakeMessage{ID: "m_1", Text: "still in stock?", At: at})
	if err != nil || status != http.StatusOK {
		t.Fatalf("Deliver: %d %v", status, err)
	}
	got := hook.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	if err := facebook.VerifySignature(got[0].body, got[0].signature, appSecret); err != nil {
		t.Errorf("delivery not signed with the app secret: %v", err)
	}
	wh, err := facebook.ParseWebhook(got[0].body)
	if err != nil || len(wh.Entries) != 1 || wh.Entries[0].PageID != "p0" || len(wh.Entries[0].Events) != 1 {
		t.Fatalf("ParseWebhook = %+v, %v", wh, err)
	}
	ev := wh.Entries[0].Events[0]
	if ev.Kind != facebook.EventMessage || ev.SenderID != "9001" || ev.RecipientID != "p0" || ev.Message.MID != "m_1" ||
		ev.Message.Text != "still in stock?" || !ev.Timestamp.Equal(at) {
		t.Errorf("event = %+v", ev)
	}
	// The message is in the Page's inbox too: a poll would find it.
	var msgs graphPage
	get(t, s.URL+"/v25.0/"+facebooktest.ConversationID("p0", "9001")+"/messages", "PAGE-TOKEN-p0", &msgs)
	if len(msgs.Data) != 1 || msgs.Data[0]["id"] != "m_1" {
		t.Errorf("conversation holds %v", msgs.Data)
	}

	// Echoes are their own field, which the Page did not subscribe.
	if _, err := s.Deliver(t.Context(), "p0", "9001", facebooktest.FakeMessage{Text: "yes", FromPage: true}); !errors.Is(err, facebooktest.ErrNotSubscribed) {
		t.Errorf("echo without message_echoes on the Page: %v, want ErrNotSubscribed", err)
	}
	// Another Page the app never subscribed gets nothing sent either.
	if _, err := s.Deliver(t.Context(), "p1", "9002", facebooktest.FakeMessage{Text: "hi"}); !errors.Is(err, facebooktest.ErrNotSubscribed) {
		t.Errorf("unsubscribed page: %v, want ErrNotSubscribed", err)
	}
	if n := len(hook.deliveries()); n != 1 {
		t.Errorf("%d deliveries after the unsubscribed ones, want still 1", n)
	}

	subscribe(t, s, hook.URL, "messages,message_echoes")
	if status, err := s.Deliver(t.Context(), "p0", "9001", facebooktest.FakeMessage{ID: "m_2", Text: "yes", FromPage: true}); err != nil || status != 200 {
		t.Fatalf("echo: %d %v", status, err)
	}
	wh, err = facebook.ParseWebhook(hook.deliveries()[1].body)
	if err != nil {
		t.Fatal(err)
	}
	if ev := wh.Entries[0].Events[0]; ev.Kind != facebook.EventEcho || ev.SenderID != "p0" || ev.RecipientID != "9001" || ev.Message.MID != "m_2" {
		t.Errorf("echo event = %+v", ev)
	}
}

// TestDeleteSubscribedApps: DELETE /{page-id}/subscribed_apps with the page
// token ends the Page's webhooks, as Graph does; other tokens cannot.
func TestDeleteSubscribedApps(t *testing.T) {
	s := newLoginFake(t, 2)
	hook := newHookRecorder(t)
	subscribe(t, s, hook.URL, "messages")

	var e graphErr
	if resp := deleteSubscription(t, s, "p0", "", &e); resp.StatusCode != 400 || e.Error.Code != 104 {
		t.Errorf("DELETE without a token: %d %+v, want code 104", resp.StatusCode, e.Error)
	}
	e = graphErr{}
	if resp := deleteSubscription(t, s, "p0", "PAGE-TOKEN-p1", &e); resp.StatusCode != 400 || e.Error.Code != 100 {
		t.Errorf("DELETE with another page's token: %d %+v, want code 100", resp.StatusCode, e.Error)
	}
	if s.Subscriptions("p0") == nil {
		t.Fatal("a refused DELETE unsubscribed the page")
	}

	var out map[string]any
	if resp := deleteSubscription(t, s, "p0", "PAGE-TOKEN-p0", &out); resp.StatusCode != 200 || out["success"] != true {
		t.Fatalf("DELETE: %d %v, want {\"success\":true}", resp.StatusCode, out)
	}
	if got := s.Subscriptions("p0"); got != nil {
		t.Errorf("Subscriptions after DELETE = %v", got)
	}
	var list graphPage
	get(t, s.URL+"/v25.0/p0/subscribed_apps", "PAGE-TOKEN-p0", &list)
	if len(list.Data) != 0 {
		t.Errorf("GET subscribed_apps after DELETE = %v", list.Data)
	}
	if _, err := s.Deliver(t.Context(), "p0", "9001", facebooktest.FakeMessage{Text: "anyone there?"}); !errors.Is(err, facebooktest.ErrNotSubscribed) {
		t.Errorf("Deliver after DELETE: %v, want ErrNotSubscribed", err)
	}
	if n := len(hook.deliveries()); n != 0 {
		t.Errorf("%d deliveries after the page was unsubscribed", n)
	}
	// Deleting again is harmless, as on Graph.
	if resp := deleteSubscription(t, s, "p0", "PAGE-TOKEN-p0", &out); resp.StatusCode != 200 || out["success"] != true {
		t.Errorf("second DELETE: %d %v", resp.StatusCode, out)
	}
	// Registering another redirect URI keeps the app's webhook settings,
	// as editing the app in Meta's dashboard does; another app has none.
	s.SetApp(appID, appSecret, redirect, "http://localhost:53682/callback/facebook")
	if cb, _, _ := s.AppSubscription(); cb != hook.URL {
		t.Errorf("app subscription after SetApp of the same app: %q", cb)
	}
	s.SetApp("999", "other-secret")
	if cb, _, _ := s.AppSubscription(); cb != "" {
		t.Errorf("another app inherited the subscription: %q", cb)
	}
	s.SetApp(appID, appSecret, redirect)

	// Subscribing again restores the deliveries.
	subscribe(t, s, hook.URL, "messages")
	if status, err := s.Deliver(t.Context(), "p0", "9001", facebooktest.FakeMessage{Text: "back?"}); err != nil || status != 200 {
		t.Errorf("Deliver after subscribing again: %d %v", status, err)
	}
}
