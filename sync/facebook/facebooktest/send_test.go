package facebooktest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// TestSendAPIValidation posts raw Send API bodies, JSON as Meta's samples
// do, and checks the fake refuses what Meta refuses, with Meta's shape.
func TestSendAPIValidation(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		body    string
		code    int // 0: accepted
		subcode int
	}{
		{"text", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 0, 0},
		{"no recipient", `{"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 100, 0},
		{"no messaging_type", `{"recipient":{"id":"psid1"},"message":{"text":"hi"}}`, 100, 0},
		{"tag without MESSAGE_TAG", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","tag":"HUMAN_AGENT","message":{"text":"hi"}}`, 100, 0},
		{"MESSAGE_TAG without tag", `{"recipient":{"id":"psid1"},"messaging_type":"MESSAGE_TAG","message":{"text":"hi"}}`, 100, 0},
		{"empty text", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"text":""}}`, 100, 0},
		{"text and attachment", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"text":"a","attachment":{"type":"template","payload":{}}}}`, 100, 0},
		{"eleven elements", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[` +
			strings.Repeat(`{"title":"a","subtitle":"b"},`, 10) + `{"title":"a","subtitle":"b"}]}}}}`, 100, 0},
		{"button without url", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"a","buttons":[{"type":"web_url","title":"View"}]}]}}}}`, 100, 0},
		{"default action with title", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"a","default_action":{"type":"web_url","url":"https://x.example","title":"no"}}]}}}}`, 100, 0},
		{"card", `{"recipient":{"id":"psid1"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"a","buttons":[{"type":"web_url","url":"https://x.example","title":"View"}]}]}}}}`, 0, 0},
		{"unknown customer", `{"recipient":{"id":"psid9"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 100, 2018001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := facebooktest.NewServer(t)
			fake.AddPage("p1", "Shop", "", "tok")
			fake.SetClock(func() time.Time { return now })
			fake.AddMessage("p1", "psid1", "Ann", facebooktest.FakeMessage{Text: "hello", At: now.Add(-time.Hour)})
			req, _ := http.NewRequest(http.MethodPost, fake.URL+"/v25.0/p1/messages", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := fake.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out struct {
				MessageID string `json:"message_id"`
				Error     *struct {
					Code    int `json:"code"`
					Subcode int `json:"error_subcode"`
					Message string
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.code == 0 && (resp.StatusCode != 200 || out.MessageID == ""):
				t.Fatalf("refused: HTTP %d %+v", resp.StatusCode, out.Error)
			case tt.code != 0 && (out.Error == nil || out.Error.Code != tt.code || out.Error.Subcode != tt.subcode || resp.StatusCode != 400):
				t.Fatalf("HTTP %d, error %+v; want code %d subcode %d", resp.StatusCode, out.Error, tt.code, tt.subcode)
			}
			if n := len(fake.Sent()); (tt.code == 0) != (n == 1) {
				t.Errorf("%d messages recorded as sent", n)
			}
		})
	}
}
