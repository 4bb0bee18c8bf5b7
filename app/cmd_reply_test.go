package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// seedReply is seedForServe plus a customer (9003, Lea) who wrote an hour
// ago, synced: 9003's window is open, 9001's and 9002's (two days ago)
// allow only a human-agent reply.
func (h *harness) seedReply() time.Time {
	h.t.Helper()
	h.seedForServe()
	lea := time.Now().Add(-time.Hour).Truncate(time.Second)
	h.fb.AddMessage("100", "9003", "Lea", facebooktest.FakeMessage{ID: "m_l1", Text: "is the blue mug back?", At: lea})
	h.mustRun("", "sync")
	return lea
}

func (h *harness) sendCalls() int {
	n := 0
	for _, r := range h.fb.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/100/messages") {
			n++
		}
	}
	return n
}

func TestReply(t *testing.T) {
	h := newHarness(t)
	lea := h.seedReply()

	// Refused before any call, exit 2.
	for _, tc := range []struct{ name, stdin, want string }{
		{"empty", "", "the reply is empty"},
		{"blank", " \n\n", "the reply is empty"},
		{"too long", strings.Repeat("a", 2001), "2,001 characters long; Messenger takes at most 2,000"},
		{"far too long", strings.Repeat("a", 20000), "longer than 2,000 characters"},
		{"not UTF-8", "caf\xe9\n", "not valid UTF-8"},
	} {
		r := h.run(tc.stdin, "reply", "9003")
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q", tc.name, r.code, r.stderr, r.stdout)
		}
	}
	if r := h.run("hi", "reply"); r.code != ExitUsage {
		t.Errorf("no conversation named: exit %d", r.code)
	}
	if n := h.sendCalls(); n != 0 {
		t.Fatalf("%d Send API calls for refused replies", n)
	}

	// Inside the window: sent, the final line break dropped, the mid printed.
	text := strings.Repeat("é", 1990) + " ok"
	r := h.mustRun(text+"\n", "reply", "9003")
	sent := h.fb.Sent()
	if len(sent) != 1 || sent[0].Text != text || sent[0].MessagingType != "RESPONSE" || r.stdout != sent[0].MessageID+"\n" {
		t.Fatalf("sent %+v, stdout %q", sent, r.stdout)
	}
	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9003")
	if n := len(out.Messages); n != 2 || out.Messages[1].ID != sent[0].MessageID || out.Messages[1].Direction != "out" {
		t.Errorf("thread after reply: %+v", out.Messages)
	}
	if c := out.Conversation; c.ReplyWindow != "open" || !c.ReplyWindowEnds.Equal(lea.Add(24*time.Hour)) ||
		!c.HumanAgentWindowEnds.Equal(lea.Add(7*24*time.Hour)) {
		t.Errorf("window in messages --json: %+v", c)
	}
	var convs []conversationJSON
	h.jsonOf(&convs, "conversations", "--json")
	for _, c := range convs {
		if want := map[string]string{"9003": "open", "9001": "human_agent", "9002": "human_agent"}[c.PSID]; c.ReplyWindow != want {
			t.Errorf("conversation %s: reply_window %q, want %q", c.PSID, c.ReplyWindow, want)
		}
	}

	// Past 24 hours: refused with no call, the human-agent tag offered.
	r = h.run("still there?", "reply", "9001")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "not sent: the 24-hour reply window closed") ||
		!strings.Contains(r.stderr, "reply --human-agent 9001") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("closed window: exit %d, stderr %q", r.code, r.stderr)
	}
	if n := h.sendCalls(); n != 1 {
		t.Errorf("%d Send API calls, want 1: a closed window made a call", n)
	}
	r = h.mustRun("still there?", "reply", "--human-agent", "9001")
	if s := h.fb.Sent(); len(s) != 2 || s[1].Tag != "HUMAN_AGENT" || s[1].PSID != "9001" {
		t.Errorf("human-agent reply: %+v", s)
	}

	// Meta refuses: one sentence, exit 1, with the fix.
	h.fb.SetUnreachable("100", "9003", true)
	r = h.run("hello?", "reply", "9003")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "not sent: the customer cannot be reached") {
		t.Errorf("unreachable: exit %d, %q", r.code, r.stderr)
	}
	h.fb.KillToken(pageToken, 460)
	r = h.run("hello?", "reply", "9003")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "sign in to Facebook again") ||
		!strings.Contains(r.stderr, "merchant-inbox connect facebook") || strings.Contains(r.stderr, pageToken) {
		t.Errorf("dead token: exit %d, %q", r.code, r.stderr)
	}
	var st statusReport
	h.jsonOf(&st, "status", "--json")
	if len(st.Pages) != 1 || !st.Pages[0].NeedsLogin {
		t.Errorf("the page is not marked after a dead token: %+v", st.Pages)
	}
}

