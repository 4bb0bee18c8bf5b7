package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const sendPage, sendPSID = "100", "9001"

// sendFixture is an engine (not running) over the fixture, whose Graph
// client, fake Graph API and reply window share the fake clock; the
// customer wrote at t0 - ago, and a poll stored it.
func sendFixture(t *testing.T, ago time.Duration) (*fixture, *Engine, *eventLog) {
	t.Helper()
	f := newFixture(t)
	f.fb.SetClock(f.clock.Now)
	f.addPage(t, sendPage, "Shop")
	if err := f.tokens.Set(t.Context(), secrets.FacebookAppSecret, testAppSecret); err != nil {
		t.Fatal(err)
	}
	f.fb.AddMessage(sendPage, sendPSID, "Ann", facebooktest.FakeMessage{ID: "m_q", Text: "Is the mug in stock?", At: t0.Add(-ago)})
	f.poll(t)
	e := New(Options{
		Store: f.st, Secrets: f.tokens, Now: f.clock.Now,
		Graph: func(appSecret string) *facebook.Client {
			return facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: appSecret, Now: f.clock.Now})
		},
	})
	log := &eventLog{}
	events := e.Subscribe(t.Context(), 1000)
	go func() {
		for ev := range events {
			log.add(ev)
		}
	}()
	return f, e, log
}

func (f *fixture) sends() int { return f.requests("/" + sendPage + "/messages") }

func TestSendInsideWindowStoresOnceThroughEchoAndPoll(t *testing.T) {
	f, e, log := sendFixture(t, time.Hour)
	ws := f.webhookServer(t)
	f.fb.SetApp("1517776481860111", testAppSecret)
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret})
	if err := graph.SubscribeApp(t.Context(), "1517776481860111", testAppSecret, ws.url, "vt", facebook.DefaultPageFields()); err != nil {
		t.Fatal(err)
	}
	if err := graph.SubscribePage(t.Context(), sendPage, "token-"+sendPage, facebook.DefaultPageFields()); err != nil {
		t.Fatal(err)
	}

	m, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "Yes, 12 left."})
	if err != nil {
		t.Fatal(err)
	}
	sent := f.fb.Sent()
	if len(sent) != 1 || sent[0].MessagingType != "RESPONSE" || sent[0].Tag != "" || m.ID != sent[0].MessageID {
		t.Fatalf("sent %+v, stored %+v", sent, m)
	}
	if m.Direction != store.Outgoing || m.Text != "Yes, 12 left." || !m.CreatedAt.Equal(t0) {
		t.Errorf("stored %+v", m)
	}
	check := func(when string) {
		t.Helper()
		msgs := f.messages(t, sendPage, sendPSID)
		if len(msgs) != 2 || msgs[1].ID != m.ID || msgs[1].Direction != store.Outgoing || msgs[1].Text != "Yes, 12 left." {
			t.Fatalf("%s: messages %+v", when, msgs)
		}
		c, err := f.st.Conversation(t.Context(), sendPage, sendPSID)
		if err != nil || c.Snippet != "Yes, 12 left." || c.LastDirection != store.Outgoing || !c.LastIncomingAt.Equal(t0.Add(-time.Hour)) {
			t.Fatalf("%s: conversation %+v, %v", when, c, err)
		}
	}
	check("after send")
	evs := ofKind(log.waitFor(t, MessageStored, 1), MessageStored)
	if evs[0].Source != FromSend || evs[0].MessageID != m.ID || evs[0].Direction != store.Outgoing {
		t.Errorf("event %+v", evs[0])
	}

	if status, err := f.fb.DeliverEcho(t.Context(), m.ID); err != nil || status != 200 {
		t.Fatalf("echo: %d, %v", status, err)
	}
	check("after the echo")
	f.clock.Advance(time.Minute)
	f.poll(t)
	check("after the poll")
	if st := f.stats(t); st.Messages != 2 {
		t.Errorf("stats count %d messages", st.Messages)
	}
}

