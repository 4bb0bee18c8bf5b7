package facebook_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// numbersOf names conversations by their customer's number: psid6 is 6.
func numbersOf(convs []facebook.Conversation) string {
	var out []string
	for _, c := range convs {
		for i := range 20 {
			if c.ID == facebooktest.ConversationID(pageID, fmt.Sprintf("psid%d", i)) {
				out = append(out, fmt.Sprint(i))
			}
		}
	}
	return strings.Join(out, " ")
}

// TestConversationWalkSkims: a walk reads pages in full, skims (ids and
// times only, in larger pages) when told, and after Unskim reads the
// skimmed page's position again in full.
func TestConversationWalkSkims(t *testing.T) {
	fake, c, _ := setup(t, 12) // psid11 is the newest
	w := c.WalkConversations(pageID, pageToken, facebook.ConversationQuery{PageSize: 2, SkimSize: 4})
	steps := []struct {
		do        func()
		want      string
		skimmed   bool
		wantLimit string
	}{
		{nil, "11 10", false, "2"},
		{w.Skim, "9 8 7 6", true, "4"},
		{w.Unskim, "9 8", false, "2"}, // the skimmed page's start, in full
		{w.Skim, "7 6 5 4", true, "4"},
		{nil, "3 2 1 0", true, "4"},
	}
	for i, st := range steps {
		if st.do != nil {
			st.do()
		}
		if !w.More() {
			t.Fatalf("step %d: walk over early", i)
		}
		convs, err := w.Next(t.Context())
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := numbersOf(convs); got != st.want {
			t.Errorf("step %d: conversations %q, want %q", i, got, st.want)
		}
		r := fake.Requests()[i]
		fields := r.Query.Get("fields")
		if skim := fields == "id,updated_time"; skim != st.skimmed || r.Query.Get("limit") != st.wantLimit {
			t.Errorf("step %d: fields %q limit %q, want skimmed %v limit %s", i, fields, r.Query.Get("limit"), st.skimmed, st.wantLimit)
		}
		if st.skimmed && (convs[0].Snippet != "" || convs[0].Participants != nil || convs[0].UpdatedTime.IsZero()) {
			t.Errorf("step %d: skimmed conversation %+v, want id and time only", i, convs[0])
		}
		if !st.skimmed && (convs[0].Snippet == "" || len(convs[0].Participants) != 2) {
			t.Errorf("step %d: full conversation %+v", i, convs[0])
		}
	}
	if w.More() {
		t.Error("walk not over after the last page")
	}
}

// TestConversationWalkRetriesTheSamePage: after an error, Next reads the
// page that failed again, not the first one.
func TestConversationWalkRetriesTheSamePage(t *testing.T) {
	fake, c, clk := setup(t, 5)
	w := c.WalkConversations(pageID, pageToken, facebook.ConversationQuery{PageSize: 2})
	if convs, err := w.Next(t.Context()); err != nil || numbersOf(convs) != "4 3" {
		t.Fatalf("page 1: %v %v", numbersOf(convs), err)
	}
	fake.FailNext("/"+pageID+"/conversations", 0, 80001, 0, bucHeader(0, 100))
	_, err := w.Next(t.Context())
	rl, ok := errors.AsType[*facebook.RateLimitError](err)
	if !ok {
		t.Fatalf("page 2: err %v, want a rate limit", err)
	}
	clk.Advance(rl.RetryAfter)
	if convs, err := w.Next(t.Context()); err != nil || numbersOf(convs) != "2 1" {
		t.Fatalf("page 2 again: %q %v, want 2 1", numbersOf(convs), err)
	}
	reqs := fake.Requests()
	if reqs[1].Query.Get("after") == "" || reqs[2].Query.Get("after") != reqs[1].Query.Get("after") {
		t.Errorf("retry asked after=%q, the failed call after=%q: want the same", reqs[2].Query.Get("after"), reqs[1].Query.Get("after"))
	}
}

