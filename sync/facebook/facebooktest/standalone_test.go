package facebooktest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// A fake started outside a test answers like one started by NewServer,
// panics where NewServer's would fail the test, and stops on Close.
func TestStandalone(t *testing.T) {
	s := facebooktest.Standalone()
	s.AddPage(pageID, "Shop", "Clothing store", token)
	s.AddMessage(pageID, "9001", "Jane", facebooktest.FakeMessage{Text: "hello", At: t0})

	var got graphPage
	if resp := get(t, s.URL+"/v23.0/"+pageID+"/conversations", token, &got); resp.StatusCode != http.StatusOK || len(got.Data) != 1 {
		t.Fatalf("conversations: HTTP %d, %+v", resp.StatusCode, got.Data)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("AddMessage to a page never added did not panic")
			}
		}()
		s.AddMessage("404", "9001", "", facebooktest.FakeMessage{Text: "lost"})
	}()

	s.Close()
	if resp, err := http.Get(s.URL + "/v23.0/" + pageID); err == nil {
		resp.Body.Close()
		t.Error("the fake still answers after Close")
	}
}

func TestWebhookBody(t *testing.T) {
	body, err := facebooktest.WebhookBody(pageID, "9001", facebooktest.FakeMessage{ID: "m_1", Text: "hi", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	var hook struct {
		Object string `json:"object"`
		Entry  []struct {
			ID        string `json:"id"`
			Messaging []struct {
				Sender    struct{ ID string } `json:"sender"`
				Recipient struct{ ID string } `json:"recipient"`
				Timestamp int64               `json:"timestamp"`
				Message   struct{ Mid, Text string }
			} `json:"messaging"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &hook); err != nil {
		t.Fatal(err)
	}
	if hook.Object != "page" || len(hook.Entry) != 1 || len(hook.Entry[0].Messaging) != 1 {
		t.Fatalf("webhook body %s", body)
	}
	ev := hook.Entry[0].Messaging[0]
	if hook.Entry[0].ID != pageID || ev.Sender.ID != "9001" || ev.Recipient.ID != pageID ||
		ev.Timestamp != t0.UnixMilli() || ev.Message.Mid != "m_1" || ev.Message.Text != "hi" {
		t.Errorf("webhook event %+v", ev)
	}
	if _, err := facebooktest.WebhookBody(pageID, "9001", facebooktest.FakeMessage{Text: "no id"}); err == nil {
		t.Error("a message without ID and time made a body")
	}
}
