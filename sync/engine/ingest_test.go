package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// webhookServer serves the real webhook handler over the fixture's store
// on 127.0.0.1 and records which pages asked for a metadata refetch.
type webhookServer struct {
	url     string
	mu      sync.Mutex
	changed []string
}

func (f *fixture) webhookServer(t *testing.T) *webhookServer {
	t.Helper()
	ws := &webhookServer{}
	in := NewIngester(IngesterOptions{
		Store:  f.st,
		Notify: func(e Event) { f.events <- e },
		PageChanged: func(id string) {
			ws.mu.Lock()
			ws.changed = append(ws.changed, id)
			ws.mu.Unlock()
		},
	})
	h := facebook.NewWebhookHandler(facebook.HandlerOptions{AppSecret: testAppSecret, VerifyToken: "vt", Sink: in})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ws.url = srv.URL
	return ws
}

// post delivers body signed with secret and returns the status code.
func (ws *webhookServer) post(t *testing.T, body, secret string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ws.url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody([]byte(body), secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func envelope(pageID string, items ...string) string {
	return fmt.Sprintf(`{"object":"page","entry":[{"id":%q,"time":1763892000000,"messaging":[%s]}]}`, pageID, join(items))
}

func join(items []string) string {
	var b bytes.Buffer
	for i, s := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}

// ms is a webhook timestamp: t0 plus d, in milliseconds.
func ms(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

func TestWebhookEventsAreStored(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	ws := f.webhookServer(t)

	body := envelope("100",
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_in","text":"hello, world!"}}`, ms(0)),
		fmt.Sprintf(`{"sender":{"id":"100"},"recipient":{"id":"9001"},"timestamp":%d,"message":{"is_echo":true,"app_id":1517776481860111,"mid":"m_out","text":"Thanks!"}}`, ms(time.Second)),
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"postback":{"title":"Buy now","payload":"BUY_42","mid":"m_pb"}}`, ms(2*time.Second)),
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"reaction":{"reaction":"love","emoji":"\u2764","action":"react","mid":"m_out"}}`, ms(3*time.Second)),
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"delivery":{"mids":["m_out"],"watermark":%d}}`, ms(4*time.Second), ms(time.Second)),
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"read":{"watermark":%d}}`, ms(5*time.Second), ms(time.Second)),
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_img","attachments":[{"type":"image","payload":{"url":"https://cdn.example/a.jpg"}}]}}`, ms(6*time.Second)),
	)
	if got := ws.post(t, body, testAppSecret); got != http.StatusOK {
		t.Fatalf("status %d, want 200", got)
	}

	msgs := f.messages(t, "100", "9001")
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if want := []string{"m_in", "m_out", "m_pb", "m_img"}; !slices.Equal(ids, want) {
		t.Fatalf("stored %v, want %v in time order", ids, want)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"message is incoming with its text", msgs[0].Direction == store.Incoming && msgs[0].Text == "hello, world!"},
		{"echo is outgoing", msgs[1].Direction == store.Outgoing && msgs[1].Text == "Thanks!"},
		{"reaction lands on the echoed message", msgs[1].Reaction == "\u2764"},
		{"postback keeps title and payload", msgs[2].Text == "Buy now" && msgs[2].Postback == "BUY_42"},
		{"attachment url kept", len(msgs[3].Attachments) == 1 && msgs[3].Attachments[0].URL == "https://cdn.example/a.jpg"},
		{"timestamps are the webhook's milliseconds", msgs[0].CreatedAt.Equal(t0)},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, msgs)
		}
	}
	conv, err := f.st.Conversation(t.Context(), "100", "9001")
	if err != nil {
		t.Fatal(err)
	}
	if !conv.DeliveredAt.Equal(t0.Add(time.Second)) || !conv.ReadAt.Equal(t0.Add(time.Second)) {
		t.Errorf("receipts: delivered %v read %v, want both at %v", conv.DeliveredAt, conv.ReadAt, t0.Add(time.Second))
	}

	// Unreact removes it again.
	unreact := envelope("100", fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"reaction":{"reaction":"love","action":"unreact","mid":"m_out"}}`, ms(7*time.Second)))
	if got := ws.post(t, unreact, testAppSecret); got != http.StatusOK {
		t.Fatalf("unreact status %d", got)
	}
	if m, _ := f.st.Message(t.Context(), "m_out"); m.Reaction != "" {
		t.Errorf("reaction %q after unreact, want none", m.Reaction)
	}
}

func TestWebhookAnnouncesNewMessagesOnce(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	ws := f.webhookServer(t)
	body := envelope("100",
		fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_in","text":"hi"}}`, ms(0)),
		fmt.Sprintf(`{"sender":{"id":"100"},"recipient":{"id":"9001"},"timestamp":%d,"message":{"is_echo":true,"app_id":1,"mid":"m_out","text":"hello"}}`, ms(time.Second)),
	)
	for range 2 { // Meta redelivers; the second copy is not news
		if got := ws.post(t, body, testAppSecret); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
	}
	var stored []string
	changed := 0
	for len(f.events) > 0 {
		ev := <-f.events
		switch ev.Kind {
		case MessageStored:
			if ev.Source != FromWebhook || ev.PageID != "100" || ev.PSID != "9001" || ev.Created.IsZero() {
				t.Errorf("message-stored event %+v", ev)
			}
			stored = append(stored, ev.MessageID+":"+string(ev.Direction))
		case ConversationChanged:
			changed++
		}
	}
	if want := []string{"m_in:in", "m_out:out"}; !slices.Equal(stored, want) {
		t.Errorf("message-stored for %v, want %v once each", stored, want)
	}
	if changed != 2 {
		t.Errorf("conversation-changed %d times, want once per delivery (2)", changed)
	}
}