// TestReplyThroughServe: while serve holds the database, reply runs
// inside it (its stdin streamed over the control socket).
func TestReplyThroughServe(t *testing.T) {
	h := newHarness(t)
	h.seedReply()
	_, stop, _ := h.startServe()
	eventually(t, "serve answering commands", func() bool {
		var st statusReport
		h.jsonOf(&st, "status", "--json")
		return st.Running != nil
	})

	if r := h.run("", "reply", "9003"); r.code != ExitUsage || !strings.Contains(r.stderr, "the reply is empty") {
		t.Errorf("empty through serve: exit %d %q", r.code, r.stderr)
	}
	r := h.mustRun("Back on Monday!\n", "reply", "9003")
	sent := h.fb.Sent()
	if len(sent) != 1 || sent[0].Text != "Back on Monday!" || strings.TrimSpace(r.stdout) != sent[0].MessageID {
		t.Fatalf("through serve: sent %+v, stdout %q", sent, r.stdout)
	}
	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9003")
	if n := len(out.Messages); n != 2 || out.Messages[1].ID != sent[0].MessageID {
		t.Errorf("serve's store after the reply: %+v", out.Messages)
	}
	if r := h.run("x", "reply", "9001"); r.code != ExitFailure || !strings.Contains(r.stderr, "not sent:") {
		t.Errorf("closed window through serve: exit %d %q", r.code, r.stderr)
	}
	if code := stop(); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}

// reply --product sends a product of the stored catalogue as a card, as
// the window's "Send as card" does, and refuses before any call one it
// cannot send.
func TestReplyProductCard(t *testing.T) {
	h := newHarness(t)
	h.seedReply()
	st, err := store.Open(filepath.Join(h.env[EnvDataDir], dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	put := func() error {
		_, err := st.UpsertProducts(t.Context(), []store.Product{
			{ID: "gid://shopify/Product/1", Title: "Blue Mug", Handle: "blue-mug", Status: "ACTIVE", URL: "https://shop.example/products/blue-mug",
				Variants: []store.Variant{{ID: "v1", Price: "12.5"}}},
			{ID: "gid://shopify/Product/2", Title: "Winter Mug", Handle: "winter-mug", Status: "DRAFT"},
		})
		return err
	}
	if err := errors.Join(
		st.PutShop(t.Context(), store.Shop{Domain: "demo.myshopify.com", Name: "Demo", Currency: "EUR"}),
		put(), st.Close()); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ name, product, want string }{
		{"unknown", "red-mug", `the shop has no product "red-mug"`},
		{"draft", "winter-mug", `"winter-mug" is draft in the shop`},
	} {
		if r := h.run("", "reply", "--product", tc.product, "9003"); r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, %q", tc.name, r.code, r.stderr)
		}
	}
	if n := h.sendCalls(); n != 0 {
		t.Fatalf("%d Send API calls for refused cards", n)
	}
	for i, product := range []string{"blue-mug", "gid://shopify/Product/1"} {
		r := h.mustRun("", "reply", "--product", product, "9003")
		sent := h.fb.Sent()
		if len(sent) != i+1 || strings.TrimSpace(r.stdout) != sent[i].MessageID ||
			!strings.Contains(string(sent[i].Template), `"title":"Blue Mug"`) || !strings.Contains(string(sent[i].Template), `"subtitle":"€12.50"`) {
			t.Errorf("--product %s: sent %+v, stdout %q", product, sent, r.stdout)
		}
	}
}