func TestConversationByID(t *testing.T) {
	fake, c, _ := setup(t, 3)
	id := facebooktest.ConversationID(pageID, "psid1")
	conv, err := c.Conversation(t.Context(), id, pageToken, facebook.ConversationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if conv.ID != id || conv.Snippet != "hello 1" || !conv.UpdatedTime.Equal(t0.Add(time.Minute)) || len(conv.Participants) != 2 {
		t.Errorf("conversation %+v", conv)
	}
	if r := fake.Requests()[0]; r.Path != "/v25.0/"+id || r.TokenIn != "header" {
		t.Errorf("request %+v", r)
	}
	if _, err := c.Conversation(t.Context(), "t_missing", pageToken, facebook.ConversationQuery{}); err == nil {
		t.Error("a missing conversation read without error")
	}
}

// TestNestedMessages: a walk that asks for nested messages gets each
// conversation's newest ones with it; MoreMessages pages on from the
// nested page's next (token in the header, never in a URL or in the
// Conversation value), and is empty when the nested page held them all.
func TestNestedMessages(t *testing.T) {
	fake, c, _ := setup(t, 1) // psid0: one message
	for i := range 7 {
		fake.AddMessage(pageID, "long", "Long", facebooktest.FakeMessage{ID: fmt.Sprintf("m_l%d", i), Text: fmt.Sprint(i), At: t0.Add(time.Hour + time.Duration(i)*time.Minute)})
	}
	w := c.WalkConversations(pageID, pageToken, facebook.ConversationQuery{PageSize: 5, Messages: 3})
	convs, err := w.Next(t.Context())
	if err != nil || len(convs) != 2 {
		t.Fatalf("%d conversations, %v", len(convs), err)
	}
	if f := fake.Requests()[0].Query.Get("fields"); !strings.HasSuffix(f, ",messages.limit(3){id,created_time,from,to,message,attachments}") {
		t.Errorf("fields %q, want the nested messages", f)
	}
	long, short := convs[0], convs[1]
	var ids []string
	for _, m := range long.Messages {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, " ") != "m_l6 m_l5 m_l4" || long.Messages[0].From.ID != "long" || !long.HasMoreMessages() {
		t.Errorf("nested %v (more %v), want the newest three and more", ids, long.HasMoreMessages())
	}
	if printed := fmt.Sprintf("%+v %#v", long, long); strings.Contains(printed, pageToken) {
		t.Errorf("a Conversation holds the token: %s", printed)
	}
	if len(short.Messages) != 1 || short.HasMoreMessages() {
		t.Errorf("short conversation %+v, want its one message and nothing more", short)
	}
	if more := c.MoreMessages(short, pageToken, 10); more.More() {
		t.Error("MoreMessages of a conversation the nested page covered has a page to read")
	}

	before := len(fake.Requests())
	more := c.MoreMessages(long, pageToken, 2)
	var rest []string
	for more.More() {
		msgs, err := more.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			rest = append(rest, m.ID)
		}
	}
	if got := strings.Join(rest, " "); got != "m_l3 m_l2 m_l1 m_l0" {
		t.Errorf("messages after the nested page %q", got)
	}
	for _, r := range fake.Requests()[before:] {
		if r.Path != "/v25.0/"+long.ID+"/messages" || r.TokenIn != "header" || r.Query.Has("access_token") || r.Query.Get("limit") != "2" {
			t.Errorf("request %+v: want the messages edge, limit 2, token in the header only", r)
		}
	}

	// Without nested messages, MoreMessages is the whole edge.
	plain, err := c.Conversation(t.Context(), long.ID, pageToken, facebook.ConversationQuery{})
	if err != nil || plain.Messages != nil || !plain.HasMoreMessages() {
		t.Fatalf("conversation without nested messages %+v, %v", plain, err)
	}
	all, err := collect(t, func(yield func(facebook.Message, error) bool) {
		for p := c.MoreMessages(plain, pageToken, 0); p.More(); {
			msgs, err := p.Next(t.Context())
			for _, m := range msgs {
				yield(m, nil)
			}
			if err != nil {
				yield(facebook.Message{}, err)
				return
			}
		}
	})
	if err != nil || len(all) != 7 {
		t.Errorf("%d messages of the plain conversation, %v; want 7", len(all), err)
	}
}

// TestNestedNextOffTheGraphHostIsRefused: a nested paging.next that points
// elsewhere is not followed, so the token is never sent there.
func TestNestedNextOffTheGraphHostIsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"t_1","messages":{"data":[{"id":"m_1"}],"paging":{"next":"https://evil.example/t_1/messages?access_token=x&after=a"}}}`)
	}))
	t.Cleanup(srv.Close)
	c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
	conv, err := c.Conversation(t.Context(), "t_1", pageToken, facebook.ConversationQuery{Messages: 1})
	if err != nil || !conv.HasMoreMessages() {
		t.Fatalf("%+v, %v", conv, err)
	}
	if _, err := c.MoreMessages(conv, pageToken, 0).Next(t.Context()); err == nil || !strings.Contains(err.Error(), "not the Graph host") {
		t.Errorf("err %v, want the link refused", err)
	}
}
