package facebook_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
)

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func TestParseWebhookEvents(t *testing.T) {
	tests := []struct {
		name string
		body string
		want facebook.Event
	}{
		{
			name: "message (API-NOTES example)",
			body: `{"object":"page","entry":[{"id":"<PAGE_ID>","time":1458692752478,"messaging":[{"sender":{"id":"<PSID>"},"recipient":{"id":"<PAGE_ID>"},"timestamp":1458692752478,"message":{"mid":"m_1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventMessage, SenderID: "<PSID>", RecipientID: "<PAGE_ID>", Timestamp: ms(1458692752478),
				Message: &facebook.MessageEvent{MID: "m_1457764197618:41d102a3e1ae206a38", Text: "hello, world!"}},
		},
		{
			name: "echo with numeric app_id (API-NOTES example)",
			body: `{"object":"page","entry":[{"id":"<PAGE_ID>","time":1457764198000,"messaging":[{"sender":{"id":"<PAGE_ID>"},"recipient":{"id":"<PSID>"},"timestamp":1457764197627,"message":{"is_echo":true,"app_id":1517776481860111,"mid":"m_1457764197618:41d102a3e1ae206a39","text":"Thanks!"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventEcho, SenderID: "<PAGE_ID>", RecipientID: "<PSID>", Timestamp: ms(1457764197627),
				Message: &facebook.MessageEvent{MID: "m_1457764197618:41d102a3e1ae206a39", Text: "Thanks!", IsEcho: true, AppID: "1517776481860111"}},
		},
		{
			name: "echo with string app_id",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":5,"message":{"is_echo":true,"app_id":"42","mid":"m_e"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventEcho, SenderID: "1", RecipientID: "2", Timestamp: ms(5),
				Message: &facebook.MessageEvent{MID: "m_e", IsEcho: true, AppID: "42"}},
		},
		{
			name: "message with attachments, quick reply and reply_to",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":7,"message":{"mid":"m_a","text":"Red","quick_reply":{"payload":"COLOR_RED"},"reply_to":{"mid":"m_prev"},"attachments":[{"type":"image","payload":{"url":"https://cdn.example/i.jpg"}},{"type":"fallback","title":"A link","url":"https://example.com","payload":null},{"type":"location","payload":{"coordinates":{"lat":1,"long":2}}}]}}]}]}`,
			want: facebook.Event{Kind: facebook.EventMessage, SenderID: "2", RecipientID: "1", Timestamp: ms(7),
				Message: &facebook.MessageEvent{MID: "m_a", Text: "Red", QuickReplyPayload: "COLOR_RED", ReplyTo: "m_prev", Attachments: []facebook.Attachment{
					{Type: "image", URL: "https://cdn.example/i.jpg"},
					{Type: "fallback", Name: "A link", URL: "https://example.com"},
					{Type: "location"},
				}}},
		},
		{
			name: "delivery",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"delivery":{"mids":["m_1","m_2"],"watermark":1458668856253}}]}]}`,
			want: facebook.Event{Kind: facebook.EventDelivery, SenderID: "2", RecipientID: "1", Timestamp: ms(9),
				Delivery: &facebook.DeliveryEvent{MIDs: []string{"m_1", "m_2"}, Watermark: ms(1458668856253)}},
		},
		{
			name: "read",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"read":{"watermark":1458668856253}}]}]}`,
			want: facebook.Event{Kind: facebook.EventRead, SenderID: "2", RecipientID: "1", Timestamp: ms(9),
				Read: &facebook.ReadEvent{Watermark: ms(1458668856253)}},
		},
		{
			name: "postback",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"postback":{"title":"Buy","payload":"BUY_1","mid":"m_p"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventPostback, SenderID: "2", RecipientID: "1", Timestamp: ms(9),
				Postback: &facebook.PostbackEvent{MID: "m_p", Title: "Buy", Payload: "BUY_1"}},
		},
		{
			name: "reaction react",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"reaction":{"reaction":"love","emoji":"\u2764","action":"react","mid":"m_r"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventReaction, SenderID: "2", RecipientID: "1", Timestamp: ms(9),
				Reaction: &facebook.ReactionEvent{MID: "m_r", Reaction: "love", Emoji: "❤", Action: "react"}},
		},
		{
			name: "reaction unreact",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"reaction":{"action":"unreact","mid":"m_r"}}]}]}`,
			want: facebook.Event{Kind: facebook.EventReaction, SenderID: "2", RecipientID: "1", Timestamp: ms(9),
				Reaction: &facebook.ReactionEvent{MID: "m_r", Action: "unreact"}},
		},
		{
			name: "unknown kind is kept",
			body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":9,"message_edit":{"mid":"m_x","text":"edited","num_edit":1}}]}]}`,
			want: facebook.Event{Kind: facebook.EventUnknown, SenderID: "2", RecipientID: "1", Timestamp: ms(9)},
		},
		{
			name: "numeric ids",
			body: `{"object":"page","entry":[{"id":1,"time":1,"messaging":[{"sender":{"id":123456789012345678},"recipient":{"id":1},"timestamp":"9","read":{"watermark":10}}]}]}`,
			want: facebook.Event{Kind: facebook.EventRead, SenderID: "123456789012345678", RecipientID: "1", Timestamp: ms(9),
				Read: &facebook.ReadEvent{Watermark: ms(10)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh, err := facebook.ParseWebhook([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if wh.Object != "page" || len(wh.Entries) != 1 || len(wh.Entries[0].Events) != 1 {
				t.Fatalf("webhook = %+v", wh)
			}
			if got := wh.Entries[0].Events[0]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("event:\n got %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

func dump(e facebook.Event) string {
	return fmt.Sprintf("%+v msg=%+v del=%+v read=%+v pb=%+v react=%+v", e, e.Message, e.Delivery, e.Read, e.Postback, e.Reaction)
}

func TestParseWebhookBatchedEntriesAndChanges(t *testing.T) {
	body := `{"object":"page","entry":[
		{"id":"111","time":1458692752478,"messaging":[
			{"sender":{"id":"a"},"recipient":{"id":"111"},"timestamp":2,"message":{"mid":"m_2","text":"two"}},
			{"sender":{"id":"a"},"recipient":{"id":"111"},"timestamp":1,"message":{"mid":"m_1","text":"one"}}]},
		{"id":"222","time":1458692752479,"changes":[{"field":"name","value":"New Name"},{"field":"picture","value":{"verb":"update"}}]}]}`
	wh, err := facebook.ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(wh.Entries) != 2 {
		t.Fatalf("%d entries", len(wh.Entries))
	}
	e1, e2 := wh.Entries[0], wh.Entries[1]
	if e1.PageID != "111" || !e1.Time.Equal(ms(1458692752478)) || len(e1.Events) != 2 || e1.Events[1].Message.MID != "m_1" {
		t.Errorf("entry 1 = %+v", e1)
	}
	if e2.PageID != "222" || len(e2.Events) != 0 || len(e2.Changes) != 2 {
		t.Fatalf("entry 2 = %+v", e2)
	}
	if c := e2.Changes[0]; c.Field != "name" || string(c.Value) != `"New Name"` {
		t.Errorf("change 0 = %s %s", c.Field, c.Value)
	}
	if c := e2.Changes[1]; c.Field != "picture" || string(c.Value) != `{"verb":"update"}` {
		t.Errorf("change 1 = %s %s", c.Field, c.Value)
	}
}

// TestParseWebhookMalformed covers the envelope only: a bad entry or item
// inside a good envelope is skipped (TestParseWebhookSkipsUndecodable).
func TestParseWebhookMalformed(t *testing.T) {
	for _, body := range []string{
		``,
		`not json`,
		`{"object":"page","entry":[`,
		`{"object":"user","entry":[]}`,
		`{"entry":[]}`,
		`{"object":"page","entry":{"id":"1"}}`,
		`{"object":"page","entry":"x"}`,
		`{"object":5,"entry":[]}`,
		`[{"object":"page"}]`,
	} {
		if _, err := facebook.ParseWebhook([]byte(body)); !errors.Is(err, facebook.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", body, err)
		}
	}
}

func TestEventKindString(t *testing.T) {
	kinds := map[facebook.EventKind]string{
		facebook.EventMessage: "message", facebook.EventEcho: "echo", facebook.EventDelivery: "delivery",
		facebook.EventRead: "read", facebook.EventPostback: "postback", facebook.EventReaction: "reaction",
		facebook.EventUnknown: "unknown", facebook.EventKind(99): "EventKind(99)",
	}
	for k, want := range kinds {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
	var zero facebook.EventKind
	if zero != facebook.EventUnknown {
		t.Error("the zero EventKind must be EventUnknown")
	}
}