func TestWebhookRejectsBadInputAndStoresNothing(t *testing.T) {
	good := envelope("100", fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_x","text":"hi"}}`, ms(0)))
	tests := []struct {
		name   string
		body   string
		secret string
		want   int
	}{
		{"signed with another secret", good, "not-the-app-secret", http.StatusForbidden},
		{"malformed JSON", `{"object":"page","entry":[`, testAppSecret, http.StatusBadRequest},
		{"not a page object", `{"object":"instagram","entry":[]}`, testAppSecret, http.StatusBadRequest},
		{"over the size limit", `{"object":"page","entry":[],"pad":"` + string(bytes.Repeat([]byte("x"), facebook.DefaultMaxBodyBytes)) + `"}`, testAppSecret, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.addPage(t, "100", "Shop One")
			ws := f.webhookServer(t)
			if got := ws.post(t, tt.body, tt.secret); got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
			if s := f.stats(t); s.Messages != 0 || s.Conversations != 0 {
				t.Errorf("stored %+v from a rejected delivery", s)
			}
		})
	}
}

func TestWebhookSkipsUnknownPagesAndKeepsTheRest(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	ws := f.webhookServer(t)
	body := fmt.Sprintf(`{"object":"page","entry":[
		{"id":"999","time":1,"messaging":[{"sender":{"id":"7"},"recipient":{"id":"999"},"timestamp":%[1]d,"message":{"mid":"m_foreign","text":"x"}}]},
		{"id":"100","time":1,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%[1]d,"message_edit":{"mid":"m_a","text":"edited"}}]},
		{"id":"100","time":1,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%[1]d,"message":{"mid":"m_ok","text":"kept"}}]},
		{"id":"100","time":1,"changes":[{"field":"name","value":"Shop One Renamed"},{"field":"website","value":"https://shop.example"}]}]}`, ms(0))
	if got := ws.post(t, body, testAppSecret); got != http.StatusOK {
		t.Fatalf("status %d, want 200", got)
	}
	if _, err := f.st.Message(t.Context(), "m_foreign"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("message for an unknown page: %v, want not stored", err)
	}
	if _, err := f.st.Page(t.Context(), "999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown page was added: %v", err)
	}
	if _, err := f.st.Message(t.Context(), "m_ok"); err != nil {
		t.Errorf("message beside the skipped ones: %v", err)
	}
	if pg, _ := f.st.Page(t.Context(), "100"); pg.Name != "Shop One Renamed" {
		t.Errorf("page name %q after a name change", pg.Name)
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if !slices.Equal(ws.changed, []string{"100"}) {
		t.Errorf("metadata refetch asked for %v, want [100] once", ws.changed)
	}
}

func TestWebhookAndPollStoreAMessageOnce(t *testing.T) {
	tests := []struct {
		name        string
		webhookLast bool
	}{
		{"webhook then poll", false},
		{"poll then webhook", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.addPage(t, "100", "Shop One")
			ws := f.webhookServer(t)
			at := t0.Add(-time.Hour).Add(437 * time.Millisecond) // Graph reports whole seconds
			f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_same", Text: "hello", At: at})
			f.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: "m_echo", Text: "hi Jane", At: at.Add(time.Second), FromPage: true})
			hook := envelope("100",
				fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_same","text":"hello"}}`, at.UnixMilli()),
				fmt.Sprintf(`{"sender":{"id":"100"},"recipient":{"id":"9001"},"timestamp":%d,"message":{"is_echo":true,"app_id":"1517776481860111","mid":"m_echo","text":"hi Jane"}}`, at.Add(time.Second).UnixMilli()),
			)
			if !tt.webhookLast {
				if got := ws.post(t, hook, testAppSecret); got != http.StatusOK {
					t.Fatalf("status %d", got)
				}
			}
			if err := f.poll(t).Err(); err != nil {
				t.Fatal(err)
			}
			if tt.webhookLast {
				if got := ws.post(t, hook, testAppSecret); got != http.StatusOK {
					t.Fatalf("status %d", got)
				}
			}
			if s := f.stats(t); s.Messages != 2 || s.Conversations != 1 {
				t.Fatalf("stats %+v, want 2 messages in 1 conversation", s)
			}
			msgs := f.messages(t, "100", "9001")
			if len(msgs) != 2 || msgs[0].ID != "m_same" || msgs[1].Direction != store.Outgoing {
				t.Fatalf("messages %+v: want m_same then the outgoing echo", msgs)
			}
		})
	}
}

func TestWebhookRedeliveryIsIdempotent(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	ws := f.webhookServer(t)
	body := envelope("100", fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":"m_1","text":"once"}}`, ms(0)))
	for range 3 {
		if got := ws.post(t, body, testAppSecret); got != http.StatusOK {
			t.Fatalf("status %d", got)
		}
	}
	if s := f.stats(t); s.Messages != 1 {
		t.Fatalf("%d messages after three deliveries of one, want 1", s.Messages)
	}
}
