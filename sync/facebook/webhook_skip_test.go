package facebook_test

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// Building blocks for skipCases. SECRET stands for secretText: it is in
// every good and every bad part, so a test can tell it never reaches a log.
const (
	goodMsg  = `{"sender":{"id":"psid1"},"recipient":{"id":"1"},"timestamp":10,"message":{"mid":"m_good","text":"SECRET"}}`
	goodPage = `{"id":"1","time":1,"messaging":[` + goodMsg + `]}`
	badPB    = `{"sender":{"id":"psid3"},"recipient":{"id":"3"},"timestamp":11,"postback":{"mid":"m_bad","title":"SECRET","payload":{"order":"SECRET"}}}`

	undecodable = facebook.ReasonUndecodable
)

// msgWith is a message on page 1 with the given sender and mid.
func msgWith(sender, mid string) string {
	return `{"sender":{"id":"` + sender + `"},"recipient":{"id":"1"},"timestamp":12,"message":{"mid":"` + mid + `","text":"SECRET"}}`
}

// tooLong is one byte over facebook.MaxIDBytes.
var tooLong = strings.Repeat("7", facebook.MaxIDBytes+1)

// skipCases are deliveries with undecodable parts in a valid envelope.
// want lists each decoded entry as "page:" and the ids of what it kept.
var skipCases = []struct {
	name    string
	body    string
	want    []string
	skipped []facebook.Skipped
}{
	{
		name:    "postback payload object on page 3 beside a good message on page 1",
		body:    `{"object":"page","entry":[` + goodPage + `,{"id":"3","time":1,"messaging":[` + badPB + `]}]}`,
		want:    []string{"1:m_good", "3:"},
		skipped: []facebook.Skipped{{PageID: "3", Kind: "postback", Path: "postback.payload", Reason: undecodable}},
	},
	{
		name:    "timestamp as a word beside a good item",
		body:    `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"psid1"},"recipient":{"id":"1"},"timestamp":"SECRET","message":{"mid":"m_bad","text":"SECRET"}},` + goodMsg + `]}]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{PageID: "1", Kind: "message", Reason: undecodable}},
	},
	{
		name:    "entry with a bad id beside a good entry",
		body:    `{"object":"page","entry":[{"id":{"x":"SECRET"},"time":1,"messaging":[` + goodMsg + `]},` + goodPage + `]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{Kind: "entry", Reason: undecodable}},
	},
	{
		name:    "entry with a bad time beside a good entry",
		body:    `{"object":"page","entry":[` + goodPage + `,{"id":"2","time":"SECRET","messaging":[` + goodMsg + `]}]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{PageID: "2", Kind: "entry", Reason: undecodable}},
	},
	{
		name:    "entry whose messaging is not a list",
		body:    `{"object":"page","entry":[{"id":"2","time":1,"messaging":{"text":"SECRET"}},` + goodPage + `]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{PageID: "2", Kind: "entry", Path: "messaging", Reason: undecodable}},
	},
	{
		name:    "echo with an object app_id, and an item that is not an object",
		body:    `{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"1"},"recipient":{"id":"psid1"},"timestamp":9,"message":{"is_echo":true,"app_id":{"x":"SECRET"},"mid":"m_bad","text":"SECRET"}},"SECRET",` + goodMsg + `]}]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{PageID: "1", Kind: "echo", Reason: undecodable}, {PageID: "1", Kind: "unknown", Reason: undecodable}},
	},
	{
		name:    "change with a numeric field beside a good change",
		body:    `{"object":"page","entry":[{"id":"1","time":1,"changes":[{"field":5,"value":"SECRET"},{"field":"name","value":"New Name"}]}]}`,
		want:    []string{"1:change:name"},
		skipped: []facebook.Skipped{{PageID: "1", Kind: "change", Path: "field", Reason: undecodable}},
	},
	{
		name: "ids no store can key by, beside a good message",
		body: `{"object":"page","entry":[{"id":"1","time":1,"messaging":[` +
			msgWith("psid1", `m_\u0000nul`) + `,` + msgWith(`psid\u0000`, "m_a") + `,` + msgWith("psid1", "m_"+tooLong) + `,` +
			msgWith(tooLong, "m_b") + `,` + msgWith("psid1", "") + `,` + msgWith("", "m_c") + `,` + msgWith(`ps\nid`, "m_d") + `,` +
			`{"sender":{"id":"psid1"},"recipient":{"id":"1"},"timestamp":13,"reaction":{"mid":"","action":"react","emoji":"x"}},` +
			`{"sender":{"id":"1"},"recipient":{"id":""},"timestamp":14,"message":{"is_echo":true,"mid":"m_e","text":"SECRET"}},` +
			`{"sender":{"id":"psid1"},"recipient":{"id":"1"},"timestamp":15,"postback":{"mid":"m_\u0007","title":"SECRET"}},` +
			`{"sender":{"id":"psid1"},"recipient":{"id":"1"},"timestamp":16,"postback":{"title":"SECRET","payload":"SECRET"}},` +
			goodMsg + `]}]}`,
		want: []string{"1:,m_good"}, // the postback without mid is kept: the engine derives one
		skipped: []facebook.Skipped{
			{PageID: "1", Kind: "message", Reason: "mid contains a control character"},
			{PageID: "1", Kind: "message", Reason: "sender id contains a control character"},
			{PageID: "1", Kind: "message", Reason: "mid is longer than 512 bytes"},
			{PageID: "1", Kind: "message", Reason: "sender id is longer than 512 bytes"},
			{PageID: "1", Kind: "message", Reason: "mid is empty"},
			{PageID: "1", Kind: "message", Reason: "sender id is empty"},
			{PageID: "1", Kind: "message", Reason: "sender id contains a control character"},
			{PageID: "1", Kind: "reaction", Reason: "reaction mid is empty"},
			{PageID: "1", Kind: "echo", Reason: "recipient id is empty"},
			{PageID: "1", Kind: "postback", Reason: "postback mid contains a control character"},
		},
	},
	{
		name:    "entry whose page id is empty or has a NUL, beside a good entry",
		body:    `{"object":"page","entry":[{"id":"","time":1,"messaging":[` + goodMsg + `]},{"id":"1\u0000","time":1,"messaging":[` + goodMsg + `]},` + goodPage + `]}`,
		want:    []string{"1:m_good"},
		skipped: []facebook.Skipped{{Kind: "entry", Reason: "page id is empty"}, {Kind: "entry", Reason: "page id contains a control character"}},
	},
	{
		name:    "the only event is bad",
		body:    `{"object":"page","entry":[{"id":"3","time":1,"messaging":[` + badPB + `]}]}`,
		want:    []string{"3:"},
		skipped: []facebook.Skipped{{PageID: "3", Kind: "postback", Path: "postback.payload", Reason: undecodable}},
	},
}

func skipBody(body string) []byte { return []byte(strings.ReplaceAll(body, "SECRET", secretText)) }

func summarize(wh *facebook.Webhook) []string {
	var out []string
	for _, e := range wh.Entries {
		var ids []string
		for _, ev := range e.Events {
			switch {
			case ev.Message != nil:
				ids = append(ids, ev.Message.MID)
			case ev.Postback != nil:
				ids = append(ids, ev.Postback.MID)
			default:
				ids = append(ids, ev.Kind.String())
			}
		}
		for _, c := range e.Changes {
			ids = append(ids, "change:"+c.Field)
		}
		out = append(out, e.PageID+":"+strings.Join(ids, ","))
	}
	return out
}

func TestParseWebhookSkipsUndecodable(t *testing.T) {
	for _, tt := range skipCases {
		t.Run(tt.name, func(t *testing.T) {
			wh, err := facebook.ParseWebhook(skipBody(tt.body))
			if err != nil {
				t.Fatalf("err = %v, want the good parts", err)
			}
			if got := summarize(wh); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %q, want %q", got, tt.want)
			}
			if !reflect.DeepEqual(wh.Skipped, tt.skipped) {
				t.Errorf("skipped = %+v, want %+v", wh.Skipped, tt.skipped)
			}
		})
	}
}

// TestDeliveryWithUndecodablePartsIsStored: answering anything but 200
// here would make Meta re-send the same body until it unsubscribes the page.
func TestDeliveryWithUndecodablePartsIsStored(t *testing.T) {
	for _, tt := range skipCases {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			sink := &recordingSink{}
			body := skipBody(tt.body)
			rec := post(newHandler(t, sink, &logs), body, facebooktest.SignBody(body, appSecret))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			if sink.calls() != 1 {
				t.Fatalf("sink called %d times", sink.calls())
			}
			if got := summarize(sink.got[0]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sink got %q, want %q", got, tt.want)
			}
			log := logs.String()
			if n := strings.Count(log, "webhook item skipped"); n != len(tt.skipped) {
				t.Errorf("%d skip lines, want %d:\n%s", n, len(tt.skipped), log)
			}
			for _, s := range tt.skipped {
				want := fmt.Sprintf("page=%s kind=%s path=%s why=%s", logValue(s.PageID), s.Kind, logValue(s.Path), logValue(s.Reason))
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			if strings.Contains(log, secretText) {
				t.Errorf("log leaks message text:\n%s", log)
			}
		})
	}
}

// logValue renders v as slog's TextHandler does for these simple values.
func logValue(v string) string {
	if v == "" || strings.ContainsAny(v, " =\"") {
		return strconv.Quote(v)
	}
	return v
}