// waitFor waits (generously) until n events of kind were recorded and
// returns all recorded so far.
func (l *eventLog) waitFor(t *testing.T, kind EventKind, n int) []Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		evs := append([]Event(nil), l.evs...)
		l.mu.Unlock()
		if len(ofKind(evs, kind)) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %v events after 10s, want %d", len(ofKind(evs, kind)), kind, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSendWindow(t *testing.T) {
	tests := []struct {
		name       string
		ago        time.Duration
		humanAgent bool
		wantErr    error // nil: sent
		possible   bool  // WindowClosedError.HumanAgentPossible
	}{
		{"inside 24h", 23 * time.Hour, false, nil, false},
		{"human agent inside 24h", time.Hour, true, nil, false},
		{"closed, human agent possible but not asked", 30 * time.Hour, false, ErrWindowClosed, true},
		{"human agent when asked", 30 * time.Hour, true, nil, false},
		{"past 7 days", 8 * 24 * time.Hour, true, ErrWindowClosed, false},
		{"past 7 days, plain", 8 * 24 * time.Hour, false, ErrWindowClosed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, e, _ := sendFixture(t, tt.ago)
			before := f.sends()
			_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "hello", HumanAgent: tt.humanAgent, LocalID: "local_1"})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				s := f.fb.Sent()
				want := "RESPONSE"
				if tt.humanAgent {
					want = "MESSAGE_TAG"
				}
				if len(s) != 1 || s[0].MessagingType != want || (tt.humanAgent != (s[0].Tag == "HUMAN_AGENT")) {
					t.Fatalf("sent %+v", s)
				}
				return
			}
			var wc *WindowClosedError
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &wc) {
				t.Fatalf("err = %v", err)
			}
			if f.sends() != before {
				t.Error("Meta was called though the window is closed")
			}
			if wc.HumanAgentPossible != tt.possible || wc.ByMeta {
				t.Errorf("error %+v", wc)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || (tt.possible != strings.Contains(msg, "human-agent reply is still possible until")) {
				t.Errorf("sentence %q", msg)
			}
			// Kept as a failed send in the draft, with the sentence.
			d, derr := f.st.Draft(t.Context(), sendPage, sendPSID)
			if derr != nil || len(d.Failed) != 1 || d.Failed[0].ID != "local_1" || d.Failed[0].Text != "hello" || d.Failed[0].Reason != msg {
				t.Errorf("draft %+v, %v", d, derr)
			}
			if n := len(f.messages(t, sendPage, sendPSID)); n != 1 {
				t.Errorf("%d messages stored", n)
			}
		})
	}
}

func TestSendNeverWrote(t *testing.T) {
	f, e, _ := sendFixture(t, time.Hour)
	// The page wrote first to another customer (a conversation with no
	// incoming message).
	if _, err := f.st.Apply(t.Context(), store.Changes{Messages: []store.Message{{ID: "m_o", PageID: sendPage, PSID: "9002", Direction: store.Outgoing, CreatedAt: t0, Text: "hi"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: "9002", Text: "hello", HumanAgent: true})
	var wc *WindowClosedError
	if !errors.As(err, &wc) || !wc.LastIncoming.IsZero() || !strings.Contains(err.Error(), "writes first") {
		t.Fatalf("err = %v", err)
	}
	if _, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: "nobody", Text: "hello"}); !errors.Is(err, ErrNoConversation) {
		t.Errorf("unknown customer: %v", err)
	}
	if f.sends() != 0 {
		t.Error("Meta was called")
	}
}

func TestSendInvalidTextMakesNoCall(t *testing.T) {
	f, e, _ := sendFixture(t, time.Hour)
	for _, r := range []Reply{
		{Text: ""}, {Text: " \n\t"}, {Text: strings.Repeat("a", 2001)}, {Text: "a\xffb"},
		{Text: "both", Card: &store.Card{Title: "x", Subtitle: "y"}},
		{Card: &store.Card{Title: "only a title"}},
		{Card: &store.Card{Title: strings.Repeat("t", 81), Subtitle: "y"}},
	} {
		r.PageID, r.PSID = sendPage, sendPSID
		if _, err := e.Send(t.Context(), r); !errors.Is(err, ErrInvalidReply) {
			t.Errorf("Send(%.20q) = %v, want ErrInvalidReply", r.Text, err)
		}
	}
	if _, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: strings.Repeat("é", 2000)}); err != nil {
		t.Errorf("2,000 characters: %v", err)
	}
	if f.sends() != 1 {
		t.Errorf("%d calls, want the valid one only", f.sends())
	}
	if d, _ := f.st.Draft(t.Context(), sendPage, sendPSID); len(d.Failed) != 0 {
		t.Errorf("invalid replies kept as failures: %+v", d.Failed)
	}
	_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: strings.Repeat("a", 2345)})
	if err == nil || err.Error() != "the reply is 2,345 characters long; Messenger takes at most 2,000" {
		t.Errorf("sentence: %v", err)
	}
}

func TestSendRefusedByMeta(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fixture)
		agent   bool
		ago     time.Duration
		want    error
		checkFn func(t *testing.T, f *fixture, err error)
	}{
		{name: "unreachable", setup: func(f *fixture) { f.fb.SetUnreachable(sendPage, sendPSID, true) }, want: ErrUnreachable},
		{name: "human agent refused", ago: 30 * time.Hour, agent: true, setup: func(f *fixture) { f.fb.RevokeHumanAgent(true) }, want: ErrHumanAgentRefused},
		{name: "window closed by Meta", setup: func(f *fixture) {
			f.fb.FailNext("/"+sendPage+"/messages", 0, 10, 2018278, nil)
		}, want: ErrWindowClosed, checkFn: func(t *testing.T, f *fixture, err error) {
			var wc *WindowClosedError
			if !errors.As(err, &wc) || !wc.ByMeta {
				t.Errorf("err %+v", err)
			}
		}},
		{name: "other refusal", setup: func(f *fixture) {
			f.fb.FailNext("/"+sendPage+"/messages", 0, 100, 0, nil)
		}, checkFn: func(t *testing.T, f *fixture, err error) {
			var sf *SendFailedError
			if !errors.As(err, &sf) || !strings.HasPrefix(err.Error(), "Messenger did not take the message: (#100)") {
				t.Errorf("err %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ago := tt.ago
			if ago == 0 {
				ago = time.Hour
			}
			f, e, _ := sendFixture(t, ago)
			tt.setup(f)
			_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "hello", HumanAgent: tt.agent})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.checkFn != nil {
				tt.checkFn(t, f, err)
			}
			if f.sends() != 1 {
				t.Errorf("%d calls, want exactly one", f.sends())
			}
			if n := len(f.messages(t, sendPage, sendPSID)); n != 1 {
				t.Errorf("%d messages stored", n)
			}
			if d, _ := f.st.Draft(t.Context(), sendPage, sendPSID); len(d.Failed) != 1 || d.Failed[0].Reason != err.Error() {
				t.Errorf("draft %+v", d)
			}
		})
	}
}

func TestSendDeadTokenMarksThePage(t *testing.T) {
	f, e, log := sendFixture(t, time.Hour)
	f.fb.KillToken("token-"+sendPage, 460)
	_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "hello"})
	if !errors.Is(err, ErrNeedsLogin) || strings.Contains(err.Error(), "token-"+sendPage) {
		t.Fatalf("err = %v", err)
	}
	if fx, ok := fix.Of(err); !ok || fx.Action != fix.SignInFacebook {
		t.Errorf("fix = %+v, %v", fx, ok)
	}
	pg, perr := f.st.Page(t.Context(), sendPage)
	if perr != nil || !pg.NeedsLogin {
		t.Fatalf("page %+v, %v", pg, perr)
	}
	log.waitFor(t, PageNeedsLogin, 1)
	// The next send makes no call.
	if _, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "again"}); !errors.Is(err, ErrNeedsLogin) {
		t.Fatalf("second send: %v", err)
	}
	if f.sends() != 1 {
		t.Errorf("%d calls, want 1", f.sends())
	}
}

func TestSendRateLimitedIsNotRetried(t *testing.T) {
	f, e, log := sendFixture(t, time.Hour)
	f.fb.Throttle(sendPage, 80006, 15*time.Minute)
	_, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "hello"})
	var rl *RateLimitedError
	if !errors.As(err, &rl) || !errors.Is(err, ErrSendRateLimited) || !errors.Is(err, facebook.ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if rl.Until.Before(t0.Add(15*time.Minute)) || !strings.Contains(err.Error(), "until") {
		t.Errorf("until %v: %q", rl.Until, err)
	}
	if f.sends() != 1 {
		t.Fatalf("%d calls, want 1: a throttled send was retried", f.sends())
	}
	log.waitFor(t, RateLimitWait, 1)
	// A retry by the merchant during the block does not reach Meta (which
	// would extend it).
	throttledUntil := f.fb.ThrottledUntil(sendPage)
	if _, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: "hello"}); !errors.Is(err, ErrSendRateLimited) {
		t.Fatalf("second send: %v", err)
	}
	if f.sends() != 1 || !f.fb.ThrottledUntil(sendPage).Equal(throttledUntil) {
		t.Errorf("the second send reached Meta")
	}
	// Once the block is over, the merchant's retry of the failure goes
	// out and the failure leaves the draft.
	d, _ := f.st.Draft(t.Context(), sendPage, sendPSID)
	if len(d.Failed) != 2 {
		t.Fatalf("draft %+v", d)
	}
	f.clock.Advance(16 * time.Minute)
	if _, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Text: d.Failed[0].Text, LocalID: d.Failed[0].ID}); err != nil {
		t.Fatal(err)
	}
	if d2, _ := f.st.Draft(t.Context(), sendPage, sendPSID); len(d2.Failed) != 1 || d2.Failed[0].ID != d.Failed[1].ID {
		t.Errorf("after retry: %+v", d2)
	}
}

func TestSendProductCard(t *testing.T) {
	f, e, _ := sendFixture(t, time.Hour)
	p := store.Product{
		ID: "gid://shopify/Product/1", Title: "Blue Mug", Handle: "blue-mug", ImageURL: "https://cdn.example/mug.jpg",
		Variants: []store.Variant{{ID: "v1", Price: "14.00"}, {ID: "v2", Price: "12.50"}},
	}
	card := ProductCard(p, store.Shop{Domain: "demo.myshopify.com", PrimaryDomain: "shop.example", Currency: "EUR"})
	want := store.Card{Title: "Blue Mug", Subtitle: "From €12.50", ImageURL: p.ImageURL, URL: "https://shop.example/products/blue-mug", Button: "View"}
	if *card != want {
		t.Fatalf("card = %+v", *card)
	}
	m, err := e.Send(t.Context(), Reply{PageID: sendPage, PSID: sendPSID, Card: card})
	if err != nil {
		t.Fatal(err)
	}
	sent := f.fb.Sent()
	var payload struct {
		Elements []struct {
			Title, Subtitle string
			Buttons         []struct{ Title, URL string }
		}
	}
	if len(sent) != 1 || json.Unmarshal(sent[0].Template, &payload) != nil || len(payload.Elements) != 1 ||
		payload.Elements[0].Subtitle != "From €12.50" || payload.Elements[0].Buttons[0].Title != "View" ||
		payload.Elements[0].Buttons[0].URL != want.URL {
		t.Fatalf("sent %+v", sent)
	}
	f.clock.Advance(time.Minute)
	f.poll(t)
	msgs := f.messages(t, sendPage, sendPSID)
	if len(msgs) != 2 || msgs[1].ID != m.ID || msgs[1].Card == nil || *msgs[1].Card != want || len(msgs[1].Attachments) != 0 {
		t.Fatalf("after poll: %+v", msgs)
	}
	if c, _ := f.st.Conversation(t.Context(), sendPage, sendPSID); c.Snippet != "Blue Mug" {
		t.Errorf("snippet %q", c.Snippet)
	}
	// Long titles are cut to Messenger's limit.
	long := ProductCard(store.Product{Title: strings.Repeat("x", 100), URL: "https://shop.example/p"}, store.Shop{})
	if n := len([]rune(long.Title)); n != 80 || !strings.HasSuffix(long.Title, "…") {
		t.Errorf("cut title %q (%d)", long.Title, n)
	}
}
